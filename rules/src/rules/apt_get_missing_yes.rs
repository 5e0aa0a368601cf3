use crate::pkg::{add_option, apt_get_sub, apt_option_is, runs, span};
use crate::prelude::*;
use crate::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` (and the other subcommands that ask for confirmation: `upgrade`,
    /// `dist-upgrade`, `remove`, `purge`, `autoremove`, `build-dep`) without `-y`.
    ///
    /// ## Why it matters
    /// Without a terminal, apt-get's "Do you want to continue? [Y/n]" reads end of input and
    /// aborts: the build fails as soon as there is anything to confirm.
    ///
    /// Compared with hadolint (DL3014): every subcommand that prompts is checked, not only
    /// `install`; `-qq` (quiet level 2 implies `-y`), `-q=2`, `--assume-yes`,
    /// `-o APT::Get::Assume-Yes=true` and `yes | apt-get ...` are understood; a single `-q` is not
    /// taken as an answer (hadolint accepts it, but apt-get still prompts).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install curl
    /// ```
    ///
    /// ## Fix
    /// Add `-y` after the subcommand (safe: the build fails without it).
    pub struct AptGetMissingYes;
}

static META: RuleMeta = RuleMeta {
    code: "DF052",
    name: "apt-get-missing-yes",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "apt-get install without -y",
    docs: AptGetMissingYes::DOCS,
    hadolint: &["DL3014"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

const PROMPTING: &[&str] = &[
    "install",
    "upgrade",
    "dist-upgrade",
    "remove",
    "purge",
    "autoremove",
    "build-dep",
];

/// apt-get's quiet level: `-q` counts once per `q`, `-q=N` and `--quiet=N` set it.
fn quiet_level(cmd: &Command) -> u32 {
    cmd.args()
        .iter()
        .map(|w| {
            let t = w.text.as_str();
            if let Some(n) = t.strip_prefix("-q=").or_else(|| t.strip_prefix("--quiet=")) {
                n.parse().unwrap_or(0)
            } else if t == "--quiet" {
                1
            } else if t.starts_with('-') && !t.starts_with("--") && !t.contains('=') {
                t.matches('q').count() as u32
            } else {
                0
            }
        })
        .sum()
}

fn answers_yes(cmd: &Command, prev: Option<&Command>) -> bool {
    cmd.has_flag(&["-y", "--yes", "--assume-yes"])
        || quiet_level(cmd) >= 2
        || apt_option_is(cmd, "APT::Get::Assume-Yes", &["true", "1", "yes"])
        || (cmd.separator.as_deref() == Some("|") && prev.and_then(|p| p.program()) == Some("yes"))
}

impl Rule for AptGetMissingYes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for (k, cmd) in run.commands.iter().enumerate() {
                let Some((i, sub)) = apt_get_sub(cmd) else {
                    continue;
                };
                let prev = k.checked_sub(1).map(|p| &run.commands[p]);
                if !PROMPTING.contains(&sub) || answers_yes(cmd, prev) {
                    continue;
                }
                let w = &cmd.words[i];
                out.push(
                    Diagnostic::new(
                        &META,
                        span(cmd, w),
                        format!("`apt-get {sub}` without `-y` aborts at its confirmation prompt"),
                    )
                    .with_fix(add_option(
                        w.range.end(),
                        "-y",
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
        crate::testing::assert_fixture("apt-get-missing-yes");
    }
}
