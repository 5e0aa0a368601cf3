use crate::pkg::{add_option, runs, span, verb};
use crate::prelude::*;
use crate::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports `pip install` (also `pip3`, `pip3.12`, `python -m pip`) without `--no-cache-dir`.
    /// Not reported when pip's cache is already off or out of the layer: `PIP_NO_CACHE_DIR` set
    /// by `ENV`/`ARG` earlier in the stage or on the command itself, or a
    /// `--mount=type=cache` on pip's cache folder (`/root/.cache/pip`). `pipx` and `pipenv`
    /// are left alone.
    ///
    /// ## Why it matters
    /// pip keeps every wheel it downloads or builds in `~/.cache/pip`; left in the layer, the
    /// cache can be as big as the installed packages. hadolint also reports a RUN that uses a
    /// pip cache mount, where `--no-cache-dir` would defeat the mount; dflint does not.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix
    /// Add `--no-cache-dir` after `install` (safe: the same packages are installed).
    pub struct PipCacheNotDisabled;
}

static META: RuleMeta = RuleMeta {
    code: "DF090",
    name: "pip-cache-not-disabled",
    severity: Severity::Warning,
    category: Category::Performance,
    summary: "pip install without --no-cache-dir",
    docs: PipCacheNotDisabled::DOCS,
    hadolint: &["DL3042"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

/// `pip`, `pip3`, `pip3.12`, or `python... -m pip`.
fn runs_pip(cmd: &Command) -> bool {
    let Some(p) = cmd.program() else { return false };
    if let Some(rest) = p.strip_prefix("pip") {
        return rest.chars().all(|c| c.is_ascii_digit() || c == '.');
    }
    p.starts_with("python")
        && cmd
            .args()
            .windows(2)
            .any(|w| w[0].text == "-m" && w[1].text == "pip")
}

/// pip reads `PIP_NO_CACHE_DIR` as a boolean; any value but a false one turns the cache off.
fn truthy(value: &str) -> bool {
    !matches!(
        value.to_ascii_lowercase().as_str(),
        "" | "0" | "false" | "off" | "no"
    )
}

impl Rule for PipCacheNotDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            if run.has_cache_mount(&[".cache/pip"]) {
                continue;
            }
            let from_env = cx
                .model
                .value_at(run.index, "PIP_NO_CACHE_DIR")
                .is_some_and(|v| truthy(&v));
            if from_env {
                continue;
            }
            let mut exported = false;
            for cmd in run.commands {
                let sets_var = |w: &crate::shell::ShellWord| {
                    w.text.strip_prefix("PIP_NO_CACHE_DIR=").is_some_and(truthy)
                };
                if cmd.program() == Some("export") && cmd.args().iter().any(sets_var) {
                    exported = true;
                }
                if exported || !runs_pip(cmd) || cmd.assignments.iter().any(sets_var) {
                    continue;
                }
                if cmd.has_flag(&["--no-cache-dir"]) {
                    continue;
                }
                let Some(v) = verb(cmd, &["install"]) else {
                    continue;
                };
                out.push(
                    Diagnostic::new(
                        &META,
                        span(cmd, v),
                        "pip keeps its download cache in the layer: add `--no-cache-dir`",
                    )
                    .with_fix(add_option(
                        v.range.end(),
                        "--no-cache-dir",
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
        crate::testing::assert_fixture("pip-cache-not-disabled");
    }
}
