use crate::prelude::*;
use crate::shell::Command;

declare_rule! {
    /// ## What it does
    /// Reports the first pipe (`|`) of a shell-form RUN whose shell does not run with
    /// `pipefail`. Not reported when:
    /// - a `SHELL` earlier in the stage (or in the stage it builds on) has `-o pipefail`;
    /// - the RUN itself runs `set -o pipefail` (also `set -euo pipefail`) before the pipe;
    /// - the shell is not a POSIX shell (`SHELL ["pwsh", ...]`, `cmd`): pipes work differently;
    /// - the RUN is in exec form (no shell runs it);
    /// - every command feeding a pipe cannot fail (`echo`, `printf`, `yes`, `true`).
    ///
    /// ## Why it matters
    /// A pipeline's status is the status of its last command: `RUN wget -O- $URL | tar xz`
    /// succeeds when the download fails, and the build goes on with a broken image. hadolint
    /// does not look inside the RUN for `set -o pipefail` and also reports pipes fed by `echo`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget -O - https://example.com/install.sh | sh
    /// ```
    ///
    /// ## Fix
    /// Start the script with `set -o pipefail &&`, or set the shell once for the stage:
    /// `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`. The fix inserts that `SHELL` line
    /// (`/bin/ash` on Alpine and BusyBox images) and is unsafe: the image must have that shell,
    /// and every later RUN of the stage then runs in it. Debian's `/bin/sh` (dash) has no
    /// `pipefail` before version 0.5.11, so `set -o pipefail` may fail there: prefer bash.
    pub struct PipeWithoutPipefail;
}

static META: RuleMeta = RuleMeta {
    code: "DF104",
    name: "pipe-without-pipefail",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "RUN with a pipe and no pipefail hides failures",
    docs: PipeWithoutPipefail::DOCS,
    hadolint: &["DL4006"],
    buildkit: &[],
    fix: FixKind::Unsafe,
    default_enabled: true,
};

#[derive(Clone, Copy, Default)]
struct ShellState {
    pipefail: bool,
    non_posix: bool,
}

/// `-o pipefail`, also as the last letter of combined options (`-euo pipefail`).
fn sets_pipefail(args: &[String]) -> bool {
    args.windows(2).any(|w| {
        w[0].starts_with('-')
            && !w[0].starts_with("--")
            && w[0].ends_with('o')
            && w[1] == "pipefail"
    })
}

fn shell_state(instr: &Instruction) -> ShellState {
    let items: Vec<String> = instr
        .exec_form()
        .map(|e| e.items().into_iter().map(|(s, _)| s).collect())
        .unwrap_or_default();
    let program = items
        .first()
        .map(|p| p.rsplit(['/', '\\']).next().unwrap_or(p).to_lowercase());
    ShellState {
        pipefail: sets_pipefail(&items),
        non_posix: program.is_some_and(|p| {
            p.contains("pwsh") || p.contains("powershell") || p == "cmd" || p == "cmd.exe"
        }),
    }
}

fn cannot_fail(cmd: &Command) -> bool {
    matches!(cmd.program(), Some("echo" | "printf" | "yes" | "true"))
}

impl Rule for PipeWithoutPipefail {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for stage in cx.stages() {
            let mut state = stage
                .base_stage
                .map(|b| end_state(model, b))
                .unwrap_or_default();
            let image = stage.image_resolved.clone().unwrap_or_default();
            let mut root = stage.base_stage;
            let mut image_root = image.clone();
            while let Some(b) = root.filter(|b| *b < stage.index) {
                image_root = model.stages[b].image_resolved.clone().unwrap_or_default();
                root = model.stages[b].base_stage;
            }
            let ash = image_root.contains("alpine") || image_root.contains("busybox");
            let mut fix_offered = false;
            for i in stage.from + 1..stage.end {
                let instr = &model.instructions[i];
                match instr.kind() {
                    SyntaxKind::SHELL_INSTR => {
                        state = shell_state(instr);
                        continue;
                    }
                    SyntaxKind::RUN_INSTR if instr.exec_form().is_none() => {}
                    _ => continue,
                }
                if state.pipefail || state.non_posix {
                    continue;
                }
                let cmds = model.commands(i);
                let mut set_before = false;
                let mut pipe = None;
                for (k, cmd) in cmds.iter().enumerate() {
                    if cmd.separator.as_deref() == Some("|") && k > 0 && !cannot_fail(&cmds[k - 1])
                    {
                        pipe = Some(k);
                        break;
                    }
                    if cmd.program() == Some("set") {
                        let args: Vec<String> = cmd.args().iter().map(|w| w.text.clone()).collect();
                        set_before |= sets_pipefail(&args);
                    }
                }
                let Some(k) = pipe.filter(|_| !set_before) else {
                    continue;
                };
                let (prev, next) = (&cmds[k - 1], &cmds[k]);
                let start = prev
                    .words
                    .last()
                    .map_or(instr.range().start(), |w| w.range.end());
                let end = next
                    .assignments
                    .first()
                    .or(next.words.first())
                    .map_or(instr.range().end(), |w| w.range.start());
                let gap = &model.text[usize::from(start)..usize::from(end)];
                let Some(bar) = gap.find('|') else { continue };
                let at = start + TextSize::from(bar as u32);
                let producer = prev.program().unwrap_or_default();
                let mut d = Diagnostic::new(
                    &META,
                    TextRange::at(at, TextSize::from(1)),
                    format!(
                        "pipe without `pipefail`: the RUN succeeds even when `{producer}` fails"
                    ),
                );
                if !fix_offered {
                    fix_offered = true;
                    let shell = if ash { "/bin/ash" } else { "/bin/bash" };
                    d = d.with_fix(Fix {
                        message: format!("Insert `SHELL [\"{shell}\", \"-o\", \"pipefail\", \"-c\"]` before this RUN"),
                        applicability: Applicability::Unsafe,
                        edits: vec![Edit::insert(
                            instr.range().start(),
                            format!("SHELL [\"{shell}\", \"-o\", \"pipefail\", \"-c\"]\n"),
                        )],
                    });
                }
                out.push(d);
            }
        }
    }
}

/// The shell in effect at the end of stage `s`: its last SHELL, else the one its base stage ends
/// with.
fn end_state(model: &Model, s: usize) -> ShellState {
    let stage = &model.stages[s];
    let last_shell = model.instructions[stage.from + 1..stage.end]
        .iter()
        .rev()
        .find(|i| i.kind() == SyntaxKind::SHELL_INSTR);
    match (last_shell, stage.base_stage) {
        (Some(instr), _) => shell_state(instr),
        // A base stage is always an earlier one.
        (None, Some(b)) if b < s => end_state(model, b),
        (None, _) => ShellState::default(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("pipe-without-pipefail");
    }
}
