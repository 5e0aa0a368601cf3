use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `FROM image as name` whose `AS` keyword is not cased like `FROM`: `FROM ... as`
    /// or `from ... AS`. A `FROM` keyword of mixed case is left to
    /// `inconsistent-instruction-casing`. Same as BuildKit's `FromAsCasing` check.
    ///
    /// ## Why it matters
    /// Consistent keywords make a Dockerfile easier to scan; BuildKit warns about it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12 as builder
    /// ```
    ///
    /// ## Fix
    /// Write `AS` in the case of `FROM` (safe fix).
    pub struct FromAsCasing;
}

static META: RuleMeta = RuleMeta {
    code: "DF011",
    name: "from-as-casing",
    severity: Severity::Style,
    category: Category::Style,
    summary: "The AS keyword is not cased like FROM",
    docs: FromAsCasing::DOCS,
    hadolint: &[],
    buildkit: &["FromAsCasing"],
    fix: FixKind::Safe,
    default_enabled: true,
};

impl Rule for FromAsCasing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for stage in cx.stages() {
            let instr = &cx.model.instructions[stage.from];
            let Some(kw) = instr.keyword() else { continue };
            let from = kw.text();
            let args = instr.args();
            if args.len() < 3 {
                continue;
            }
            let as_word = &args[1];
            let wanted = if from == from.to_lowercase() {
                as_word.text.to_lowercase()
            } else if from == from.to_uppercase() {
                as_word.text.to_uppercase()
            } else {
                continue;
            };
            if wanted == as_word.text {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &META,
                    as_word.range,
                    format!(
                        "'{}' and '{}' keywords' casing do not match",
                        as_word.text, from
                    ),
                )
                .with_fix(Fix {
                    message: format!("Write `{wanted}`"),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::replace(as_word.range, wanted)],
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("from-as-casing");
    }
}
