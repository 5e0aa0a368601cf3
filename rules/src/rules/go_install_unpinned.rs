use crate::pkg::{is_program, positional_after, runs, verb};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports each package of `go install` written without a version (`@v1.2.3`), or with
    /// `@latest`. Local packages (`.`, `./cmd/x`, `/src/x`) and variables are not reported.
    ///
    /// ## Why it matters
    /// Outside a module, `go install pkg` fails without a version, and `@latest` installs
    /// whatever was tagged last on the day of the build, so two builds of the same Dockerfile
    /// differ. hadolint accepts `@latest` as a version; here it is reported like the `latest`
    /// image tag.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN go install golang.org/x/tools/gopls@latest
    /// ```
    ///
    /// ## Fix
    /// Name a version: `go install golang.org/x/tools/gopls@v0.16.2`.
    pub struct GoInstallUnpinned;
}

static META: RuleMeta = RuleMeta {
    code: "DF099",
    name: "go-install-unpinned",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "go install of a package without a version",
    docs: GoInstallUnpinned::DOCS,
    hadolint: &["DL3062"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for GoInstallUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for cmd in run.commands {
                if !is_program(cmd, &["go"]) {
                    continue;
                }
                let Some(v) = verb(cmd, &["install"]) else {
                    continue;
                };
                for pkg in positional_after(cmd, v) {
                    let t = pkg.text.as_str();
                    let local = t.starts_with('.') || t.starts_with('/');
                    if local || pkg.raw.contains('$') {
                        continue;
                    }
                    let message = match t.rsplit_once('@') {
                        Some((_, "latest")) => format!(
                            "`{t}` installs whatever is latest on the day of the build: name a version"
                        ),
                        Some(_) => continue,
                        None => format!("`{t}` has no version: write `{t}@<version>`"),
                    };
                    out.push(Diagnostic::new(&META, pkg.range, message));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("go-install-unpinned");
    }
}
