use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports what makes BuildKit reject the Dockerfile: errors of its parser (bad parser
    /// directives, a JSON array of non-strings, an unterminated heredoc, `ENV key` without a value,
    /// a file without instructions) and of its instructions layer (unknown instructions, wrong
    /// number of arguments, unknown or malformed flags, HEALTHCHECK and ONBUILD misuse).
    ///
    /// ## Why it matters
    /// The build fails at once, often with a message that points at the wrong line.
    ///
    /// ## Example
    /// ```dockerfile
    /// FORM alpine
    /// COPY --form=build /app /app
    /// ```
    ///
    /// ## Fix
    /// Correct the instruction; the message says what BuildKit expects.
    pub struct SyntaxErrorRule;
}

static META: RuleMeta = RuleMeta {
    code: "DF001",
    name: "syntax-error",
    severity: Severity::Error,
    category: Category::Syntax,
    summary: "BuildKit rejects this Dockerfile",
    docs: SyntaxErrorRule::DOCS,
    hadolint: &["DL1000", "DL3043"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for SyntaxErrorRule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let errors = model
            .parse
            .errors()
            .iter()
            .cloned()
            .chain(dflint_syntax::validate::validate(&model.tree));
        for e in errors {
            out.push(Diagnostic::new(&META, e.range, e.message));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("syntax-error");
    }
}
