use crate::model::unquote;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a relative `WORKDIR` when no absolute `WORKDIR` was set before it in the stage or
    /// in the stages it builds on. Same as BuildKit's `WorkdirRelativePath` check.
    ///
    /// ## Why it matters
    /// A relative path is resolved against the base image's working directory, which this file
    /// does not control: a new base image version can move your files.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// WORKDIR usr/share/nginx/html
    /// ```
    ///
    /// ## Fix
    /// Use an absolute path, or set one first (`WORKDIR /usr/share/nginx` then `WORKDIR html`).
    pub struct RelativeWorkdir;
}

static META: RuleMeta = RuleMeta {
    code: "DF019",
    name: "relative-workdir",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "A relative WORKDIR depends on the base image",
    docs: RelativeWorkdir::DOCS,
    hadolint: &[],
    buildkit: &["WorkdirRelativePath"],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for RelativeWorkdir {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        // Whether an absolute WORKDIR has been set, per stage, at its end.
        let mut absolute_at_end = vec![false; model.stages.len()];
        for (s, stage) in model.stages.iter().enumerate() {
            let mut absolute = stage
                .base_stage
                .filter(|&b| b < s)
                .is_some_and(|b| absolute_at_end[b]);
            for instr in &model.instructions[stage.from + 1..stage.end] {
                if instr.kind() != SyntaxKind::WORKDIR_INSTR {
                    continue;
                }
                let args = instr.args();
                let (Some(first), Some(last), Some(text)) =
                    (args.first(), args.last(), instr.args_text())
                else {
                    continue;
                };
                let range = first.range.cover(last.range);
                let path = unquote(text.text.trim());
                let is_abs = path.starts_with('/')
                    || path.starts_with('$')
                    || path.starts_with('\\')
                    || path.as_bytes().get(1) == Some(&b':');
                if is_abs {
                    absolute = true;
                } else if !absolute {
                    out.push(Diagnostic::new(
                        &META,
                        range,
                        format!(
                            "Relative workdir {} can have unexpected results if the base image changes",
                            go_quote(&path)
                        ),
                    ));
                    // BuildKit reports only the first one of the stage.
                    absolute = true;
                }
            }
            absolute_at_end[s] = absolute;
        }
    }
}

fn go_quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("relative-workdir");
    }
}
