use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a stage name (`FROM image AS Name`) that is not all lowercase. Same as BuildKit's
    /// `StageNameCasing` check.
    ///
    /// ## Why it matters
    /// BuildKit compares stage names case-insensitively and shows them in lowercase; a mixed-case
    /// name reads as if `--from=Builder` and `--from=builder` were different stages.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS BuilderBase
    /// FROM BuilderBase
    /// ```
    ///
    /// ## Fix
    /// Write the name in lowercase. The fix (safe) renames the stage and the references to it
    /// in later `FROM` lines and `--from=` flags; references are case-insensitive, so the build
    /// does not change.
    pub struct StageNameCasing;
}

static META: RuleMeta = RuleMeta {
    code: "DF010",
    name: "stage-name-casing",
    severity: Severity::Style,
    category: Category::Style,
    summary: "A stage name is not lowercase",
    docs: StageNameCasing::DOCS,
    hadolint: &[],
    buildkit: &["StageNameCasing"],
    fix: FixKind::Safe,
    default_enabled: true,
};

impl Rule for StageNameCasing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    // File: its fix renames the references to the stage in later stages.

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for stage in cx.stages() {
            let Some(name) = &stage.name else { continue };
            let lower = name.text.to_lowercase();
            if lower == name.text {
                continue;
            }
            let mut edits = vec![Edit::replace(name.range, lower.clone())];
            // Later references by the same name: `FROM Name` and `--from=Name`.
            for instr in &model.instructions[stage.from + 1..] {
                if let Some(image) = instr.image() {
                    if image.text.eq_ignore_ascii_case(&name.text) && image.text != lower {
                        edits.push(Edit::replace(image.range, lower.clone()));
                    }
                }
                if let Some(value) = instr.flag("from").and_then(|f| f.value()) {
                    if value.text.eq_ignore_ascii_case(&name.text) && value.text != lower {
                        edits.push(Edit::replace(value.range, lower.clone()));
                    }
                }
            }
            out.push(
                Diagnostic::new(
                    &META,
                    name.range,
                    format!("Stage name '{}' should be lowercase", name.text),
                )
                .with_fix(Fix {
                    message: format!("Rename the stage to `{lower}`"),
                    applicability: Applicability::Safe,
                    edits,
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("stage-name-casing");
    }
}
