//! Reading what RUN instructions run, for the rules about package managers and other tools (not
//! a rule itself): the RUNs of a file with their commands, a tool's subcommand and operands
//! (knowing which options take a value: `apt-get -t bookworm install x`), apt's options, and the
//! three checks several package managers share (a missing "yes" switch, a cache left in the
//! layer, a package without a version). The commands themselves come from [`crate::shell`].

use crate::prelude::*;
use crate::shell::{Command, ShellWord};

// -- RUN instructions and their commands --

/// A RUN instruction, top level or an `ONBUILD RUN` trigger, with the commands it runs.
pub(crate) struct Run<'m> {
    /// Index of the (top-level) instruction in [`Model::instructions`].
    pub index: usize,
    pub instr: Instruction,
    pub commands: &'m [Command],
}

impl Run<'_> {
    /// `--mount=type=cache` targets of this RUN.
    pub fn cache_targets(&self) -> Vec<String> {
        self.instr
            .flags()
            .filter(|f| f.name() == "mount")
            .filter_map(|f| f.unquoted_value())
            .filter_map(|v| {
                let mut is_cache = false;
                let mut target = None;
                for part in v.split(',') {
                    let (k, val) = part.split_once('=').unwrap_or((part, ""));
                    match k.trim() {
                        "type" => is_cache = val.trim() == "cache",
                        "target" | "dst" | "destination" => target = Some(val.trim().to_string()),
                        _ => {}
                    }
                }
                target.filter(|_| is_cache)
            })
            .collect()
    }

    /// True if a cache mount's target contains one of `dirs` (`/var/cache/yum`, ...).
    pub fn has_cache_mount(&self, dirs: &[&str]) -> bool {
        self.cache_targets()
            .iter()
            .any(|t| dirs.iter().any(|d| t.trim_end_matches('/').contains(d)))
    }
}

/// Every RUN of the run's span (see [`RuleContext::span`]), ONBUILD RUN triggers included, in
/// file order.
pub(crate) fn runs<'m>(cx: &RuleContext<'m>) -> Vec<Run<'m>> {
    runs_in(cx.model, cx.span.clone())
}

/// The RUNs among `model.instructions[range]`, as [`runs`] gives them.
pub(crate) fn runs_in<'m>(model: &'m Model, range: std::ops::Range<usize>) -> Vec<Run<'m>> {
    let mut out = Vec::new();
    let start = range.start;
    for (k, instr) in model.instructions[range].iter().enumerate() {
        let index = start + k;
        let Some(instr) = run_instr(instr) else {
            continue;
        };
        let commands = model.commands(index);
        out.push(Run {
            index,
            instr,
            commands,
        });
    }
    out
}

/// The RUN an instruction is: itself, or the trigger of an `ONBUILD RUN`.
pub(crate) fn run_instr(instr: &Instruction) -> Option<Instruction> {
    match instr.kind() {
        SyntaxKind::RUN_INSTR => Some(instr.clone()),
        SyntaxKind::ONBUILD_INSTR => instr
            .trigger()
            .filter(|t| t.kind() == SyntaxKind::RUN_INSTR),
        _ => None,
    }
}

/// True if `cmd` runs one of `programs` (by name without a path).
pub(crate) fn is_program(cmd: &Command, programs: &[&str]) -> bool {
    cmd.program().is_some_and(|p| programs.contains(&p))
}

/// The first positional argument of `cmd` that is one of `verbs` (the subcommand).
pub(crate) fn verb<'c>(cmd: &'c Command, verbs: &[&str]) -> Option<&'c ShellWord> {
    cmd.positional().find(|w| verbs.contains(&w.text.as_str()))
}

/// The range from the program word to `last` (e.g. `yum install`).
pub(crate) fn span(cmd: &Command, last: &ShellWord) -> TextRange {
    cmd.words
        .first()
        .map_or(last.range, |w| w.range.cover(last.range))
}

/// The positional arguments (words not starting with `-`) after the subcommand `verb` (the
/// packages of an install). Unlike [`operands`], it does not know which options take a value.
pub(crate) fn positional_after<'c>(
    cmd: &'c Command,
    verb: &'c ShellWord,
) -> impl Iterator<Item = &'c ShellWord> {
    cmd.positional()
        .filter(move |w| w.range.start() > verb.range.start())
}

