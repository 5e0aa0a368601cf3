use crate::pkg::{check_unpinned, rpm_pinned};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports each package of `yum install` written without a version (`httpd` instead of
    /// `httpd-2.4.6`). Module streams (`yum module install nodejs:18`), `.rpm` files, paths, URLs
    /// and variables are not reported.
    ///
    /// ## Why it matters
    /// Without a version the image gets whatever the repository has on the day of the build: two
    /// builds of the same Dockerfile differ, and an upgrade arrives unreviewed. hadolint takes any
    /// dash as a version, so `httpd-tools` passes there; here a version must follow the name
    /// (a dash-separated part starting with a digit).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd httpd-tools-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Fix
    /// Pin each package: `yum install -y httpd-2.4.6`.
    pub struct YumUnpinnedPackage;
}

static META: RuleMeta = RuleMeta {
    code: "DF082",
    name: "yum-unpinned-package",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "yum install of a package without a version",
    docs: YumUnpinnedPackage::DOCS,
    hadolint: &["DL3033"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for YumUnpinnedPackage {
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
            &["yum"],
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
        crate::testing::assert_fixture("yum-unpinned-package");
    }
}
