use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` port whose protocol is not lowercase (`80/TCP`). Same as BuildKit's
    /// `ExposeProtoCasing` check.
    ///
    /// ## Why it matters
    /// The builder lowercases it, but other tools that read the Dockerfile may not, and it reads
    /// as if `TCP` and `tcp` were different.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80/TCP
    /// ```
    ///
    /// ## Fix
    /// `EXPOSE 80/tcp` (safe fix).
    pub struct ExposeProtoCasing;
}

static META: RuleMeta = RuleMeta {
    code: "DF028",
    name: "expose-proto-casing",
    severity: Severity::Style,
    category: Category::Style,
    summary: "An EXPOSE protocol is not lowercase",
    docs: ExposeProtoCasing::DOCS,
    hadolint: &[],
    buildkit: &["ExposeProtoCasing"],
    fix: FixKind::Safe,
    default_enabled: true,
};

impl Rule for ExposeProtoCasing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for (_, instr) in cx.instructions() {
            if instr.kind() != SyntaxKind::EXPOSE_INSTR {
                continue;
            }
            for word in instr.args() {
                let Some((_, proto)) = word.text.split_once('/') else {
                    continue;
                };
                if proto == proto.to_lowercase() {
                    continue;
                }
                let mut d = Diagnostic::new(
                    &META,
                    word.range,
                    format!(
                        "Defined protocol '{}' in EXPOSE instruction should be lowercase",
                        word.text
                    ),
                );
                if cx.model.text[word.range] == word.text
                    && !word.text.contains(['$', '"', '\'', '\\'])
                {
                    let (port, proto) = word.text.split_once('/').unwrap_or_default();
                    d = d.with_fix(Fix {
                        message: "Write the protocol in lowercase".into(),
                        applicability: Applicability::Safe,
                        edits: vec![Edit::replace(
                            word.range,
                            format!("{port}/{}", proto.to_lowercase()),
                        )],
                    });
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
        crate::testing::assert_fixture("expose-proto-casing");
    }
}
