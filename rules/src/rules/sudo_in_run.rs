use crate::pkg::runs;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `sudo` in a RUN.
    ///
    /// ## Why it matters
    /// RUN already runs as the current `USER`; `sudo` needs a tty or a sudoers entry to work,
    /// changes the environment in ways that differ between images, and leaves a privilege
    /// escalation path in the image when it is installed for this purpose.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// USER app
    /// RUN sudo apt-get update
    /// ```
    ///
    /// ## Fix
    /// Switch with `USER root` for the steps that need it and back afterwards; in an entrypoint
    /// script that must drop privileges use `gosu` or `su-exec`. There is no automatic fix: which
    /// user should run the command is a decision.
    pub struct SudoInRun;
}

static META: RuleMeta = RuleMeta {
    code: "DF044",
    name: "sudo-in-run",
    severity: Severity::Error,
    category: Category::Security,
    summary: "sudo in a RUN",
    docs: SudoInRun::DOCS,
    hadolint: &["DL3004"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for SudoInRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for cmd in run.commands {
                if let (Some("sudo"), Some(w)) = (cmd.program(), cmd.words.first()) {
                    out.push(Diagnostic::new(
                        &META,
                        w.range,
                        "`sudo` in a RUN: use `USER` to change the user",
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
        crate::testing::assert_fixture("sudo-in-run");
    }
}