/// True when the word's value is only known at build time (`$VAR`, `$(cmd)`, backticks).
pub(crate) fn is_dynamic(w: &ShellWord) -> bool {
    w.raw.contains('$') || w.raw.contains('`')
}

/// An option that takes the next word as its value (`-o X`), unless written `-o=X`/`--opt=X`.
fn takes_value(text: &str, value_opts: &[&str]) -> bool {
    !text.contains('=') && value_opts.contains(&text)
}

/// Index in `cmd.words` of the subcommand (`install` in `apt-get -q install x`): the first word
/// after the program that is neither an option nor the value of an option in `value_opts`.
pub(crate) fn subcommand(cmd: &Command, value_opts: &[&str]) -> Option<usize> {
    let mut i = 1;
    while i < cmd.words.len() {
        let t = cmd.words[i].text.as_str();
        if t == "--" {
            return (i + 1 < cmd.words.len()).then_some(i + 1);
        }
        if t.starts_with('-') && t.len() > 1 {
            if takes_value(t, value_opts) {
                i += 1;
            }
            i += 1;
            continue;
        }
        return Some(i);
    }
    None
}

/// The subcommand's name, if `cmd` runs `program` (any path) with a subcommand.
pub(crate) fn program_sub<'c>(
    cmd: &'c Command,
    programs: &[&str],
    value_opts: &[&str],
) -> Option<(usize, &'c str)> {
    let p = cmd.program()?;
    if !programs.contains(&p) {
        return None;
    }
    let i = subcommand(cmd, value_opts)?;
    Some((i, cmd.words[i].text.as_str()))
}

/// Operands after `cmd.words[from]`: words that are not options and not values of options in
/// `value_opts`; everything after `--` is an operand.
pub(crate) fn operands<'c>(
    cmd: &'c Command,
    from: usize,
    value_opts: &[&str],
) -> Vec<&'c ShellWord> {
    let mut out = Vec::new();
    let mut i = from + 1;
    let mut only_operands = false;
    while i < cmd.words.len() {
        let w = &cmd.words[i];
        let t = w.text.as_str();
        if only_operands {
            out.push(w);
        } else if t == "--" {
            only_operands = true;
        } else if t.starts_with('-') && t.len() > 1 {
            if takes_value(t, value_opts) {
                i += 1;
            }
        } else {
            out.push(w);
        }
        i += 1;
    }
    out
}

/// The value of the option `names` (`-o X`, `--opt X`, `--opt=X`) wherever it appears.
pub(crate) fn option_values<'c>(cmd: &'c Command, names: &[&str]) -> Vec<&'c str> {
    let mut out = Vec::new();
    let args = cmd.args();
    for (i, w) in args.iter().enumerate() {
        let t = w.text.as_str();
        if names.contains(&t) {
            if let Some(v) = args.get(i + 1) {
                out.push(v.text.as_str());
            }
        } else if let Some((k, v)) = t.split_once('=') {
            if names.contains(&k) {
                out.push(v);
            }
        }
    }
    out
}

/// A fix that adds the option `opt` right after `at` (the end of the program or subcommand word):
/// "Add `opt`".
pub(crate) fn add_option(at: TextSize, opt: &str, applicability: Applicability) -> Fix {
    Fix {
        message: format!("Add `{opt}`"),
        applicability,
        edits: vec![Edit::insert(at, format!(" {opt}"))],
    }
}

// -- apt --

/// Options of `apt-get`/`apt` that take a value.
pub(crate) const APT_VALUE_OPTS: &[&str] = &[
    "-o",
    "--option",
    "-c",
    "--config-file",
    "-t",
    "--target-release",
    "--default-release",
    "-a",
    "--host-architecture",
];

/// `apt-get <sub>` commands of `cmd` (any path, any options before the subcommand): the index
/// of the subcommand word and its text.
pub(crate) fn apt_get_sub(cmd: &Command) -> Option<(usize, &str)> {
    program_sub(cmd, &["apt-get"], APT_VALUE_OPTS)
}

/// True if an `-o Name=value` option of `cmd` sets `name` (case-insensitive) to one of `values`.
pub(crate) fn apt_option_is(cmd: &Command, name: &str, values: &[&str]) -> bool {
    option_values(cmd, &["-o", "--option"]).iter().any(|o| {
        o.split_once('=').is_some_and(|(k, v)| {
            k.eq_ignore_ascii_case(name)
                && values
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(v.trim_matches(['"', '\''])))
        })
    })
}

