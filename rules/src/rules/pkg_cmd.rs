//! Helpers shared by the hadolint-family rules DF040-DF079 (not a rule itself): subcommands and
//! operands of package managers that know which options take a value (`apt-get -t bookworm
//! install x`, `apk add --virtual .deps x`), and image references. The RUNs themselves come from
//! `run_commands`.

use crate::shell::{Command, ShellWord};
use dflint_syntax::SyntaxKind;

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

/// An image reference split into its parts (`registry/path:tag@digest`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// The registry host when the first component names one (has `.` or `:`, or is
    /// `localhost`); `None` means Docker Hub.
    pub registry: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

pub(crate) fn parse_image(image: &str) -> ImageRef<'_> {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let registry = name
        .split_once('/')
        .map(|(first, _)| first)
        .filter(|first| first.contains('.') || first.contains(':') || *first == "localhost");
    let last = name.rsplit('/').next().unwrap_or(name);
    let tag = last.split_once(':').map(|(_, t)| t);
    ImageRef {
        registry,
        tag,
        digest,
    }
}

/// The image a stage's FROM pulls, with global ARG defaults substituted; `None` when it builds on
/// an earlier stage, is `scratch`, or depends on an ARG whose value the file does not give.
pub(crate) fn known_image(
    model: &crate::model::Model,
    stage: &crate::model::StageInfo,
) -> Option<String> {
    use dflint_syntax::vars::{references, Modifier};
    if stage.base_stage.is_some() {
        return None;
    }
    let word = stage.image.as_ref()?;
    let global = |name: &str| {
        model
            .global_args
            .iter()
            .rev()
            .find(|d| d.name == name)
            .and_then(|d| d.value.as_deref())
            .map(crate::model::unquote)
            .filter(|v| !v.is_empty())
            .or_else(|| {
                crate::model::AUTOMATIC_ARGS
                    .contains(&name)
                    .then(|| "x".to_string())
            })
    };
    for r in references(&word.text, model.escape) {
        let known = match &r.modifier {
            Modifier::Op { op, word } if op == ":-" || op == "-" => {
                global(&r.name).is_some() || !word.is_empty()
            }
            Modifier::Op { op, .. } if op == ":+" || op == "+" => true,
            _ => global(&r.name).is_some(),
        };
        if !known {
            return None;
        }
    }
    let img = stage.image_resolved.clone()?;
    (!img.is_empty() && !img.eq_ignore_ascii_case("scratch")).then_some(img)
}

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

/// Stages whose files reach an image: the last stage, stages nothing refers to (possible
/// `--target`s), and the stages they are built on. A stage used only by `COPY --from` or
/// `RUN --mount=from=` is a builder: its layers stay behind.
pub(crate) fn shipping_stages(model: &crate::model::Model) -> Vec<bool> {
    let n = model.stages.len();
    let mut copied = vec![false; n];
    let mut has_child = vec![false; n];
    for stage in &model.stages {
        if let Some(b) = stage.base_stage {
            has_child[b] = true;
        }
    }
    for instr in &model.instructions {
        let refs: Vec<String> = match instr.kind() {
            SyntaxKind::COPY_INSTR => instr
                .flag("from")
                .and_then(|f| f.unquoted_value())
                .into_iter()
                .collect(),
            SyntaxKind::RUN_INSTR => instr
                .flags()
                .filter(|f| f.name() == "mount")
                .filter_map(|f| f.unquoted_value())
                .flat_map(|v| {
                    v.split(',')
                        .filter_map(|p| p.split_once('=').filter(|(k, _)| k.trim() == "from"))
                        .map(|(_, s)| s.trim().to_string())
                        .collect::<Vec<_>>()
                })
                .collect(),
            _ => continue,
        };
        for r in refs {
            if let Some(s) = model.stage_by_ref(&r) {
                copied[s] = true;
            }
        }
    }
    let mut ships = vec![false; n];
    for s in (0..n).rev() {
        let leaf = !copied[s] && !has_child[s];
        let child_ships = model.stages[s + 1..]
            .iter()
            .any(|c| c.base_stage == Some(s) && ships[c.index]);
        ships[s] = s + 1 == n || leaf || child_ships;
    }
    ships
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_image_references() {
        let r = parse_image("localhost:5000/team/app:1.2@sha256:abc");
        assert_eq!(r.registry, Some("localhost:5000"));
        assert_eq!(r.tag, Some("1.2"));
        assert_eq!(r.digest, Some("sha256:abc"));
        let r = parse_image("library/alpine");
        assert_eq!((r.registry, r.tag, r.digest), (None, None, None));
        assert_eq!(parse_image("gcr.io/x/y").registry, Some("gcr.io"));
    }

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
}
