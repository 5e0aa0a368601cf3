use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`). Same as BuildKit's
    /// `RedundantTargetPlatform` check and hadolint's DL3065.
    ///
    /// ## Why it matters
    /// The target platform is already the default for `FROM`; the flag adds noise and suggests
    /// something special happens.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.20
    /// ```
    ///
    /// ## Fix
    /// Delete the flag (safe fix).
    pub struct RedundantTargetPlatform;
}

static META: RuleMeta = RuleMeta {
    code: "DF023",
    name: "redundant-target-platform",
    severity: Severity::Info,
    category: Category::Style,
    summary: "FROM --platform=$TARGETPLATFORM is the default",
    docs: RedundantTargetPlatform::DOCS,
    hadolint: &["DL3065"],
    buildkit: &["RedundantTargetPlatform"],
    fix: FixKind::Safe,
    default_enabled: true,
};

impl Rule for RedundantTargetPlatform {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for stage in cx.stages() {
            let instr = &model.instructions[stage.from];
            let Some(flag) = instr.flag("platform") else {
                continue;
            };
            let Some(value) = flag.value() else { continue };
            let refs = dflint_syntax::vars::references(&value.text, model.escape);
            let [r] = refs.as_slice() else { continue };
            let whole = r.range.0 == (0..value.text.len());
            if r.name != "TARGETPLATFORM"
                || !whole
                || r.modifier != dflint_syntax::vars::Modifier::None
            {
                continue;
            }
            // Delete the flag and the blank after it.
            let after = &model.text[usize::from(flag.range().end())..];
            let ws = after.len() - after.trim_start_matches([' ', '\t']).len();
            let del = TextRange::new(
                flag.range().start(),
                flag.range().end() + TextSize::from(ws as u32),
            );
            out.push(
                Diagnostic::new(
                    &META,
                    value.range,
                    format!(
                        "Setting platform to predefined {} in FROM is redundant as this is the default behavior",
                        value.text
                    ),
                )
                .with_fix(Fix {
                    message: "Delete the flag".into(),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::delete(del)],
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("redundant-target-platform");
    }
}
