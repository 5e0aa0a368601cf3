use super::copy_from_unknown_stage::copy_from;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<stage>` where `<stage>` is the stage the COPY is in (by name, in any
    /// letter case, or by index).
    ///
    /// ## Why it matters
    /// A stage cannot copy from itself: BuildKit stops with a circular dependency error.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// COPY --from=build /out/app /app
    /// ```
    ///
    /// ## Fix
    /// Copy within the stage with `RUN cp`, or name the stage that produces the files.
    pub struct CopyFromOwnStage;
}

static META: RuleMeta = RuleMeta {
    code: "DF060",
    name: "copy-from-own-stage",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "COPY --from names the stage it is in",
    docs: CopyFromOwnStage::DOCS,
    hadolint: &["DL3023"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for CopyFromOwnStage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for i in cx.span.clone() {
            let Some((current, word, value)) = copy_from(model, i) else {
                continue;
            };
            let target = match value.parse::<usize>() {
                Ok(index) => Some(index),
                Err(_) => model.stage_by_ref(&value),
            };
            if target == Some(current) {
                out.push(Diagnostic::new(
                    &META,
                    word.range,
                    format!("`--from={value}` is the stage this COPY is in"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("copy-from-own-stage");
    }
}
