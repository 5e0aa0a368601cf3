use crate::pkg::{check_unpinned, rpm_pinned};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports each package of `dnf install` / `microdnf install` written without a version (`httpd`
    /// instead of `httpd-2.4.57`). Module streams (`dnf module install nodejs:18`), groups (`@core`),
    /// `.rpm` files, paths, URLs and variables are not reported.
    ///
    /// ## Why it matters
    /// Without a version the image gets whatever the repository has on the day of the build: two
    /// builds of the same Dockerfile differ, and an upgrade arrives unreviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// ## Fix
    /// Pin each package: `dnf install -y httpd-2.4.57`.
    pub struct DnfUnpinnedPackage;
}

static META: RuleMeta = RuleMeta {
    code: "DF089",
    name: "dnf-unpinned-package",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "dnf install of a package without a version",
    docs: DnfUnpinnedPackage::DOCS,
    hadolint: &["DL3041"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for DnfUnpinnedPackage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        check_unpinned(
            &META,
            cx,
            &["dnf", "microdnf"],
            &["install", "groupinstall", "localinstall", "reinstall"],
            &rpm_pinned,
            "write `<package>-<version>`",
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("dnf-unpinned-package");
    }
}
