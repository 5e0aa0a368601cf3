use crate::pkg::{report_unpinned_operands, runs, subcommand};
use crate::prelude::*;
use crate::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports each package of `pip install` (also `pip3`, `pip3.12`, `python -m pip`) that has
    /// no version constraint.
    ///
    /// ## Why it matters
    /// Without a version pip installs the newest release on the day of the build: the same
    /// Dockerfile gives different images, and a new major release can break the application.
    ///
    /// Compared with hadolint (DL3013): each unpinned package is reported at its own word; the
    /// values of options are not mistaken for packages; a constraints file (`-c`) pins the whole
    /// command; `-r requirements.txt` and local paths (`.`, `./pkg`, wheels, sdists), URLs and
    /// VCS references with `@` are accepted; `python -m pip` is understood, and extras
    /// (`uvicorn[standard]==0.30`) work.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask
    /// ```
    ///
    /// ## Fix
    /// Pin the version (`flask==3.0.3`) or install from a requirements or constraints file.
    pub struct PipVersionNotPinned;
}

static META: RuleMeta = RuleMeta {
    code: "DF051",
    name: "pip-version-not-pinned",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    summary: "pip install of a package without a version",
    docs: PipVersionNotPinned::DOCS,
    hadolint: &["DL3013"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

const PIP_VALUE_OPTS: &[&str] = &[
    "--abi",
    "-b",
    "--build",
    "-e",
    "--editable",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-i",
    "--index-url",
    "--implementation",
    "--no-binary",
    "--only-binary",
    "--platform",
    "--prefix",
    "--progress-bar",
    "--proxy",
    "--python-version",
    "--root",
    "--src",
    "-t",
    "--target",
    "--trusted-host",
    "--upgrade-strategy",
    "--cache-dir",
    "--log",
    "--retries",
    "--timeout",
    "--exists-action",
    "--cert",
    "--client-cert",
    "-C",
    "--config-settings",
    "--python",
    "--report",
    "--global-option",
    "--install-option",
    "-r",
    "--requirement",
    "-c",
    "--constraint",
];

fn is_pip(name: &str) -> bool {
    name.strip_prefix("pip")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn is_python(name: &str) -> bool {
    name.strip_prefix("python")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The index of `install` in a pip command, if it is one.
fn install_index(cmd: &Command) -> Option<usize> {
    let p = cmd.program()?;
    let i = if is_pip(p) {
        subcommand(cmd, PIP_VALUE_OPTS)?
    } else if is_python(p) {
        let m = cmd.words.iter().position(|w| w.text == "-m")?;
        if cmd.words.get(m + 1).map(|w| w.text.as_str()) != Some("pip") {
            return None;
        }
        let rest = Command {
            words: cmd.words[m + 1..].to_vec(),
            assignments: Vec::new(),
            separator: None,
        };
        m + 1 + subcommand(&rest, PIP_VALUE_OPTS)?
    } else {
        return None;
    };
    (cmd.words[i].text == "install").then_some(i)
}

fn pinned(pkg: &str) -> bool {
    const OPS: &[&str] = &["==", ">=", "<=", "~=", "!=", "<", ">", "@"];
    OPS.iter().any(|o| pkg.contains(o))
        || pkg.contains('/')
        || pkg.starts_with('.')
        || [".whl", ".tar.gz", ".zip", ".tar.bz2"]
            .iter()
            .any(|e| pkg.ends_with(e))
}

impl Rule for PipVersionNotPinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for cmd in run.commands {
                let Some(i) = install_index(cmd) else {
                    continue;
                };
                if cmd.args().iter().any(|w| {
                    w.text == "-c"
                        || w.text == "--constraint"
                        || w.text.starts_with("--constraint=")
                }) {
                    continue;
                }
                report_unpinned_operands(
                    &META,
                    cmd,
                    i,
                    PIP_VALUE_OPTS,
                    &pinned,
                    "==<version>",
                    out,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("pip-version-not-pinned");
    }
}
