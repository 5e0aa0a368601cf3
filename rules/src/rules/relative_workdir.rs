use crate::model::unquote;
use crate::prelude::*;
use dflint_syntax::ast::LogicalText;

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

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for stage in cx.stages() {
            let s = stage.index;
            let mut absolute = stage
                .base_stage
                .filter(|&b| b < s)
                .is_some_and(|b| absolute_at_end(model, b));
            for instr in &model.instructions[stage.from + 1..stage.end] {
                let Some((first, last, text)) = workdir_args(instr) else {
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
        }
    }
}

/// A WORKDIR's first and last words and its argument text.
fn workdir_args(instr: &Instruction) -> Option<(Word, Word, LogicalText)> {
    if instr.kind() != SyntaxKind::WORKDIR_INSTR {
        return None;
    }
    let args = instr.args();
    Some((
        args.first()?.clone(),
        args.last()?.clone(),
        instr.args_text()?,
    ))
}

/// Whether an absolute WORKDIR is set at the end of stage `s`: any WORKDIR does it (a relative
/// one is reported once, then counts as set), or one in the stage it builds on.
fn absolute_at_end(model: &Model, s: usize) -> bool {
    let stage = &model.stages[s];
    model.instructions[stage.from + 1..stage.end]
        .iter()
        .any(|i| workdir_args(i).is_some())
        || stage
            .base_stage
            .filter(|&b| b < s)
            .is_some_and(|b| absolute_at_end(model, b))
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
