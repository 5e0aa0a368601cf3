use super::undefined_variable::did_you_mean;
use crate::model::AUTOMATIC_ARGS;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `$variable` in a `FROM` line (image or `--platform`) that is neither an `ARG`
    /// declared before the first `FROM` nor one of the platform ARGs BuildKit defines
    /// (`TARGETPLATFORM`, `BUILDARCH`, ...). Same as BuildKit's `UndefinedArgInFrom` check,
    /// with its "did you mean" suggestion.
    ///
    /// ## Why it matters
    /// Only global ARGs are visible to `FROM`; an undeclared one expands to nothing, so
    /// `FROM node:22${VARIANT}` silently builds on `node:22`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22${VARIANT}
    /// ```
    ///
    /// ## Fix
    /// Declare it before the first `FROM` (`ARG VARIANT=-alpine`) or correct the name.
    pub struct UndefinedArgInFrom;
}

static META: RuleMeta = RuleMeta {
    code: "DF018",
    name: "undefined-arg-in-from",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "A FROM line uses an ARG not declared before the first FROM",
    docs: UndefinedArgInFrom::DOCS,
    hadolint: &[],
    buildkit: &["UndefinedArgInFrom"],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for UndefinedArgInFrom {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let mut known: Vec<&str> = model.global_args.iter().map(|d| d.name.as_str()).collect();
        known.extend(AUTOMATIC_ARGS.iter().copied());
        for stage in cx.stages() {
            let instr = &model.instructions[stage.from];
            let mut refs = Vec::new();
            if let Some(p) = instr.flag("platform") {
                let r = p.range();
                refs.extend(
                    instr
                        .variable_refs(model.escape)
                        .into_iter()
                        .filter(|v| r.contains_range(v.range.text_range())),
                );
            }
            if let Some(image) = instr.image() {
                let base = image.range.start();
                for mut v in dflint_syntax::vars::references(&image.text, model.escape) {
                    // Words of FROM do not span lines in practice; map offsets directly.
                    let shift = |r: &std::ops::Range<usize>| {
                        TextRange::new(
                            base + TextSize::from(r.start as u32),
                            base + TextSize::from(r.end as u32),
                        )
                    };
                    v.range = shift(&v.range).into();
                    v.name_range = shift(&v.name_range).into();
                    refs.push(v);
                }
            }
            for v in refs {
                if known.contains(&v.name.as_str()) {
                    continue;
                }
                let mut msg = format!("FROM argument '{}' is not declared", v.name);
                if let Some(s) = did_you_mean(&v.name, known.iter().copied()) {
                    msg.push_str(&format!(" (did you mean {s}?)"));
                }
                out.push(Diagnostic::new(&META, v.name_range.text_range(), msg));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("undefined-arg-in-from");
    }
}
