use crate::model::{expand, unquote, StageRefs};
use crate::prelude::*;
use crate::shell;

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
        // The USER in effect at the end of each stage (inherited through FROM <stage>), and its
        // value. Most files end no stage as root: then which stages are used does not matter.
        let mut users: Vec<Option<(Word, String)>> = Vec::with_capacity(n);
        for (s, stage) in model.stages.iter().enumerate() {
            let user = match last_user(model, s) {
                Some((i, w)) => {
                    let v = unquote(&w.text);
                    // Most users are written out: nothing to look up.
                    let v = if v.contains('$') {
                        expand(&v, &|v| model.value_at(i, v))
                    } else {
                        v
                    };
                    Some((w, v))
                }
                // A base stage is always an earlier one.
                None => stage
                    .base_stage
                    .filter(|&b| b < s)
                    .and_then(|b| users[b].clone()),
            };
            users.push(user);
        }
        if !users.iter().flatten().any(|(_, v)| is_root(v)) {
            return;
        }
        let refs = StageRefs::new(model);
        // Stages used by others: built on, copied from, mounted.
        let mut used = vec![false; n];
        for stage in &model.stages {
            if let Some(b) = stage.base_stage {
                used[b] = true;
            }
        }
        let in_stages = cx.stages().iter().flat_map(|st| st.from + 1..st.end);
        for i in in_stages {
            // Most instructions do not mention `from`: their flags need not be read.
            let kind = model.kind(i);
            if !matches!(kind, SyntaxKind::COPY_INSTR | SyntaxKind::RUN_INSTR) {
                continue;
            }
            let instr = &model.instructions[i];
            if !shell::may_have_word(&model.text[instr.range()], "from", model.escape) {
                continue;
            }
            match kind {
                SyntaxKind::COPY_INSTR => {
                    let from = instr.flag("from").and_then(|f| f.unquoted_value());
                    if let Some(s) = from.and_then(|f| refs.get(&f)) {
                        used[s] = true;
                    }
                }
                SyntaxKind::RUN_INSTR => {
                    for f in instr.flags().filter(|f| f.name() == "mount") {
                        let v = f.unquoted_value().unwrap_or_default();
                        for part in v.split(',') {
                            if let Some(("from", s)) = part.split_once('=') {
                                if let Some(s) = refs.get(s.trim()) {
                                    used[s] = true;
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        let mut reported: Vec<TextRange> = Vec::new();
        for (s, &used) in used.iter().enumerate() {
            if used && s + 1 != n {
                continue;
            }
            let Some((w, v)) = &users[s] else { continue };
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

/// The last USER of stage `s` that has an argument: the instruction's index and its word.
fn last_user(model: &Model, s: usize) -> Option<(usize, Word)> {
    let stage = &model.stages[s];
    (stage.from + 1..stage.end).rev().find_map(|i| {
        (model.kind(i) == SyntaxKind::USER_INSTR)
            .then(|| model.instructions[i].args().into_iter().next())
            .flatten()
            .map(|w| (i, w))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("last-user-root");
    }
}
