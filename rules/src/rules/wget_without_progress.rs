use crate::pkg::{add_option, is_program, runs};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `wget` without `--progress=...` and without an option that already keeps the log
    /// short (`-q`/`--quiet`, `-nv`/`--no-verbose`, `-o`/`--output-file`, `-a`/`--append-output`).
    ///
    /// ## Why it matters
    /// Without a terminal, GNU wget prints a dot or a line for every few kilobytes: a large
    /// download adds thousands of lines to the build log, which hides the lines that matter and
    /// can exceed the CI's log limit.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget https://example.com/big.tar.gz
    /// ```
    ///
    /// ## Fix
    /// Add `--progress=dot:giga` (or `-q` / `-nv`). The fix is unsafe: BusyBox wget (Alpine,
    /// BusyBox images) has no `--progress` option and the RUN would fail there.
    pub struct WgetWithoutProgress;
}

static META: RuleMeta = RuleMeta {
    code: "DF094",
    name: "wget-without-progress",
    severity: Severity::Info,
    category: Category::Style,
    summary: "wget without --progress floods the build log",
    docs: WgetWithoutProgress::DOCS,
    hadolint: &["DL3047"],
    buildkit: &[],
    fix: FixKind::Unsafe,
    default_enabled: true,
};

impl Rule for WgetWithoutProgress {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for cmd in run.commands {
                if !is_program(cmd, &["wget"]) {
                    continue;
                }
                let quiet = cmd.has_flag(&["-q", "--quiet", "-nv", "--no-verbose", "-o", "-a"])
                    || cmd.args().iter().any(|w| {
                        ["--progress", "--output-file", "--append-output"]
                            .iter()
                            .any(|o| w.text == *o || w.text.starts_with(&format!("{o}=")))
                    });
                if quiet {
                    continue;
                }
                let program = &cmd.words[0];
                out.push(
                    Diagnostic::new(
                        &META,
                        program.range,
                        "wget without `--progress` prints thousands of progress lines into the build log",
                    )
                    .with_fix(add_option(
                        program.range.end(),
                        "--progress=dot:giga",
                        Applicability::Unsafe,
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
        crate::testing::assert_fixture("wget-without-progress");
    }
}
