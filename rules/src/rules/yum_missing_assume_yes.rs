use crate::pkg::check_missing_yes;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `yum install` (and the other subcommands that ask for confirmation: `update`,
    /// `remove`, `groupinstall`, ...) without `-y` / `--assumeyes`.
    ///
    /// ## Why it matters
    /// A build has no one to answer yum's "Is this ok [y/N]" prompt: yum reads end of input and
    /// aborts, and the build fails (unless the base image happens to set `assumeyes=1`).
    /// hadolint checks only the install subcommands; the others prompt the same way.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install httpd-2.4.6
    /// ```
    ///
    /// ## Fix
    /// Add `-y` after the subcommand (safe: it only answers the prompt the build cannot answer).
    pub struct YumMissingAssumeYes;
}

static META: RuleMeta = RuleMeta {
    code: "DF080",
    name: "yum-missing-assume-yes",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "yum command without -y waits for an answer",
    docs: YumMissingAssumeYes::DOCS,
    hadolint: &["DL3030"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

/// yum subcommands that ask for confirmation.
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
];

impl Rule for YumMissingAssumeYes {
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
            &["yum"],
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
        crate::testing::assert_fixture("yum-missing-assume-yes");
    }
}
