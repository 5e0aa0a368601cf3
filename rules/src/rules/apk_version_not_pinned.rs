use crate::pkg::{program_sub, report_unpinned_operands, runs, APK_VALUE_OPTS};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports each package of `apk add` without a version (`curl` rather than `curl=8.9.1-r1`).
    ///
    /// ## Why it matters
    /// Without a version the build installs whatever the repository has that day: rebuilding
    /// the same Dockerfile gives different images.
    ///
    /// Compared with hadolint (DL3018): each unpinned package is reported at its own word; option
    /// values are not packages (the virtual package of `--virtual .build-deps`/`-t`, the
    /// repository of `-X`); `~` and `>`/`<` constraints (`curl~8.9`), `.apk` files and packages
    /// named by a variable are accepted.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Fix
    /// Pin the version: `curl=8.9.1-r1`, or `curl~8.9` to follow patch releases.
    pub struct ApkVersionNotPinned;
}

static META: RuleMeta = RuleMeta {
    code: "DF055",
    name: "apk-version-not-pinned",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "apk add of a package without a version",
    docs: ApkVersionNotPinned::DOCS,
    hadolint: &["DL3018"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

fn pinned(pkg: &str) -> bool {
    pkg.contains(['=', '~', '<', '>', '/']) || pkg.ends_with(".apk")
}

impl Rule for ApkVersionNotPinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for cmd in run.commands {
                let Some((i, "add")) = program_sub(cmd, &["apk"], APK_VALUE_OPTS) else {
                    continue;
                };
                report_unpinned_operands(&META, cmd, i, APK_VALUE_OPTS, &pinned, "=<version>", out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("apk-version-not-pinned");
    }
}
