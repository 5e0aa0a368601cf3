use crate::model::{expand, unquote};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `USER root` (or `0`, `root:group`, `0:0`) that stays in effect at the end of a
    /// stage that can become an image.
    ///
    /// ## Why it matters
    /// Containers run as the image's last `USER`. Running as root gives a process that breaks out
    /// of the application everything the container can reach.
    ///
    /// Unlike hadolint (DL3002), which reports every stage, only stages whose user matters are
    /// looked at: the last stage and stages nothing else uses (possible `--target`s). A builder
    /// stage that other stages only `COPY --from` is left alone, since its user does not reach
    /// any image. A stage built on another inherits its user, so `USER root` in a base stage is
    /// reported when a stage built on it does not switch away. Variables are resolved
    /// (`USER $APP_USER`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// USER root
    /// RUN apt-get update
    /// ```
    ///
    /// ## Fix
    /// End the stage with `USER <non-root user>`. Not automatic: the user must exist.
    pub struct LastUserRoot;
}

static META: RuleMeta = RuleMeta {
    code: "DF042",
    name: "last-user-root",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "The last USER of an image is root",
    docs: LastUserRoot::DOCS,
    hadolint: &["DL3002"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name == "0"
}

impl Rule for LastUserRoot {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    // File: whether a stage is an image depends on the `COPY --from`s of the other stages.

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let n = model.stages.len();
        // The USER word in effect at the end of each stage (inherited through FROM <stage>).
        let mut last: Vec<Option<(Word, String)>> = Vec::with_capacity(n);
        let mut used = vec![false; n];
        for stage in cx.stages() {
            let mut user = stage.base_stage.and_then(|b| last[b].clone());
            if let Some(b) = stage.base_stage {
                used[b] = true;
            }
            for i in stage.from + 1..stage.end {
                let instr = &model.instructions[i];
                match instr.kind() {
                    SyntaxKind::USER_INSTR => {
                        if let Some(w) = instr.args().into_iter().next() {
                            let v = expand(&unquote(&w.text), &|v| model.value_at(i, v));
                            user = Some((w, v));
                        }
                    }
                    SyntaxKind::COPY_INSTR => {
                        let from = instr.flag("from").and_then(|f| f.unquoted_value());
                        if let Some(s) = from.and_then(|f| model.stage_by_ref(&f)) {
                            used[s] = true;
                        }
                    }
                    SyntaxKind::RUN_INSTR => {
                        for f in instr.flags().filter(|f| f.name() == "mount") {
                            let v = f.unquoted_value().unwrap_or_default();
                            for part in v.split(',') {
                                if let Some(("from", s)) = part.split_once('=') {
                                    if let Some(s) = model.stage_by_ref(s.trim()) {
                                        used[s] = true;
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            last.push(user);
        }
        let mut reported: Vec<TextRange> = Vec::new();
        for s in 0..n {
            if used[s] && s + 1 != n {
                continue;
            }
            let Some((w, v)) = &last[s] else { continue };
            if !is_root(v) || reported.contains(&w.range) {
                continue;
            }
            reported.push(w.range);
            let mut d = Diagnostic::new(
                &META,
                w.range,
                "the image runs as root: end the stage with a non-root USER",
            );
            if w.text != *v {
                d = d.with_note(format!("`{}` is `{v}` here", w.text));
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("last-user-root");
    }
}
