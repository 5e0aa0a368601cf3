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
        let keywords: Vec<(&str, TextRange)> = (first.from..model.instructions.len())
            .filter(|&i| model.kind(i) != SyntaxKind::UNKNOWN_INSTR)
            .filter_map(|i| model.keyword(i))
            .map(|r| (&model.text[r], r))
            .collect();
        let (mut lower, mut upper) = (0, 0);
        for &(t, _) in &keywords {
            if is_lower(t) {
                lower += 1;
            } else if is_upper(t) {
                upper += 1;
            }
        }
        let majority_lower = lower > upper;
        for &(t, range) in &keywords {
            if (majority_lower && is_lower(t)) || (!majority_lower && is_upper(t)) {
                continue;
            }
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
                    range,
                    format!(
                        "Command '{t}' should match the case of the command majority ({casing})"
                    ),
                )
                .with_fix(Fix {
                    message: format!("Write `{wanted}`"),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::replace(range, wanted)],
                }),
            );
        }
    }
}

/// An instruction's keyword and its range, read from the green tree (as
/// [`Instruction::keyword`] finds it, without making a cursor for each token on the way).
fn is_lower(t: &str) -> bool {
    if t.is_ascii() {
        !t.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        t == t.to_lowercase()
    }
}

/// `t == t.to_uppercase()`, without allocating for ASCII.
fn is_upper(t: &str) -> bool {
    if t.is_ascii() {
        !t.bytes().any(|b| b.is_ascii_lowercase())
    } else {
        t == t.to_uppercase()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("inconsistent-instruction-casing");
    }
}
