use crate::pkg::{is_program, runs};
use crate::prelude::*;
use crate::shell::{Command, ShellWord};

declare_rule! {
    /// ## What it does
    /// Reports `useradd` with a user id of six digits or more (`-u 100000`) and without `-l` /
    /// `--no-log-init`.
    ///
    /// ## Why it matters
    /// useradd records the new user in `/var/log/lastlog` and `/var/log/faillog`, files indexed
    /// by user id. With a high id the file becomes huge (sparse on disk, but not in a layer
    /// tarball): gigabytes added to the image for nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd -u 123456 app
    /// ```
    ///
    /// ## Fix
    /// Add `-l` (safe: only the login records are skipped, the user is the same).
    pub struct UseraddWithoutNoLogInit;
}

static META: RuleMeta = RuleMeta {
    code: "DF093",
    name: "useradd-without-no-log-init",
    severity: Severity::Warning,
    category: Category::Performance,
    summary: "useradd with a high UID and without -l bloats the image",
    docs: UseraddWithoutNoLogInit::DOCS,
    hadolint: &["DL3046"],
    buildkit: &[],
    fix: FixKind::Safe,
    default_enabled: true,
};

/// The user id given with `-u N`, `-uN`, `--uid N` or `--uid=N`, with the word that holds it.
fn uid(cmd: &Command) -> Option<(&str, &ShellWord)> {
    let args = cmd.args();
    for (k, w) in args.iter().enumerate() {
        let t = w.text.as_str();
        if t == "-u" || t == "--uid" {
            return args.get(k + 1).map(|v| (v.text.as_str(), v));
        }
        if let Some(v) = t.strip_prefix("--uid=") {
            return Some((v, w));
        }
        if let Some(v) = t
            .strip_prefix("-u")
            .filter(|v| !v.is_empty() && !t.starts_with("--"))
        {
            return Some((v, w));
        }
    }
    None
}

impl Rule for UseraddWithoutNoLogInit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for run in runs(cx) {
            for cmd in run.commands {
                if !is_program(cmd, &["useradd"]) || cmd.has_flag(&["-l", "--no-log-init"]) {
                    continue;
                }
                let Some((id, word)) = uid(cmd) else { continue };
                if id.len() <= 5 || !id.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                let program = &cmd.words[0];
                out.push(
                    Diagnostic::new(
                        &META,
                        word.range,
                        format!(
                            "user id {id} without `-l` makes /var/log/lastlog and faillog huge"
                        ),
                    )
                    .with_fix(Fix {
                        message: "Add `-l` (`--no-log-init`)".into(),
                        applicability: Applicability::Safe,
                        edits: vec![Edit::insert(program.range.end(), " -l")],
                    }),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("useradd-without-no-log-init");
    }
}
