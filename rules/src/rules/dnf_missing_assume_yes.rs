use crate::pkg::check_missing_yes;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `dnf install` / `microdnf install` (and the other subcommands that ask for
    /// confirmation: `upgrade`, `remove`, `group install`, ...) without `-y` / `--assumeyes`.
    ///
    /// ## Why it matters
    /// A build has no one to answer dnf's "Is this ok [y/N]" prompt: dnf reads end of input and
    /// aborts ("Operation aborted"), and the build fails. hadolint checks only the install
    /// subcommands; the others prompt the same way.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install httpd-2.4.57
    /// ```
    ///
    /// ## Fix
    /// Add `-y` after the subcommand (safe: it only answers the prompt the build cannot answer).
    pub struct DnfMissingAssumeYes;
}

static META: RuleMeta = RuleMeta {
    code: "DF087",
    name: "dnf-missing-assume-yes",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "dnf command without -y waits for an answer",
    docs: DnfMissingAssumeYes::DOCS,
    hadolint: &["DL3038"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

/// dnf subcommands that ask for confirmation.
const VERBS: &[&str] = &[
    "install",
    "groupinstall",
    "localinstall",
    "reinstall",
    "update",
    "upgrade",
    "downgrade",
    "remove",
    "erase",
    "groupremove",
    "autoremove",
    "distro-sync",
];

impl Rule for DnfMissingAssumeYes {
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
            &["dnf", "microdnf"],
            VERBS,
            &["-y", "--assumeyes"],
            "-y",
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("dnf-missing-assume-yes");
    }
}
