use crate::pkg::{is_program, runs};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `ln` that replaces `/bin/sh` (`ln -sf /bin/bash /bin/sh`).
    ///
    /// ## Why it matters
    /// Relinking `/bin/sh` changes the shell of every program in the image that runs `sh`,
    /// not only of the Dockerfile's RUNs, and hides the change from the reader. `SHELL`
    /// changes the shell of the RUNs that follow and says so.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN ln -sf /bin/bash /bin/sh
    /// ```
    ///
    /// ## Fix
    /// Use `SHELL ["/bin/bash", "-c"]` instead.
    pub struct ReplacedBinSh;
}

static META: RuleMeta = RuleMeta {
    code: "DF103",
    name: "replaced-bin-sh",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "ln replaces /bin/sh instead of using SHELL",
    docs: ReplacedBinSh::DOCS,
    hadolint: &["DL4005"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for ReplacedBinSh {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for cmd in run.commands {
                if !is_program(cmd, &["ln"]) {
                    continue;
                }
                // The link name is the last operand.
                if let Some(target) = cmd.positional().last().filter(|w| w.text == "/bin/sh") {
                    out.push(Diagnostic::new(
                        &META,
                        target.range,
                        "`ln` replaces /bin/sh for every program in the image: use SHELL to change the shell of RUN",
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
        crate::testing::assert_fixture("replaced-bin-sh");
    }
}
