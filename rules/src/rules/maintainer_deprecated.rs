use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports the `MAINTAINER` instruction. Same as BuildKit's `MaintainerDeprecated` check and
    /// hadolint's DL4000.
    ///
    /// ## Why it matters
    /// `MAINTAINER` is deprecated; the OCI label `org.opencontainers.image.authors` is what tools
    /// read today.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// MAINTAINER me@example.org
    /// ```
    ///
    /// ## Fix
    /// `LABEL org.opencontainers.image.authors="me@example.org"` (safe fix).
    pub struct MaintainerDeprecated;
}

static META: RuleMeta = RuleMeta {
    code: "DF017",
    name: "maintainer-deprecated",
    severity: Severity::Warning,
    category: Category::Style,
    summary: "MAINTAINER is deprecated",
    docs: MaintainerDeprecated::DOCS,
    hadolint: &["DL4000"],
    buildkit: &["MaintainerDeprecated"],
    fix: FixKind::Safe,
    default_enabled: true,
};

impl Rule for MaintainerDeprecated {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for (_, instr) in cx.instructions() {
            if instr.kind() != SyntaxKind::MAINTAINER_INSTR {
                continue;
            }
            let Some(kw) = instr.keyword() else { continue };
            let mut d = Diagnostic::new(
                &META,
                kw.text_range(),
                "Maintainer instruction is deprecated in favor of using label",
            );
            let args = instr.args();
            if let (Some(first), Some(last), Some(value)) = (
                args.first(),
                args.last(),
                instr
                    .args_text()
                    .and_then(|t| quoted(t.text.trim(), cx.model.escape)),
            ) {
                let keyword = if kw.text() == kw.text().to_lowercase() {
                    "label"
                } else {
                    "LABEL"
                };
                d = d.with_fix(Fix {
                    message: "Use the org.opencontainers.image.authors label".into(),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::replace(
                        kw.text_range().cover(first.range).cover(last.range),
                        format!("{keyword} org.opencontainers.image.authors={value}"),
                    )],
                });
            }
            out.push(d);
        }
    }
}

/// `text` as a double-quoted LABEL value that keeps it literal (no variable expansion).
fn quoted(text: &str, escape: char) -> Option<String> {
    let mut out = String::from("\"");
    for c in text.chars() {
        if matches!(c, '"' | '$' | '\\') {
            if escape != '\\' {
                return None;
            }
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("maintainer-deprecated");
    }
}
