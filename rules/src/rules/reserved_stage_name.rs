use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a stage named `scratch` or `context` (in any case). Same as BuildKit's
    /// `ReservedStageName` check and hadolint's DL3063.
    ///
    /// ## Why it matters
    /// `scratch` is the empty image and `context` the build context in `--from=` and named
    /// contexts; a stage of that name makes `FROM scratch` or `COPY --from=context` ambiguous.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS scratch
    /// ```
    ///
    /// ## Fix
    /// Rename the stage.
    pub struct ReservedStageName;
}

static META: RuleMeta = RuleMeta {
    code: "DF015",
    name: "reserved-stage-name",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "A stage is named scratch or context",
    docs: ReservedStageName::DOCS,
    hadolint: &["DL3063"],
    buildkit: &["ReservedStageName"],
    fix: FixKind::None,
    default_enabled: true,
};

const RESERVED: &[&str] = &["scratch", "context"];

impl Rule for ReservedStageName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for stage in cx.stages() {
            let (Some(name), Some(lower)) = (&stage.name, stage.name_lower()) else {
                continue;
            };
            if RESERVED.contains(&lower.as_str()) {
                out.push(Diagnostic::new(
                    &META,
                    name.range,
                    format!(
                        "Stage name should not use the same name as reserved stage \"{lower}\""
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
        crate::testing::assert_fixture("reserved-stage-name");
    }
}
