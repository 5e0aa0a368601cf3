use crate::pkg::{check_cache_clean, CacheClean};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a RUN that installs or updates packages with `dnf` or `microdnf` and does not run
    /// `dnf clean all` (or remove `/var/cache/dnf`, `/var/cache/yum`, `/var/cache/libdnf5`) after
    /// it, in the same RUN.
    ///
    /// ## Why it matters
    /// dnf keeps packages and repository metadata in its cache folder; whatever a RUN leaves behind
    /// is frozen into its layer, and cleaning in a later RUN does not make the image smaller. Unlike
    /// hadolint, a RUN with a `--mount=type=cache` on the dnf cache is not reported (the cache is
    /// then meant to be kept and is not in the layer).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.57
    /// ```
    ///
    /// ## Fix
    /// Append `&& dnf clean all` to the install (safe: only the cache goes). Or use a cache mount:
    /// `RUN --mount=type=cache,target=/var/cache/dnf ...`.
    pub struct DnfCacheNotCleaned;
}

static META: RuleMeta = RuleMeta {
    code: "DF088",
    name: "dnf-cache-not-cleaned",
    severity: Severity::Warning,
    category: Category::Performance,
    summary: "dnf install without dnf clean all in the same RUN",
    docs: DnfCacheNotCleaned::DOCS,
    hadolint: &["DL3040"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

impl Rule for DnfCacheNotCleaned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let spec = CacheClean {
            programs: &["dnf", "microdnf"],
            install_verbs: &[
                "install",
                "groupinstall",
                "localinstall",
                "reinstall",
                "update",
                "upgrade",
                "distro-sync",
            ],
            clean_verbs: &["clean"],
            clean_word: Some("all"),
            cache_dirs: &["/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"],
            clean_args: "clean all",
        };
        check_cache_clean(&META, cx, &spec, out);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("dnf-cache-not-cleaned");
    }
}
