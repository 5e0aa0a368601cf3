use crate::model::labels;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `strict-labels = true` in the configuration, reports a label that is not in the
    /// `label-schema`. Keys built from variables are not checked. Same as hadolint's DL3050.
    ///
    /// ## Why it matters
    /// A schema is a team's agreement on which labels images carry; a label outside it is often
    /// a misspelling of one inside it (`org.opencontainers.image.sources`).
    ///
    /// ## Example
    /// ```toml
    /// # dflint.toml
    /// strict-labels = true
    /// [label-schema]
    /// "org.opencontainers.image.source" = "url"
    /// ```
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.sources=https://example.org/app
    /// ```
    ///
    /// ## Fix
    /// Remove the label, correct its name, or add it to `label-schema`. There is no automatic
    /// fix.
    pub struct SuperfluousLabel;
}

static META: RuleMeta = RuleMeta {
    code: "DF106",
    name: "superfluous-label",
    severity: Severity::Info,
    category: Category::Style,
    summary: "A label that label-schema does not list (strict-labels)",
    docs: SuperfluousLabel::DOCS,
    hadolint: &["DL3050"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for SuperfluousLabel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let settings = cx.settings;
        if !settings.strict_labels {
            return;
        }
        for label in labels(cx) {
            if label.key.text.contains('$') || settings.label_schema.contains_key(&label.name) {
                continue;
            }
            out.push(Diagnostic::new(
                &META,
                label.key.range,
                format!(
                    "label `{}` is not in `label-schema` (strict-labels is on)",
                    label.name
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("superfluous-label");
    }

    #[test]
    fn nothing_unless_strict() {
        let text = "FROM alpine\nLABEL a=b\n";
        assert!(crate::testing::run_rule("superfluous-label", text, None).is_empty());
    }
}
