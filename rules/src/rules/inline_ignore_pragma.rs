use crate::prelude::*;
use crate::suppress;

declare_rule! {
    /// ## What it does
    /// Reports suppression comments that apply to a single instruction
    /// (`# dflint ignore=...`, `# hadolint ignore=...`, a `# check=skip=...` comment above an
    /// instruction). Off by default, as in hadolint.
    ///
    /// ## Why it matters
    /// Some teams want every exception in one place: the configuration file or a
    /// `# dflint global ignore=` line at the top, where reviewers see them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// # hadolint ignore=DL3008
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// Move the exception to `dflint.toml` (`ignore = [...]`, per-path `[[overrides]]`) or to a
    /// global ignore comment.
    pub struct InlineIgnorePragma;
}

static META: RuleMeta = RuleMeta {
    code: "DF114",
    name: "inline-ignore-pragma",
    severity: Severity::Info,
    category: Category::Style,
    summary: "A suppression comment applies to one instruction",
    docs: InlineIgnorePragma::DOCS,
    hadolint: &["DL1001"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: false,
};

impl Rule for InlineIgnorePragma {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for range in suppress::inline_comments(cx.model, cx.span.clone()) {
            out.push(Diagnostic::new(
                &META,
                range,
                "inline suppression: keep exceptions in dflint.toml or a global ignore comment",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("inline-ignore-pragma");
    }
}