// -- apk --

/// Options of `apk` that take a value.
pub(crate) const APK_VALUE_OPTS: &[&str] = &[
    "-X",
    "--repository",
    "-t",
    "--virtual",
    "-p",
    "--root",
    "--arch",
    "--keys-dir",
    "--repositories-file",
    "--cache-dir",
    "--cache-max-age",
    "--timeout",
];

// -- rpm (yum, dnf) --

/// `name-version[-release]` as rpm writes it: after the name, dash-separated parts made of
/// version characters, one of them starting with a digit (`httpd-2.4.6`, `python3-pip-20.2*`,
/// but not `httpd-tools`). An `.rpm` file, a module stream (`nodejs:18`), an epoch and a group
/// (`@core`) count as pinned.
pub(crate) fn rpm_pinned(package: &str) -> bool {
    if package.ends_with(".rpm") || package.contains(':') || package.starts_with('@') {
        return true;
    }
    let mut parts = package.split('-').skip(1).peekable();
    parts.peek().is_some()
        && package.split('-').skip(1).all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".~^_+*".contains(c))
        })
        && package
            .split('-')
            .skip(1)
            .any(|p| p.starts_with(|c: char| c.is_ascii_digit()))
}

// -- checks shared by several package managers --

/// A package manager's install subcommand without its "yes" switch: one diagnostic at the
/// subcommand, with a safe fix that adds `yes` after it.
pub(crate) fn check_missing_yes(
    meta: &'static RuleMeta,
    cx: &RuleContext<'_>,
    programs: &[&str],
    verbs: &[&str],
    yes_flags: &[&str],
    yes: &str,
    out: &mut Vec<Diagnostic>,
) {
    for run in runs(cx) {
        for cmd in run.commands {
            if !is_program(cmd, programs) || cmd.has_flag(yes_flags) {
                continue;
            }
            let Some(v) = verb(cmd, verbs) else { continue };
            let program = cmd.program().unwrap_or_default();
            out.push(
                Diagnostic::new(
                    meta,
                    span(cmd, v),
                    format!(
                        "`{program} {}` without `{yes}` waits for an answer that never comes",
                        v.text
                    ),
                )
                .with_fix(add_option(v.range.end(), yes, Applicability::Safe)),
            );
        }
    }
}

/// What a "clean the cache" check looks for.
pub(crate) struct CacheClean<'a> {
    pub programs: &'a [&'a str],
    /// Subcommands that fill the cache.
    pub install_verbs: &'a [&'a str],
    /// Subcommands of one of `programs` that clean the cache (`clean`, `cache`)...
    pub clean_verbs: &'a [&'a str],
    /// ...when followed somewhere by this word (`all` in `dnf clean all`, `clean` in
    /// `yarn cache clean`); `None`: the subcommand alone cleans.
    pub clean_word: Option<&'a str>,
    /// Cache folders: a cache mount on one of them, or `rm` of one of them, keeps the layer clean.
    pub cache_dirs: &'a [&'a str],
    /// The arguments of the clean command the fix appends after the install's program
    /// (`clean all` makes `microdnf clean all` after a `microdnf install`).
    pub clean_args: &'a str,
}

impl CacheClean<'_> {
    /// True for a command that cleans the cache: one of `programs` with one of `clean_verbs`
    /// and, if given, `clean_word` among its positional words.
    fn is_clean(&self, cmd: &Command) -> bool {
        is_program(cmd, self.programs)
            && verb(cmd, self.clean_verbs).is_some()
            && self
                .clean_word
                .is_none_or(|w| cmd.positional().any(|p| p.text == w))
    }
}

/// True for `rm` of a path containing one of `dirs`.
pub(crate) fn removes_dir(cmd: &Command, dirs: &[&str]) -> bool {
    is_program(cmd, &["rm"])
        && cmd
            .positional()
            .any(|w| dirs.iter().any(|d| w.text.contains(d)))
}

/// One diagnostic per operand of `cmd` after its subcommand `cmd.words[sub]` (options in
/// `value_opts` take a value) that has no version by `pinned`; words whose value is only known at
/// build time are left alone. The message tells to write `<name><suffix>` (`=<version>`).
pub(crate) fn report_unpinned_operands(
    meta: &'static RuleMeta,
    cmd: &Command,
    sub: usize,
    value_opts: &[&str],
    pinned: &dyn Fn(&str) -> bool,
    suffix: &str,
    out: &mut Vec<Diagnostic>,
) {
    for pkg in operands(cmd, sub, value_opts) {
        if is_dynamic(pkg) || pinned(&pkg.text) {
            continue;
        }
        let t = &pkg.text;
        out.push(Diagnostic::new(
            meta,
            pkg.range,
            format!("`{t}` has no version: write `{t}{suffix}`"),
        ));
    }
}

