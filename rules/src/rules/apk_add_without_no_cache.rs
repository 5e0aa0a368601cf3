use crate::pkg::{add_option, program_sub, removes_dir, runs, span, APK_VALUE_OPTS};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `apk add` without `--no-cache`.
    ///
    /// ## Why it matters
    /// Without `--no-cache`, apk keeps the package index it downloaded (`apk update` or
    /// `apk add --update`) in `/var/cache/apk`: a few megabytes in the layer for nothing.
    ///
    /// Unlike hadolint (DL3019), a RUN that removes `/var/cache/apk` itself, or has a cache mount
    /// on `/var/cache/apk` or `/etc/apk/cache`, is not reported: nothing is left in the layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk update && apk add curl=8.9.1-r1
    /// ```
    ///
    /// ## Fix
    /// Add `--no-cache` (safe: the same packages are installed from a freshly read index, and
    /// nothing is cached); the `apk update` before it becomes unnecessary.
    pub struct ApkAddWithoutNoCache;
}

static META: RuleMeta = RuleMeta {
    code: "DF056",
    name: "apk-add-without-no-cache",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "apk add without --no-cache",
    docs: ApkAddWithoutNoCache::DOCS,
    hadolint: &["DL3019"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

impl Rule for ApkAddWithoutNoCache {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            if run.has_cache_mount(&["/var/cache/apk", "/etc/apk/cache"])
                || run
                    .commands
                    .iter()
                    .any(|c| removes_dir(c, &["/var/cache/apk"]))
            {
                continue;
            }
            for cmd in run.commands {
                let Some((i, "add")) = program_sub(cmd, &["apk"], APK_VALUE_OPTS) else {
                    continue;
                };
                if cmd.has_flag(&["--no-cache"]) {
                    continue;
                }
                let w = &cmd.words[i];
                out.push(
                    Diagnostic::new(
                        &META,
                        span(cmd, w),
                        "`apk add` without `--no-cache` leaves the package index in the layer",
                    )
                    .with_fix(add_option(
                        w.range.end(),
                        "--no-cache",
                        Applicability::Safe,
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("apk-add-without-no-cache");
    }
}
