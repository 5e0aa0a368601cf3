use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an empty (or whitespace-only) line inside an instruction continued with `\`.
    /// Comment lines inside a continuation are fine. Same as BuildKit's `NoEmptyContinuation`
    /// check.
    ///
    /// ## Why it matters
    /// The builder silently skips the line today, but BuildKit says empty continuation lines will
    /// become errors; and a reader easily takes the blank line for the end of the instruction.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && \
    ///
    ///     apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// Delete the empty line (safe fix: the builder ignores it).
    pub struct EmptyContinuationLine;
}

static META: RuleMeta = RuleMeta {
    code: "DF012",
    name: "empty-continuation-line",
    severity: Severity::Warning,
    category: Category::Syntax,
    summary: "An empty line inside a continued instruction",
    docs: EmptyContinuationLine::DOCS,
    hadolint: &[],
    buildkit: &["NoEmptyContinuation"],
    fix: FixKind::Safe,
    default_enabled: true,
};

impl Rule for EmptyContinuationLine {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for (_, instr) in cx.instructions() {
            for node in instr.syntax().descendants() {
                if node.kind() != SyntaxKind::SKIPPED_LINE {
                    continue;
                }
                let blank = node
                    .children_with_tokens()
                    .all(|t| matches!(t.kind(), SyntaxKind::WHITESPACE | SyntaxKind::NEWLINE));
                if !blank {
                    continue;
                }
                let range = node.text_range();
                out.push(
                    Diagnostic::new(&META, range, "Empty continuation line").with_fix(Fix {
                        message: "Delete the empty line".into(),
                        applicability: Applicability::Safe,
                        edits: vec![Edit::delete(range)],
                    }),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("empty-continuation-line");
    }
}
