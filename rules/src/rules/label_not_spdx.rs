use crate::config::LabelType;
use crate::label_value::{check_labels, spdx};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `label-schema` in the configuration, reports a label of type `spdx` whose value is not
    /// an SPDX license expression: ids of the SPDX license list (as the list writes them: `MIT`,
    /// not `mit`; deprecated ids such as `GPL-2.0` are accepted), `LicenseRef-...`, a trailing
    /// `+`, `WITH` an exception, `AND`, `OR` and parentheses. The list is the full SPDX list, as
    /// the `spdx` crate ships it. hadolint's DL3054 accepts one id only; expressions such as
    /// `MIT OR Apache-2.0` are what `org.opencontainers.image.licenses` asks for.
    ///
    /// Empty values are left to `empty-label`. A value built from variables is checked when the
    /// file gives their values (an `ENV`, an `ARG`'s default); an `ARG` without a default is
    /// known only at build time and is not checked.
    ///
    /// ## Why it matters
    /// License scanners and SBOM tools read the label as an SPDX expression; a license written
    /// in prose cannot be matched against a policy.
    ///
    /// ## Example
    /// ```toml
    /// # dflint.toml
    /// [label-schema]
    /// "org.opencontainers.image.licenses" = "spdx"
    /// ```
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.licenses="Apache 2.0"
    /// ```
    ///
    /// ## Fix
    /// Use the SPDX ids: `Apache-2.0`, `MIT OR Apache-2.0`; a license that is not on the list can be
    /// named `LicenseRef-<name>`. There is no automatic fix.
    pub struct LabelNotSpdx;
}

static META: RuleMeta = RuleMeta {
    code: "DF110",
    name: "label-not-spdx",
    severity: Severity::Warning,
    category: Category::Style,
    summary: "A label that label-schema types `spdx` is not an SPDX license expression",
    docs: LabelNotSpdx::DOCS,
    hadolint: &["DL3054"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for LabelNotSpdx {
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
            LabelType::Spdx,
            "an SPDX license expression",
            spdx,
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("label-not-spdx");
    }

    #[test]
    fn nothing_without_a_schema() {
        let text = "FROM alpine\nLABEL org.opencontainers.image.licenses=\"Apache 2.0\"\n";
        assert!(crate::testing::run_rule("label-not-spdx", text, None).is_empty());
    }
}
