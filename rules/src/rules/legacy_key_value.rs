use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `ENV` and `LABEL` in the legacy `key value` form (a space instead of `=`). Same as
    /// BuildKit's `LegacyKeyValueFormat` check. `ARG a b` is not legacy form: it declares two
    /// ARGs.
    ///
    /// ## Why it matters
    /// The legacy form takes the whole rest of the line as one value, so `ENV A 1 B 2` sets `A`
    /// to `1 B 2`; BuildKit may drop the form one day.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DEPS curl git
    /// ```
    ///
    /// ## Fix
    /// `ENV DEPS="curl git"`. The fix (safe) writes `key=value` and quotes a value that contains
    /// spaces; it is not offered for values with quotes or escapes of their own.
    pub struct LegacyKeyValue;
}

static META: RuleMeta = RuleMeta {
    code: "DF022",
    name: "legacy-key-value",
    severity: Severity::Warning,
    category: Category::Style,
    summary: "ENV or LABEL in the legacy `key value` form",
    docs: LegacyKeyValue::DOCS,
    hadolint: &[],
    buildkit: &["LegacyKeyValueFormat"],
    fix: FixKind::Safe,
    default_enabled: true,
};

impl Rule for LegacyKeyValue {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for (_, instr) in cx.instructions() {
            if !matches!(
                instr.kind(),
                SyntaxKind::ENV_INSTR | SyntaxKind::LABEL_INSTR
            ) {
                continue;
            }
            let Some(kw) = instr.keyword() else { continue };
            for kv in instr.key_values().filter(|kv| kv.is_legacy()) {
                let Some(key) = kv.key() else { continue };
                let name = kw.text();
                let mut d = Diagnostic::new(
                    &META,
                    key.range,
                    format!(
                        "\"{name} key=value\" should be used instead of legacy \"{name} key value\" format"
                    ),
                );
                if let Some(value) = kv.value() {
                    let raw = &model.text[value.range];
                    let plain = raw == value.text
                        && !value.text.contains(['"', '\'', '\\', '`', '\n', '\r']);
                    if plain {
                        let v = if value.text.contains([' ', '\t']) {
                            format!("\"{}\"", value.text)
                        } else {
                            value.text.clone()
                        };
                        d = d.with_fix(Fix {
                            message: "Use `key=value`".into(),
                            applicability: Applicability::Safe,
                            edits: vec![Edit::replace(
                                key.range.cover(value.range),
                                format!("{}={v}", key.text),
                            )],
                        });
                    }
                }
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("legacy-key-value");
    }
}
