use crate::pkg::{program_sub, report_unpinned_operands, runs};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports each gem of `gem install` without a version (`rails` rather than `rails:7.2.1`).
    ///
    /// ## Why it matters
    /// Without a version the newest release is installed on the day of the build: the same
    /// Dockerfile gives different images, and a new major version can break the build.
    ///
    /// Compared with hadolint (DL3028): each unpinned gem is reported at its own word; `-v`/
    /// `--version` pins the command; option values (`-i /opt/gems`, `--source URL`) are not gems;
    /// `.gem` files, a gem dependencies file (`-g`) and gems named by a variable are accepted.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ruby:3.3
    /// RUN gem install bundler
    /// ```
    ///
    /// ## Fix
    /// Pin the version: `gem install bundler:2.5.18` or `gem install bundler -v 2.5.18`.
    pub struct GemVersionNotPinned;
}

static META: RuleMeta = RuleMeta {
    code: "DF063",
    name: "gem-version-not-pinned",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "gem install of a gem without a version",
    docs: GemVersionNotPinned::DOCS,
    hadolint: &["DL3028"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

const GEM_VALUE_OPTS: &[&str] = &[
    "-i",
    "--install-dir",
    "-n",
    "--bindir",
    "--source",
    "-s",
    "-P",
    "--trust-policy",
    "--platform",
    "--document",
    "--build-root",
    "-v",
    "--version",
    "-g",
    "--file",
    "--file-format",
];

impl Rule for GemVersionNotPinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for cmd in run.commands {
                let Some((i, "install" | "i")) = program_sub(cmd, &["gem"], GEM_VALUE_OPTS) else {
                    continue;
                };
                let pins_all = cmd.args().iter().any(|w| {
                    ["-v", "--version", "-g", "--file"].contains(&w.text.as_str())
                        || w.text.starts_with("--version=")
                        || w.text.starts_with("--file=")
                });
                if pins_all {
                    continue;
                }
                report_unpinned_operands(
                    &META,
                    cmd,
                    i,
                    GEM_VALUE_OPTS,
                    &|t: &str| t.contains([':', '/']) || t.ends_with(".gem"),
                    ":<version>",
                    out,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("gem-version-not-pinned");
    }
}