/// An install whose RUN does not clean the cache after it: one diagnostic at the last install,
/// with a safe fix that appends the clean command right after it (when it is joined to what
/// follows by `&&`, `;` or a new line, not by a pipe or `||`).
pub(crate) fn check_cache_clean(
    meta: &'static RuleMeta,
    cx: &RuleContext<'_>,
    spec: &CacheClean,
    out: &mut Vec<Diagnostic>,
) {
    for run in runs(cx) {
        if run.has_cache_mount(spec.cache_dirs) {
            continue;
        }
        let cmds = &run.commands;
        let last_install = cmds
            .iter()
            .rposition(|c| is_program(c, spec.programs) && verb(c, spec.install_verbs).is_some());
        let Some(i) = last_install else { continue };
        let cleaned = cmds[i + 1..]
            .iter()
            .any(|c| spec.is_clean(c) || removes_dir(c, spec.cache_dirs));
        if cleaned {
            continue;
        }
        let cmd = &cmds[i];
        let v = verb(cmd, spec.install_verbs).expect("found above");
        let program = cmd.program().unwrap_or_default();
        let clean = format!("{program} {}", spec.clean_args);
        let mut d = Diagnostic::new(
            meta,
            span(cmd, v),
            format!(
                "`{program} {}` leaves its cache in the layer: add `{clean}` in the same RUN",
                v.text,
            ),
        );
        let next_sep = cmds.get(i + 1).and_then(|c| c.separator.as_deref());
        let joins_cleanly = !matches!(cmd.separator.as_deref(), Some("|") | Some("&"))
            && matches!(next_sep, None | Some("&&") | Some(";") | Some("\n"));
        if let (true, Some(last)) = (joins_cleanly, cmd.words.last()) {
            d = d.with_fix(Fix {
                message: format!("Append `&& {clean}`"),
                applicability: Applicability::Safe,
                edits: vec![Edit::insert(last.range.end(), format!(" && {clean}"))],
            });
        }
        out.push(d);
    }
}

/// Every package of an install subcommand that `pinned` says has no version; variables are
/// left alone (their value may carry the version). One diagnostic per package word.
pub(crate) fn check_unpinned(
    meta: &'static RuleMeta,
    cx: &RuleContext<'_>,
    programs: &[&str],
    install_verbs: &[&str],
    pinned: &dyn Fn(&str) -> bool,
    hint: &str,
    out: &mut Vec<Diagnostic>,
) {
    for run in runs(cx) {
        for cmd in run.commands {
            if !is_program(cmd, programs) {
                continue;
            }
            let Some(v) = verb(cmd, install_verbs) else {
                continue;
            };
            for pkg in positional_after(cmd, v) {
                if pkg.raw.contains('$') || pkg.text.contains('/') || pinned(&pkg.text) {
                    continue;
                }
                out.push(Diagnostic::new(
                    meta,
                    pkg.range,
                    format!("`{}` has no version: {hint}", pkg.text),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_subcommands_and_operands() {
        let cmds = crate::shell::split("apt-get -o A=1 -t stable install -y a -- -b", &|r| {
            dflint_syntax::TextRange::new((r.start as u32).into(), (r.end as u32).into())
        });
        let opts = ["-o", "-t"];
        let (i, sub) = program_sub(&cmds[0], &["apt-get"], &opts).unwrap();
        assert_eq!(sub, "install");
        let ops: Vec<_> = operands(&cmds[0], i, &opts)
            .into_iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(ops, ["a", "-b"]);
        assert_eq!(option_values(&cmds[0], &["-t"]), ["stable"]);
    }

    #[test]
    fn reads_rpm_versions() {
        assert!(rpm_pinned("httpd-2.4.6"));
        assert!(rpm_pinned("python3-pip-20.2-1.el8"));
        assert!(rpm_pinned("nodejs:18"));
        assert!(!rpm_pinned("httpd"));
        assert!(!rpm_pinned("httpd-tools"));
    }
}
