use crate::pkg::runs;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a RUN that runs a command that has no use while building an image: `ssh`, `vim`,
    /// `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`.
    ///
    /// ## Why it matters
    /// A RUN step has no terminal, no init system and no running services: an editor waits
    /// forever, `service x start` starts a process that dies when the step ends, `ps`/`free`/`top`
    /// describe the build machine, not the image. Such a command is usually left over from an
    /// interactive session.
    ///
    /// Only commands are reported, not the same words as arguments (`apt-get install vim` is
    /// fine), as in hadolint (DL3001).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN service nginx start
    /// ```
    ///
    /// ## Fix
    /// Remove the command; start services from `CMD`/`ENTRYPOINT`.
    pub struct ContainerIrrelevantCommand;
}

static META: RuleMeta = RuleMeta {
    code: "DF041",
    name: "container-irrelevant-command",
    severity: Severity::Info,
    category: Category::Correctness,
    summary: "A command that makes no sense in a build step (ssh, vim, service, ps, ...)",
    docs: ContainerIrrelevantCommand::DOCS,
    hadolint: &["DL3001"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

const COMMANDS: &[&str] = &[
    "ssh", "vim", "shutdown", "service", "ps", "free", "top", "kill", "mount", "ifconfig",
];

impl Rule for ContainerIrrelevantCommand {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for cmd in run.commands {
                let (Some(p), Some(w)) = (cmd.program(), cmd.words.first()) else {
                    continue;
                };
                if COMMANDS.contains(&p) {
                    out.push(Diagnostic::new(
                        &META,
                        w.range,
                        format!("`{p}` has no use in a build step"),
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
        crate::testing::assert_fixture("container-irrelevant-command");
    }
}
