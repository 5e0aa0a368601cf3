use crate::model::{expand, unquote};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<name>` where `<name>` is not a stage defined before the COPY: a
    /// misspelt stage, a stage defined further down, or a stage index out of range.
    ///
    /// ## Why it matters
    /// A name that is not a stage is taken as an image: a typo in a stage name silently pulls
    /// `docker.io/library/<name>:latest` (or fails to). A stage defined later makes the build
    /// order hard to follow, and the classic builder rejects it.
    ///
    /// Unlike hadolint (DL3022), which wants every `--from` to be an alias, references that are
    /// plainly images (with a registry, a path, a tag or a digest: `--from=nginx:1.27`,
    /// `--from=ghcr.io/x/y`) and stage indexes of earlier stages (`--from=0`) are accepted;
    /// stage names match in any letter case and variables are resolved. A reference to the
    /// stage itself is [`copy-from-own-stage`](copy-from-own-stage).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// FROM alpine:3.20
    /// COPY --from=biuld /out/app /app
    /// ```
    ///
    /// ## Fix
    /// Name an earlier stage, or write the image with its tag.
    pub struct CopyFromUnknownStage;
}

static META: RuleMeta = RuleMeta {
    code: "DF059",
    name: "copy-from-unknown-stage",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "COPY --from names no earlier stage",
    docs: CopyFromUnknownStage::DOCS,
    hadolint: &["DL3022"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

/// The `--from` value of a COPY with the stage it is in, its word, and its value (variables
/// expanded); `None` for a COPY without `--from` or with a value the file does not give.
pub(crate) fn copy_from(model: &Model, i: usize) -> Option<(usize, Word, String)> {
    let instr = &model.instructions[i];
    if instr.kind() != SyntaxKind::COPY_INSTR {
        return None;
    }
    let word = instr.flag("from")?.value()?;
    let unknown = std::cell::Cell::new(false);
    let value = expand(&unquote(&word.text), &|n| {
        let v = model.value_at(i, n);
        unknown.set(unknown.get() || v.is_none());
        v
    });
    let stage = model.stage_of(i)?;
    (!unknown.get() && !value.is_empty()).then_some((stage, word, value))
}

impl Rule for CopyFromUnknownStage {
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
            let message = if let Ok(index) = value.parse::<usize>() {
                if index < current {
                    continue;
                }
                if index == current {
                    continue; // copy-from-own-stage
                }
                format!("stage {index} is not an earlier stage (this is stage {current})")
            } else {
                match model.stage_by_ref(&value) {
                    Some(s) if s < current => continue,
                    Some(s) if s == current => continue, // copy-from-own-stage
                    Some(_) => format!("stage `{value}` is defined after this COPY"),
                    None if value.contains(['/', ':', '@', '.']) => continue,
                    None => format!(
                        "no stage named `{value}` before this COPY: it is taken as the image `{value}:latest`"
                    ),
                }
            };
            out.push(Diagnostic::new(&META, word.range, message));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("copy-from-unknown-stage");
    }
}
