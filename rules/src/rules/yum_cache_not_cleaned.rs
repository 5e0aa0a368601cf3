use crate::pkg::{check_cache_clean, CacheClean};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a RUN that installs or updates packages with `yum` and does not run `yum clean all`
    /// (or remove `/var/cache/yum`) after it, in the same RUN.
    ///
    /// ## Why it matters
    /// yum keeps downloaded packages and repository metadata in `/var/cache/yum`. Whatever a RUN
    /// leaves behind is frozen into its layer: cleaning in a later RUN does not make the image
    /// smaller. Unlike hadolint, a RUN with a `--mount=type=cache` on `/var/cache/yum` is not
    /// reported: there the cache is meant to be kept, and it is not part of the layer. The clean
    /// must come after the last install of the RUN (hadolint accepts it anywhere).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.6
    /// ```
    ///
    /// ## Fix
    /// Append `&& yum clean all` to the install (safe: only the cache goes; the installed packages
    /// are the same). Or use a cache mount: `RUN --mount=type=cache,target=/var/cache/yum ...`.
    pub struct YumCacheNotCleaned;
}

static META: RuleMeta = RuleMeta {
    code: "DF081",
    name: "yum-cache-not-cleaned",
    severity: Severity::Warning,
    category: Category::Performance,
    summary: "yum install without yum clean all in the same RUN",
    docs: YumCacheNotCleaned::DOCS,
    hadolint: &["DL3032"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

impl Rule for YumCacheNotCleaned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let spec = CacheClean {
            programs: &["yum"],
            install_verbs: &[
                "install",
                "groupinstall",
                "localinstall",
                "reinstall",
                "update",
                "upgrade",
            ],
            clean_verbs: &["clean"],
            clean_word: Some("all"),
            cache_dirs: &["/var/cache/yum"],
            clean_args: "clean all",
        };
        check_cache_clean(&META, cx, &spec, out);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("yum-cache-not-cleaned");
    }
}
