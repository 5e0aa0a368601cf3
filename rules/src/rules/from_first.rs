use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an instruction other than `ARG` before the first `FROM`. Parser directives,
    /// comments, blank lines and `ARG` may come first.
    ///
    /// ## Why it matters
    /// A build stage starts with `FROM`; BuildKit rejects anything else before it
    /// ("no build stage in current context").
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="me"
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix
    /// Move the instruction below the first `FROM` (or make it an `ARG` if it is a value the
    /// `FROM` line needs).
    pub struct FromFirst;
}

static META: RuleMeta = RuleMeta {
    code: "DF002",
    name: "from-first",
    severity: Severity::Error,
    category: Category::Correctness,
    summary: "An instruction other than ARG comes before the first FROM",
    docs: FromFirst::DOCS,
    hadolint: &["DL3061"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for FromFirst {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for (_, instr) in cx.instructions() {
            match instr.kind() {
                SyntaxKind::FROM_INSTR => return,
                SyntaxKind::ARG_INSTR | SyntaxKind::UNKNOWN_INSTR => {}
                _ => {
                    let Some(kw) = instr.keyword() else { continue };
                    out.push(Diagnostic::new(
                        &META,
                        kw.text_range(),
                        format!("{} before the first FROM", instr.name()),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("from-first");
    }
}
