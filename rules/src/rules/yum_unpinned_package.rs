use crate::pkg::check_unpinned;
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

/// `name-version[-release]` as rpm writes it: after the name, dash-separated parts made of
/// version characters, one of them starting with a digit (`httpd-2.4.6`, `python3-pip-20.2*`,
/// but not `httpd-tools`). An `.rpm` file, a module stream (`nodejs:18`), an epoch and a group
/// (`@core`) count as pinned.
pub(crate) fn rpm_pinned(package: &str) -> bool {
    if package.ends_with(".rpm") || package.contains(':') || package.starts_with('@') {
        return true;
    }
    let mut parts = package.split('-').skip(1).peekable();
    parts.peek().is_some()
        && package.split('-').skip(1).all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".~^_+*".contains(c))
        })
        && package
            .split('-')
            .skip(1)
            .any(|p| p.starts_with(|c: char| c.is_ascii_digit()))
}

impl Rule for YumUnpinnedPackage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        check_unpinned(
            &META,
            cx.model,
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
    use super::*;

    #[test]
    fn fixture() {
        crate::testing::assert_fixture("yum-unpinned-package");
    }

    #[test]
    fn reads_rpm_versions() {
        assert!(rpm_pinned("httpd-2.4.6"));
        assert!(rpm_pinned("python3-pip-20.2-1.el8"));
        assert!(rpm_pinned("nodejs:18"));
        assert!(!rpm_pinned("httpd"));
        assert!(!rpm_pinned("httpd-tools"));
    }
}
