use crate::pkg::check_missing_yes;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a zypper subcommand that asks for confirmation (`install`/`in`, `remove`/`rm`,
    /// `update`/`up`, `patch`, `source-install`/`si`, ...) without a non-interactive switch:
    /// `-n` / `--non-interactive` before the subcommand, or `-y` / `--no-confirm` after it.
    ///
    /// ## Why it matters
    /// zypper stops at "Continue? [y/n/v/...? shows all options] (y)" and, with no one to answer
    /// in a build, the step fails or hangs. hadolint checks the install, remove and patch
    /// subcommands and does not see the global `-n`; both are covered here.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper install httpd=2.4.46
    /// ```
    ///
    /// ## Fix
    /// Add `-y` after the subcommand (safe: it only answers the prompt the build cannot answer).
    pub struct ZypperMissingNonInteractive;
}

static META: RuleMeta = RuleMeta {
    code: "DF083",
    name: "zypper-missing-non-interactive",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "zypper command without a non-interactive switch",
    docs: ZypperMissingNonInteractive::DOCS,
    hadolint: &["DL3034"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

/// zypper subcommands that ask for confirmation.
const VERBS: &[&str] = &[
    "install",
    "in",
    "remove",
    "rm",
    "source-install",
    "si",
    "patch",
    "update",
    "up",
    "install-new-recommends",
    "inr",
];

impl Rule for ZypperMissingNonInteractive {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        check_missing_yes(
            &META,
            cx,
            &["zypper"],
            VERBS,
            &["-n", "--non-interactive", "-y", "--no-confirm"],
            "-y",
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("zypper-missing-non-interactive");
    }
}
