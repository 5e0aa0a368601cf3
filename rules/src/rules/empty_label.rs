use crate::model::{labels, unquote};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `label-schema` in the configuration, reports a label of the schema whose value is
    /// empty (`LABEL org.opencontainers.image.version=""`). A value built from variables is not
    /// checked: it is known only at build time. Same as hadolint's DL3051.
    ///
    /// ## Why it matters
    /// An empty required label satisfies a presence check while giving tools nothing to read.
    ///
    /// ## Example
    /// ```toml
    /// # dflint.toml
    /// [label-schema]
    /// "org.opencontainers.image.version" = "semver"
    /// ```
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version=""
    /// ```
    ///
    /// ## Fix
    /// Give the label its value. There is no automatic fix.
    pub struct EmptyLabel;
}

static META: RuleMeta = RuleMeta {
    code: "DF107",
    name: "empty-label",
    severity: Severity::Warning,
    category: Category::Style,
    summary: "A label required by label-schema has an empty value",
    docs: EmptyLabel::DOCS,
    hadolint: &["DL3051"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for EmptyLabel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let schema = &cx.settings.label_schema;
        if schema.is_empty() {
            return;
        }
        for label in labels(cx) {
            if !schema.contains_key(&label.name) {
                continue;
            }
            let (empty, range) = match &label.value {
                None => (true, label.key.range),
                Some(v) => (
                    !v.text.contains('$') && unquote(&v.text).trim().is_empty(),
                    label.key.range.cover(v.range),
                ),
            };
            if empty {
                out.push(Diagnostic::new(
                    &META,
                    range,
                    format!(
                        "label `{}` is empty (required by `label-schema`)",
                        label.name
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("empty-label");
    }

    #[test]
    fn nothing_without_a_schema() {
        let text = "FROM alpine\nLABEL a=\"\"\n";
        assert!(crate::testing::run_rule("empty-label", text, None).is_empty());
    }
}
