use crate::pkg::{apt_get_sub, report_unpinned_operands, runs, APT_VALUE_OPTS};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports each package of `apt-get install` that has no version (`curl` rather than
    /// `curl=8.5.0-2`).
    ///
    /// ## Why it matters
    /// Without a version the build installs whatever the mirror has that day: rebuilding the same
    /// Dockerfile gives different images, and a new package version can break it.
    ///
    /// Compared with hadolint (DL3008): each unpinned package is reported at its own word (also on
    /// continuation lines), not the whole RUN; the values of options are not mistaken for packages
    /// (`-t bookworm-backports`, `-o Dpkg::Options::=...`); options may come anywhere
    /// (`apt-get -y install`, `install --no-install-recommends -y`); glob versions
    /// (`pkg=1.2*`), release pins (`pkg/bookworm`), `.deb` files and packages whose name is a
    /// variable (`$PKGS`) are accepted, as are removals written `pkg-`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Pin the version: `curl=7.88.1-10+deb12u8` (`apt-cache policy curl` shows the candidates).
    /// Not automatic.
    pub struct AptGetVersionNotPinned;
}

static META: RuleMeta = RuleMeta {
    code: "DF047",
    name: "apt-get-version-not-pinned",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "apt-get install of a package without a version",
    docs: AptGetVersionNotPinned::DOCS,
    hadolint: &["DL3008"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

fn pinned(pkg: &str) -> bool {
    pkg.contains('=') || pkg.contains('/') || pkg.ends_with(".deb") || pkg.ends_with('-')
}

impl Rule for AptGetVersionNotPinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for cmd in run.commands {
                let Some((i, "install")) = apt_get_sub(cmd) else {
                    continue;
                };
                report_unpinned_operands(&META, cmd, i, APT_VALUE_OPTS, &pinned, "=<version>", out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("apt-get-version-not-pinned");
    }
}
