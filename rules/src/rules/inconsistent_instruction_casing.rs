use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an instruction keyword whose case differs from the majority of the file's
    /// keywords (all lowercase or all uppercase), and any keyword of mixed case (`From`). As in
    /// BuildKit's `ConsistentInstructionCasing` check, the keywords of the stages count (`FROM`
    /// and what follows it), not `ARG`s before the first `FROM`; uppercase wins a tie.
    ///
    /// ## Why it matters
    /// Keywords are case-insensitive, but a file that mixes `RUN` and `run` is harder to read.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// run echo hello
    /// ```
    ///
    /// ## Fix
    /// Write the keyword in the majority's case (safe fix).
    pub struct InconsistentInstructionCasing;
}

static META: RuleMeta = RuleMeta {
    code: "DF013",
    name: "inconsistent-instruction-casing",
    severity: Severity::Style,
    category: Category::Style,
    summary: "An instruction keyword is not cased like the others",
    docs: InconsistentInstructionCasing::DOCS,
    hadolint: &[],
    buildkit: &["ConsistentInstructionCasing"],
    fix: FixKind::Safe,
    default_enabled: true,
};

impl Rule for InconsistentInstructionCasing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    // File: compares casing with the majority over the whole file.

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let Some(first) = model.stages.first() else {
            return;
        };
        let keywords: Vec<_> = model.instructions[first.from..]
            .iter()
            .filter(|i| i.kind() != SyntaxKind::UNKNOWN_INSTR)
            .filter_map(|i| i.keyword())
            .collect();
        let (mut lower, mut upper) = (0, 0);
        for kw in &keywords {
            let t = kw.text();
            if t == t.to_lowercase() {
                lower += 1;
            } else if t == t.to_uppercase() {
                upper += 1;
            }
        }
        let majority_lower = lower > upper;
        for kw in &keywords {
            let t = kw.text();
            let (wanted, casing) = if majority_lower {
                (t.to_lowercase(), "lowercase")
            } else {
                (t.to_uppercase(), "uppercase")
            };
            if wanted == t {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &META,
                    kw.text_range(),
                    format!(
                        "Command '{t}' should match the case of the command majority ({casing})"
                    ),
                )
                .with_fix(Fix {
                    message: format!("Write `{wanted}`"),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::replace(kw.text_range(), wanted)],
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("inconsistent-instruction-casing");
    }
}
