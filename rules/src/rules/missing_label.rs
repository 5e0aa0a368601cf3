use crate::model::{labels, shipping_stages, stage_chain, stage_range};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `label-schema` in the configuration, reports each label of the schema that an image
    /// does not get: a stage that is an image (the final stage, or one that nothing copies from
    /// or builds on: a possible `--target`) must set it, itself or in the stages it builds on.
    /// Builder and base stages are not reported (hadolint's DL3049 reports every stage).
    /// Nothing is reported without a `label-schema`.
    ///
    /// ## Why it matters
    /// Registries, scanners and deployment tools read labels such as
    /// `org.opencontainers.image.source`; a policy that requires them is only useful if every
    /// image has them.
    ///
    /// ## Example
    /// ```toml
    /// # dflint.toml
    /// [label-schema]
    /// "org.opencontainers.image.source" = "url"
    /// ```
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.title=app
    /// ```
    ///
    /// ## Fix
    /// Add the label to the stage: `LABEL org.opencontainers.image.source=https://...`. There is
    /// no automatic fix.
    pub struct MissingLabel;
}

static META: RuleMeta = RuleMeta {
    code: "DF105",
    name: "missing-label",
    severity: Severity::Info,
    category: Category::Style,
    summary: "A label required by label-schema is missing",
    docs: MissingLabel::DOCS,
    hadolint: &["DL3049"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for MissingLabel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    // File: which stages are images depends on the `COPY --from`s of the other stages.

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let schema = &cx.settings.label_schema;
        if schema.is_empty() {
            return;
        }
        let model = cx.model;
        let all = labels(cx);
        // The stages that are images: the last one, and the others that ship without another
        // stage building on them (possible `--target`s).
        let ships = shipping_stages(model);
        let n = model.stages.len();
        let is_image = |s: usize| {
            s + 1 == n || (ships[s] && !model.stages.iter().any(|c| c.base_stage == Some(s)))
        };
        for stage in model.stages.iter().filter(|s| is_image(s.index)) {
            let chain = stage_chain(model, stage.index);
            let has = |name: &str| {
                all.iter().any(|l| {
                    l.name == name && model.stage_of(l.instr).is_some_and(|s| chain.contains(&s))
                })
            };
            let Some(range) = stage_range(model, stage) else {
                continue;
            };
            for name in schema.keys().filter(|n| !has(n)) {
                out.push(Diagnostic::new(
                    &META,
                    range,
                    format!("label `{name}` is missing (required by `label-schema`)"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("missing-label");
    }

    #[test]
    fn nothing_without_a_schema() {
        assert!(crate::testing::run_rule("missing-label", "FROM alpine\n", None).is_empty());
    }
}
