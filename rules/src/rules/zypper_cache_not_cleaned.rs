use crate::pkg::{check_cache_clean, CacheClean};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a RUN that installs or updates packages with `zypper` and does not run `zypper clean`
    /// (`zypper cc`, or remove `/var/cache/zypp`) after it, in the same RUN.
    ///
    /// ## Why it matters
    /// zypper keeps packages and repository metadata in `/var/cache/zypp`; whatever a RUN leaves
    /// behind is frozen into its layer, and cleaning in a later RUN does not make the image smaller.
    /// Unlike hadolint, a RUN with a `--mount=type=cache` on `/var/cache/zypp` is not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper install -y httpd=2.4.46
    /// ```
    ///
    /// ## Fix
    /// Append `&& zypper clean --all` to the install (safe: only the cache goes). Or use a cache
    /// mount: `RUN --mount=type=cache,target=/var/cache/zypp ...`.
    pub struct ZypperCacheNotCleaned;
}

static META: RuleMeta = RuleMeta {
    code: "DF085",
    name: "zypper-cache-not-cleaned",
    severity: Severity::Warning,
    category: Category::Performance,
    summary: "zypper install without zypper clean in the same RUN",
    docs: ZypperCacheNotCleaned::DOCS,
    hadolint: &["DL3036"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

impl Rule for ZypperCacheNotCleaned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let spec = CacheClean {
            programs: &["zypper"],
            install_verbs: &[
                "install",
                "in",
                "update",
                "up",
                "patch",
                "dist-upgrade",
                "dup",
                "source-install",
                "si",
            ],
            clean_verbs: &["clean", "cc"],
            clean_word: None,
            cache_dirs: &["/var/cache/zypp"],
            clean_args: "clean --all",
        };
        check_cache_clean(&META, cx, &spec, out);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("zypper-cache-not-cleaned");
    }
}
