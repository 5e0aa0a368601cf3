use crate::model::unquote;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a reference, in an `ENV` value, to a variable that the same `ENV` instruction
    /// sets (`ENV A=1 B=$A`), when that reference does not get the value set there: the
    /// variable is not defined before the `ENV` (so it expands to nothing), or it was defined
    /// before with another value (so it expands to the old one). A variable's own value
    /// (`ENV PATH=/opt/bin:$PATH`) is fine.
    ///
    /// ## Why it matters
    /// The builder expands every value of an `ENV` line with the variables as they were
    /// *before* the line: `ENV VERSION=2 URL=https://x/$VERSION` builds a URL with the old
    /// version, or with none. hadolint reports only the first case; the second is the same
    /// mistake with a quieter result.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV APP_HOME=/app APP_BIN=$APP_HOME/bin
    /// ```
    ///
    /// ## Fix
    /// Split the instruction: `ENV APP_HOME=/app` then `ENV APP_BIN=$APP_HOME/bin`.
    pub struct EnvSameInstructionReference;
}

static META: RuleMeta = RuleMeta {
    code: "DF091",
    name: "env-same-instruction-reference",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "ENV value refers to a variable set by the same ENV",
    docs: EnvSameInstructionReference::DOCS,
    hadolint: &["DL3044"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for EnvSameInstructionReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for (i, instr) in cx.instructions() {
            if instr.kind() != SyntaxKind::ENV_INSTR {
                continue;
            }
            // (name, its range, its new value, the range of its value)
            let pairs: Vec<(Word, String, TextRange)> = instr
                .key_values()
                .filter_map(|kv| {
                    let key = kv.key()?;
                    let value = kv.value()?;
                    Some((key, unquote(&value.text), value.range))
                })
                .collect();
            let visible = model.visible_defs(i);
            for r in instr.variable_refs(model.escape) {
                let range = TextRange::new(
                    TextSize::from(r.range.0.start as u32),
                    TextSize::from(r.range.0.end as u32),
                );
                let Some((own, _, _)) = pairs.iter().find(|p| p.2.contains_range(range)) else {
                    continue;
                };
                let Some((set_here, new_value, _)) = pairs
                    .iter()
                    .find(|p| p.0.text == r.name && p.0.text != own.text)
                else {
                    continue;
                };
                let defined_before = visible.iter().any(|d| d.name == r.name);
                let message = if !defined_before {
                    format!(
                        "`{}` is set by this same ENV, which does not see it: here it expands to nothing",
                        r.name
                    )
                } else {
                    match model.value_at(i, &r.name) {
                        Some(old) if old != *new_value => format!(
                            "`{}` is set to `{new_value}` by this same ENV, which does not see it: here it still has the old value `{old}`",
                            r.name
                        ),
                        _ => continue,
                    }
                };
                out.push(
                    Diagnostic::new(&META, range, message)
                        .with_related(set_here.range, "set here, in the same instruction"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("env-same-instruction-reference");
    }
}
