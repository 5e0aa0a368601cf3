use crate::prelude::*;
use crate::shell::{self, Command};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get update` (or `apt update`) in a `RUN` that installs nothing, when a later
    /// `RUN` of the same stage runs `apt-get install`.
    ///
    /// ## Why it matters
    /// Each `RUN` is a cached layer. The layer with the package lists is reused as long as its
    /// line does not change, so when the install line changes (a package added months later), the
    /// install runs against the old lists: it installs outdated versions or fails with
    /// "404 Not Found" for files the mirror has since removed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// Unsafe: when the lone `RUN` runs only the update, the fix deletes it and puts
    /// `apt-get update &&` in front of the install of the later `RUN`. No fix is offered when
    /// that `RUN` does more, or when a step in between uses apt.
    pub struct AptGetUpdateAlone;
}

static META: RuleMeta = RuleMeta {
    code: "DF005",
    name: "apt-get-update-alone",
    severity: Severity::Warning,
    category: Category::Performance,
    summary: "`apt-get update` alone in a RUN whose install comes in a later RUN",
    docs: AptGetUpdateAlone::DOCS,
    hadolint: &[],
    buildkit: &[],
    fix: FixKind::Unsafe,
    default_enabled: true,
};

fn apt_sub(cmd: &Command) -> Option<&str> {
    matches!(cmd.program()?, "apt-get" | "apt").then_some(())?;
    let mut skip = false;
    for w in cmd.args() {
        if skip {
            skip = false;
            continue;
        }
        if w.text.starts_with('-') {
            skip = matches!(w.text.as_str(), "-o" | "-c" | "-t");
            continue;
        }
        return Some(w.text.as_str());
    }
    None
}

fn uses_apt(cmd: &Command) -> bool {
    cmd.program()
        .is_some_and(|p| p.starts_with("apt") || p == "dpkg")
}

impl Rule for AptGetUpdateAlone {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    // File: its message gives the line of the later install, which moves with edits above the stage.

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for stage in cx.stages() {
            let runs: Vec<usize> = (stage.from + 1..stage.end)
                .filter(|&i| model.kind(i) == SyntaxKind::RUN_INSTR)
                .collect();
            for (k, &i) in runs.iter().enumerate() {
                // Most RUNs do not mention `update`: they need not be split into commands.
                let raw = &model.text[model.instructions[i].range()];
                if !shell::may_have_word(raw, "update", model.escape) {
                    continue;
                }
                let cmds = model.commands(i);
                let Some(update) = cmds.iter().find(|c| apt_sub(c) == Some("update")) else {
                    continue;
                };
                if cmds.iter().any(|c| apt_sub(c) == Some("install")) {
                    continue;
                }
                // The first later RUN that installs with apt, unless it updates itself first.
                let Some((li, later)) = runs[k + 1..].iter().find_map(|&j| {
                    let cs = model.commands(j);
                    let pos = cs.iter().position(|c| apt_sub(c) == Some("install"))?;
                    Some((j, &cs[..=pos]))
                }) else {
                    continue;
                };
                if later.iter().any(|c| apt_sub(c) == Some("update")) {
                    continue;
                }
                let install = later.last().expect("non-empty");
                let range = cmd_range(update);
                let install_line = model.line_of(model.instructions[li].range().start());
                let mut d = Diagnostic::new(
                    &META,
                    range,
                    format!(
                        "`{}` runs alone, and `{}` comes in a later RUN (line {install_line}): the layer cache keeps this step's package lists, so when the install line changes it runs against stale lists (outdated versions or 404 errors); update and install in the same RUN",
                        words_text(update, 2),
                        words_text(install, 2),
                    ),
                )
                .with_related(cmd_range(install), "the install that uses the lists");
                let between_uses_apt = runs[k + 1..]
                    .iter()
                    .take_while(|&&j| j < li)
                    .any(|&j| model.commands(j).iter().any(uses_apt));
                if let Some(fix) = (!between_uses_apt)
                    .then(|| fix(model, i, cmds, update, li, install))
                    .flatten()
                {
                    d = d.with_fix(fix);
                }
                out.push(d);
            }
        }
    }
}

fn cmd_range(cmd: &Command) -> TextRange {
    let first = cmd.words.first().map_or(TextRange::default(), |w| w.range);
    first.cover(cmd.words.last().map_or(first, |w| w.range))
}

fn words_text(cmd: &Command, n: usize) -> String {
    let words: Vec<&str> = cmd
        .words
        .iter()
        .map(|w| w.text.as_str())
        .filter(|w| !w.starts_with('-'))
        .take(n)
        .collect();
    words.join(" ")
}

/// Deletes the lone RUN and prefixes the install with the update, when both are plain.
fn fix(
    model: &Model,
    lone: usize,
    lone_cmds: &[Command],
    update: &Command,
    later: usize,
    install: &Command,
) -> Option<Fix> {
    let lone_instr = &model.instructions[lone];
    let later_instr = &model.instructions[later];
    let plain = |i: &Instruction| {
        i.flags().next().is_none() && i.heredocs().next().is_none() && i.exec_form().is_none()
    };
    if lone_cmds.len() != 1 || !plain(lone_instr) || !plain(later_instr) {
        return None;
    }
    // `a || apt-get install` would become `(a || apt-get update) && apt-get install`.
    if !matches!(install.separator.as_deref(), None | Some("&&" | ";" | "\n")) {
        return None;
    }
    let text = model.text;
    let start = install
        .assignments
        .first()
        .map_or(install.words.first()?.range.start(), |a| a.range.start());
    let update_text: Vec<&str> = update.words.iter().map(|w| w.raw.as_str()).collect();
    // The whole lines of the lone RUN.
    let r = lone_instr.range();
    let line_start = text[..usize::from(r.start())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    Some(Fix {
        message: "Run the update in the same RUN as the install".into(),
        applicability: Applicability::Unsafe,
        edits: vec![
            Edit::delete(TextRange::new(TextSize::from(line_start as u32), r.end())),
            Edit::insert(start, format!("{} && ", update_text.join(" "))),
        ],
    })
}

#[cfg(test)]
mod tests {
    use crate::testing::run_rule;

    const RULE: &str = "apt-get-update-alone";

    #[test]
    fn fixture() {
        crate::testing::assert_fixture(RULE);
    }

    fn fixed(text: &str) -> Option<String> {
        let d = run_rule(RULE, text, None);
        assert_eq!(d.len(), 1, "{d:#?}");
        let fix = d[0].fix.as_ref()?;
        let out = crate::apply_edits(text, &fix.edits).expect("edits apply");
        let parse = dflint_syntax::parse(&out);
        assert!(parse.errors().is_empty(), "{out}");
        assert!(run_rule(RULE, &out, None).is_empty(), "{out}");
        Some(out)
    }

    #[test]
    fn merges_the_update_into_the_install() {
        assert_eq!(
            fixed("FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n").as_deref(),
            Some("FROM debian\nRUN apt-get update && apt-get install -y curl\n")
        );
        assert_eq!(
            fixed("FROM debian\nRUN apt-get -q update\nENV X=1\nRUN set -eux; \\\n    DEBIAN_FRONTEND=noninteractive apt-get install -y curl\n").as_deref(),
            Some("FROM debian\nENV X=1\nRUN set -eux; \\\n    apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get install -y curl\n")
        );
    }

    #[test]
    fn no_fix_when_not_simple() {
        for text in [
            "FROM debian\nRUN apt-get update && apt-get upgrade -y\nRUN apt-get install -y curl\n",
            "FROM debian\nRUN apt-get update\nRUN apt-cache policy curl\nRUN apt-get install -y curl\n",
            "FROM debian\nRUN apt-get update\nRUN false || apt-get install -y curl\n",
            "FROM debian\nRUN --mount=type=cache,target=/var/lib/apt apt-get update\nRUN apt-get install -y curl\n",
        ] {
            assert_eq!(fixed(text), None, "{text}");
        }
    }

    #[test]
    fn not_reported() {
        for text in [
            "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
            "FROM debian\nRUN apt-get update\n",
            "FROM debian\nRUN apt-get update\nRUN apt-get update && apt-get install -y curl\n",
            "FROM debian AS a\nRUN apt-get update\nFROM debian\nRUN apt-get install -y curl\n",
            "FROM debian\nRUN apt-get install -y curl\nRUN apt-get update\n",
        ] {
            assert!(run_rule(RULE, text, None).is_empty(), "{text}");
        }
    }
}
