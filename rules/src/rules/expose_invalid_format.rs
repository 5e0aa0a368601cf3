use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` port that names an IP address or a host port
    /// (`EXPOSE 127.0.0.1:80:80`, `EXPOSE 8080:80`). Same as BuildKit's `ExposeInvalidFormat`
    /// check.
    ///
    /// ## Why it matters
    /// `EXPOSE` only documents the container's port; the IP and the host port are silently
    /// dropped, and BuildKit says this form will become an error. Publishing is `docker run -p`'s
    /// job.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 127.0.0.1:8080:80
    /// ```
    ///
    /// ## Fix
    /// Keep the container port only: `EXPOSE 80`.
    pub struct ExposeInvalidFormat;
}

static META: RuleMeta = RuleMeta {
    code: "DF029",
    name: "expose-invalid-format",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "An EXPOSE port names an IP address or a host port",
    docs: ExposeInvalidFormat::DOCS,
    hadolint: &[],
    buildkit: &["ExposeInvalidFormat"],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for ExposeInvalidFormat {
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
                let spec = word.text.split('/').next().unwrap_or("");
                if !spec.contains(':') {
                    continue;
                }
                out.push(Diagnostic::new(
                    &META,
                    word.range,
                    format!(
                        "EXPOSE instruction should not define an IP address or host-port mapping, found '{}'",
                        word.text
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
        crate::testing::assert_fixture("expose-invalid-format");
    }
}
