use crate::pkg::{check_cache_clean, CacheClean};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a RUN with `yarn install` that does not run `yarn cache clean` (or remove the yarn
    /// cache folder) after it, in the same RUN.
    ///
    /// ## Why it matters
    /// yarn keeps a copy of every package it downloads in its global cache; left in the layer, it
    /// often doubles the size of `node_modules`. Unlike hadolint, a RUN with a `--mount=type=cache`
    /// on the yarn cache (`/usr/local/share/.cache/yarn`, `~/.cache/yarn`, `.yarn/cache`) is not
    /// reported: the cache is then meant to be kept, outside the layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yarn install --frozen-lockfile
    /// ```
    ///
    /// ## Fix
    /// Append `&& yarn cache clean` to the install (safe: only the cache goes). Or use a cache mount:
    /// `RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install`.
    pub struct YarnCacheNotCleaned;
}

static META: RuleMeta = RuleMeta {
    code: "DF098",
    name: "yarn-cache-not-cleaned",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "yarn install without yarn cache clean in the same RUN",
    docs: YarnCacheNotCleaned::DOCS,
    hadolint: &["DL3060"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

impl Rule for YarnCacheNotCleaned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let spec = CacheClean {
            programs: &["yarn"],
            install_verbs: &["install"],
            clean_verbs: &["cache"],
            clean_word: Some("clean"),
            cache_dirs: &[".cache/yarn", ".yarn/cache", ".yarn/berry/cache"],
            clean_args: "cache clean",
        };
        check_cache_clean(&META, cx, &spec, out);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("yarn-cache-not-cleaned");
    }
}
