use crate::pkg::{is_program, runs, span, verb};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `zypper dist-upgrade` (`zypper dup`) in a RUN.
    ///
    /// ## Why it matters
    /// A distribution upgrade may move the image to other versions of every package, including
    /// a new release of the distribution, on whatever day the build runs: the base image's
    /// tag no longer says what the image contains. Pick a newer base image instead, and update
    /// only the packages you need (`zypper update <package>`, or `zypper patch` for security
    /// fixes).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper -n dist-upgrade
    /// ```
    ///
    /// ## Fix
    /// Use a newer base image tag; remove the `dist-upgrade`.
    pub struct ZypperDistUpgrade;
}

static META: RuleMeta = RuleMeta {
    code: "DF084",
    name: "zypper-dist-upgrade",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "zypper dist-upgrade in a RUN",
    docs: ZypperDistUpgrade::DOCS,
    hadolint: &["DL3035"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for ZypperDistUpgrade {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for cmd in run.commands {
                if !is_program(cmd, &["zypper"]) {
                    continue;
                }
                if let Some(v) = verb(cmd, &["dist-upgrade", "dup"]) {
                    out.push(Diagnostic::new(
                        &META,
                        span(cmd, v),
                        "`zypper dist-upgrade` upgrades the whole distribution: use a newer base image instead",
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("zypper-dist-upgrade");
    }
}
