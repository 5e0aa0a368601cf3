use crate::config::LabelType;
use crate::label_value::{check_labels, semver};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `label-schema` in the configuration, reports a label of type `semver` whose value is
    /// not a semantic version 2.0.0: `MAJOR.MINOR.PATCH` without leading zeros, optionally
    /// followed by a pre-release (`-rc.1`) and build metadata (`+build.5`). A leading `v`, two
    /// numbers (`1.2`) and words such as `latest` are reported. Same as hadolint's DL3056.
    ///
    /// Empty values are left to `empty-label`. A value built from variables is checked when the
    /// file gives their values (an `ENV`, an `ARG`'s default); an `ARG` without a default is
    /// known only at build time and is not checked.
    ///
    /// ## Why it matters
    /// Tools compare versions to find the latest image and to order upgrades; a version outside
    /// semantic versioning compares as text.
    ///
    /// ## Example
    /// ```toml
    /// # dflint.toml
    /// [label-schema]
    /// "org.opencontainers.image.version" = "semver"
    /// ```
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version=v1.2
    /// ```
    ///
    /// ## Fix
    /// Write the version as `1.2.0`; a tag name such as `v1.2.0` loses its `v`. There is no automatic fix.
    pub struct LabelNotSemver;
}

static META: RuleMeta = RuleMeta {
    code: "DF112",
    name: "label-not-semver",
    severity: Severity::Warning,
    category: Category::Style,
    summary: "A label that label-schema types `semver` is not a semantic version",
    docs: LabelNotSemver::DOCS,
    hadolint: &["DL3056"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for LabelNotSemver {
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
            LabelType::Semver,
            "a semantic version",
            semver,
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("label-not-semver");
    }

    #[test]
    fn nothing_without_a_schema() {
        let text = "FROM alpine\nLABEL org.opencontainers.image.version=v1.2\n";
        assert!(crate::testing::run_rule("label-not-semver", text, None).is_empty());
    }
}
