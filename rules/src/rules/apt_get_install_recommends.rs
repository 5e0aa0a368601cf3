use crate::model::stage_chain;
use crate::pkg::{add_option, apt_get_sub, apt_option_is, run_instr, runs, span};
use crate::prelude::*;
use crate::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` without `--no-install-recommends`.
    ///
    /// ## Why it matters
    /// By default apt-get also installs every package the requested ones merely recommend:
    /// documentation, X11 libraries, compilers. The image grows, often by hundreds of megabytes,
    /// and gains packages nobody asked for.
    ///
    /// Compared with hadolint (DL3015): the flag is recognised anywhere in the command, and so are
    /// `-o APT::Install-Recommends=false` (or `0`) and an apt configuration file that turns
    /// recommends off (`APT::Install-Recommends "0"`), written by an earlier RUN of the stage or
    /// of a stage it builds on.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// Add `--no-install-recommends`. The fix is unsafe: it changes what is installed, and the
    /// software may rely on a recommended package.
    pub struct AptGetInstallRecommends;
}

static META: RuleMeta = RuleMeta {
    code: "DF053",
    name: "apt-get-install-recommends",
    severity: Severity::Info,
    category: Category::Performance,
    summary: "apt-get install without --no-install-recommends",
    docs: AptGetInstallRecommends::DOCS,
    hadolint: &["DL3015"],
    buildkit: &[],
    fix: FixKind::Unsafe,
    default_enabled: true,
};

/// True when a (lower-case) script writes `APT::Install-Recommends "0"` (or `false`).
fn turns_recommends_off(text: &str) -> bool {
    text.match_indices("apt::install-recommends").any(|(i, m)| {
        let rest = &text[i + m.len()..];
        let value = rest.trim_start_matches([' ', '"', '\'', '=', '\\']);
        value.starts_with('0') || value.starts_with("false")
    })
}

/// A RUN that writes apt configuration turning recommends off (and runs no apt-get itself).
fn configures_off<'c>(run: &Instruction, commands: impl FnOnce() -> &'c [Command]) -> bool {
    let text = (run.args_text().map(|t| t.text).unwrap_or_default()
        + &run.heredocs().map(|h| h.body()).collect::<String>())
        .to_ascii_lowercase();
    turns_recommends_off(&text) && commands().iter().all(|c| apt_get_sub(c).is_none())
}

impl Rule for AptGetInstallRecommends {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        let mut configured_off = false;
        let mut current = None;
        for run in runs(cx) {
            let stage = model.stage_of(run.index);
            if stage != current {
                current = stage;
                // A configuration file written in a stage this one builds on is in its image.
                configured_off = stage.is_some_and(|s| {
                    stage_chain(model, s)[1..].iter().any(|&b| {
                        let st = &model.stages[b];
                        (st.from..st.end).any(|i| {
                            run_instr(&model.instructions[i])
                                .is_some_and(|r| configures_off(&r, || model.commands(i)))
                        })
                    })
                });
            }
            if configures_off(&run.instr, || run.commands) {
                configured_off = true;
            }
            if configured_off {
                continue;
            }
            for cmd in run.commands {
                let Some((i, "install")) = apt_get_sub(cmd) else {
                    continue;
                };
                if cmd.has_flag(&["--no-install-recommends"])
                    || apt_option_is(cmd, "APT::Install-Recommends", &["false", "0", "no"])
                {
                    continue;
                }
                let w = &cmd.words[i];
                out.push(
                    Diagnostic::new(
                        &META,
                        span(cmd, w),
                        "`apt-get install` also installs recommended packages: add `--no-install-recommends`",
                    )
                    .with_fix(add_option(
                        w.range.end(),
                        "--no-install-recommends",
                        Applicability::Unsafe,
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::run_rule;

    #[test]
    fn fixture() {
        crate::testing::assert_fixture("apt-get-install-recommends");
    }

    #[test]
    fn apt_configuration_turns_recommends_off() {
        let text = "FROM debian:12\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/norec\nRUN apt-get install -y curl\n";
        assert!(run_rule("apt-get-install-recommends", text, None).is_empty());
        let text = "FROM debian:12\nRUN apt-get install -y curl\n";
        assert_eq!(run_rule("apt-get-install-recommends", text, None).len(), 1);
    }
}
