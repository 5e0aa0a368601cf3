use crate::config::LabelType;
use crate::label_value::{check_labels, email};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `label-schema` in the configuration, reports a label of type `email` whose value is not
    /// an e-mail address (an RFC 5322 `addr-spec`, checked pragmatically): `local@domain`, the
    /// local part letters, digits, `.` and ``!#$%&'*+-/=?^_`{|}~`` (or a quoted string), the
    /// domain a host name or an address literal in brackets; ASCII only, no comments. A name
    /// with the address (`Jane Doe <jane@example.org>`) is reported: the label holds an
    /// address. Same as hadolint's DL3058.
    ///
    /// Empty values are left to `empty-label`. A value built from variables is checked when the
    /// file gives their values (an `ENV`, an `ARG`'s default); an `ARG` without a default is
    /// known only at build time and is not checked.
    ///
    /// ## Why it matters
    /// Tools and people use the label to reach the image's maintainer; a value that is not an
    /// address cannot be mailed.
    ///
    /// ## Example
    /// ```toml
    /// # dflint.toml
    /// [label-schema]
    /// "maintainer" = "email"
    /// ```
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="Jane Doe <jane@example.org>"
    /// ```
    ///
    /// ## Fix
    /// Give the address alone: `LABEL maintainer=jane@example.org`. There is no automatic fix.
    pub struct LabelNotEmail;
}

static META: RuleMeta = RuleMeta {
    code: "DF113",
    name: "label-not-email",
    severity: Severity::Warning,
    category: Category::Style,
    summary: "A label that label-schema types `email` is not an e-mail address",
    docs: LabelNotEmail::DOCS,
    hadolint: &["DL3058"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for LabelNotEmail {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        check_labels(cx, &META, LabelType::Email, "an e-mail address", email, out);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("label-not-email");
    }

    #[test]
    fn nothing_without_a_schema() {
        let text = "FROM alpine\nLABEL maintainer=\"Jane Doe <jane@example.org>\"\n";
        assert!(crate::testing::run_rule("label-not-email", text, None).is_empty());
    }
}
