use crate::config::LabelType;
use crate::label_value::{check_labels, url};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `label-schema` in the configuration, reports a label of type `url` whose value is not an
    /// absolute URI (RFC 3986): it needs a scheme (`https:`), only the characters a URI may hold
    /// (others percent-encoded: `%20`), and, for schemes that name a host (`http`, `https`, `ftp`,
    /// `git`, `ssh`, ...), `//` and a host. Same as hadolint's DL3052.
    ///
    /// Empty values are left to `empty-label`. A value built from variables is checked when the
    /// file gives their values (an `ENV`, an `ARG`'s default); an `ARG` without a default is
    /// known only at build time and is not checked.
    ///
    /// ## Why it matters
    /// Tools link to the value (registries show `org.opencontainers.image.source` as the image's
    /// source); a value without its scheme is a broken link.
    ///
    /// ## Example
    /// ```toml
    /// # dflint.toml
    /// [label-schema]
    /// "org.opencontainers.image.source" = "url"
    /// ```
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source=github.com/example/app
    /// ```
    ///
    /// ## Fix
    /// Write the whole URL, scheme included: `https://github.com/example/app`. There is no automatic fix.
    pub struct LabelNotUrl;
}

static META: RuleMeta = RuleMeta {
    code: "DF108",
    name: "label-not-url",
    severity: Severity::Warning,
    category: Category::Style,
    summary: "A label that label-schema types `url` is not a URL",
    docs: LabelNotUrl::DOCS,
    hadolint: &["DL3052"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for LabelNotUrl {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        check_labels(cx, &META, LabelType::Url, "a valid URL", url, out);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("label-not-url");
    }

    #[test]
    fn nothing_without_a_schema() {
        let text = "FROM alpine\nLABEL org.opencontainers.image.source=github.com/example/app\n";
        assert!(crate::testing::run_rule("label-not-url", text, None).is_empty());
    }
}
