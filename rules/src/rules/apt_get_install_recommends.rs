use crate::pkg::{add_option, apt_get_sub, apt_option_is, runs, span};
use crate::prelude::*;

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
    /// `-o APT::Install-Recommends=false` (or `0`) and an apt configuration file written earlier
    /// in the Dockerfile that turns recommends off (`APT::Install-Recommends "0"`).
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

impl Rule for AptGetInstallRecommends {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let mut configured_off = false;
        for run in runs(cx.model) {
            let text = (run.instr.args_text().map(|t| t.text).unwrap_or_default()
                + &run.instr.heredocs().map(|h| h.body()).collect::<String>())
                .to_ascii_lowercase();
            if turns_recommends_off(&text) && run.commands.iter().all(|c| apt_get_sub(c).is_none())
            {
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
