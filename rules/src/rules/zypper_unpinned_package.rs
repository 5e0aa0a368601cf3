use crate::pkg::check_unpinned;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports each package of `zypper install` written without a version (`httpd` instead of
    /// `httpd=2.4.46` or `httpd>=2.4`). `.rpm` files, paths, URLs and variables are not reported.
    ///
    /// ## Why it matters
    /// Without a version the image gets whatever the repository has on the day of the build: two
    /// builds of the same Dockerfile differ, and an upgrade arrives unreviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper install -y httpd && zypper clean
    /// ```
    ///
    /// ## Fix
    /// Pin each package: `zypper install -y httpd=2.4.46`.
    pub struct ZypperUnpinnedPackage;
}

static META: RuleMeta = RuleMeta {
    code: "DF086",
    name: "zypper-unpinned-package",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "zypper install of a package without a version",
    docs: ZypperUnpinnedPackage::DOCS,
    hadolint: &["DL3037"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

/// `name=version`, `name>=version`, `name<version`, ... or an `.rpm` file.
fn zypper_pinned(package: &str) -> bool {
    package.contains(['=', '<', '>']) || package.ends_with(".rpm")
}

impl Rule for ZypperUnpinnedPackage {
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
            &["zypper"],
            &["install", "in"],
            &zypper_pinned,
            "write `<package>=<version>`",
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("zypper-unpinned-package");
    }
}
