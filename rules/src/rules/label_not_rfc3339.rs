use crate::config::LabelType;
use crate::label_value::{check_labels, rfc3339};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `label-schema` in the configuration, reports a label of type `rfc3339` whose value is
    /// not an RFC 3339 `date-time`: `2024-05-01T12:30:00Z`, optionally with fractions of a second,
    /// and with `Z` or an offset such as `+02:00`. A date alone, a space instead of `T`, a missing
    /// offset and dates that do not exist (`2023-02-29`) are reported. Same as hadolint's DL3053.
    ///
    /// Empty values are left to `empty-label`. A value built from variables is checked when the
    /// file gives their values (an `ENV`, an `ARG`'s default); an `ARG` without a default is
    /// known only at build time and is not checked.
    ///
    /// ## Why it matters
    /// Tools parse the value to sort and age images; a date in another form reads as no date.
    ///
    /// ## Example
    /// ```toml
    /// # dflint.toml
    /// [label-schema]
    /// "org.opencontainers.image.created" = "rfc3339"
    /// ```
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.created="2024-05-01 12:30"
    /// ```
    ///
    /// ## Fix
    /// Write the full date and time with its offset; from a shell: `date -u +%Y-%m-%dT%H:%M:%SZ`,
    /// passed in with `--build-arg`. There is no automatic fix.
    pub struct LabelNotRfc3339;
}

static META: RuleMeta = RuleMeta {
    code: "DF109",
    name: "label-not-rfc3339",
    severity: Severity::Warning,
    category: Category::Style,
    summary: "A label that label-schema types `rfc3339` is not an RFC 3339 date and time",
    docs: LabelNotRfc3339::DOCS,
    hadolint: &["DL3053"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for LabelNotRfc3339 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        check_labels(
            cx,
            &META,
            LabelType::Rfc3339,
            "an RFC 3339 date and time",
            rfc3339,
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("label-not-rfc3339");
    }

    #[test]
    fn nothing_without_a_schema() {
        let text = "FROM alpine\nLABEL org.opencontainers.image.created=\"2024-05-01 12:30\"\n";
        assert!(crate::testing::run_rule("label-not-rfc3339", text, None).is_empty());
    }
}
