use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports suppression comments (`# dflint ignore=`, `# hadolint ignore=`, `# check=skip=`)
    /// that suppress nothing, or that name rules dflint does not know. Off by default.
    ///
    /// ## Why it matters
    /// Stale suppressions hide future problems and mislead readers.
    ///
    /// ## Example
    /// ```dockerfile
    /// # dflint ignore=from-first
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix
    /// Delete the comment, or correct the rule name.
    pub struct UnusedSuppression;
}

static META: RuleMeta = RuleMeta {
    code: "DF006",
    name: "unused-suppression",
    severity: Severity::Info,
    category: Category::Style,
    summary: "A suppression comment suppresses nothing",
    docs: UnusedSuppression::DOCS,
    hadolint: &[],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: false,
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    // File: reported by `check` itself, after every other rule.

    /// Reported by `check` itself, which knows which suppressions were used.
    fn check(&self, _cx: &RuleContext<'_>, _out: &mut Vec<Diagnostic>) {}
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("unused-suppression");
    }
}
