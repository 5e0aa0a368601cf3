//! The checks of BuildKit's instructions layer (`instructions/parse.go`, `bflag.go`) that make a
//! build fail although the parser accepted the file: unknown instructions, wrong arity, unknown
//! or malformed flags, bad HEALTHCHECK and ONBUILD forms, SHELL not in JSON form.

use crate::ast::{Dockerfile, Instruction};
use crate::{SyntaxError, SyntaxKind, SyntaxKind::*, TextRange};

/// How a flag takes its value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagType {
    Bool,
    String,
    List,
}

/// Flags BuildKit HEAD accepts per instruction.
fn allowed_flags(kind: SyntaxKind) -> Option<&'static [(&'static str, FlagType)]> {
    use FlagType::*;
    Some(match kind {
        FROM_INSTR => &[("platform", String)],
        RUN_INSTR => &[
            ("mount", List),
            ("network", String),
            ("security", String),
            ("device", List),
        ],
        COPY_INSTR => &[
            ("from", String),
            ("chown", String),
            ("chmod", String),
            ("link", Bool),
            ("parents", Bool),
            ("exclude", List),
        ],
        ADD_INSTR => &[
            ("chown", String),
            ("chmod", String),
            ("link", Bool),
            ("keep-git-dir", Bool),
            ("checksum", String),
            ("unpack", Bool),
            ("exclude", List),
        ],
        HEALTHCHECK_INSTR => &[
            ("interval", String),
            ("timeout", String),
            ("start-period", String),
            ("start-interval", String),
            ("retries", String),
        ],
        // BuildKit never parses these instructions' flags: they are ignored.
        ARG_INSTR | STOPSIGNAL_INSTR => return None,
        _ => &[],
    })
}

/// The flags an instruction accepts, for completion and docs.
pub fn flag_names(kind: SyntaxKind) -> Vec<&'static str> {
    allowed_flags(kind)
        .map(|f| f.iter().map(|(n, _)| *n).collect())
        .unwrap_or_default()
}

/// Levenshtein distance in characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// True when `a` and `b` may be within `max` edits: their lengths differ by at most `max`.
/// A cheap filter before [`levenshtein`].
pub fn may_be_within(a: &str, b: &str, max: usize) -> bool {
    a.len().abs_diff(b.len()) <= max * 4 && a.chars().count().abs_diff(b.chars().count()) <= max
}

/// The closest known word within distance 2, for "did you mean" hints.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| may_be_within(&lower, c, 2))
        .map(|c| (levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Instruction-level errors of the whole file.
pub fn validate(tree: &Dockerfile) -> Vec<SyntaxError> {
    let mut out = Vec::new();
    for instr in tree.instructions() {
        validate_instruction(&instr, false, &mut out);
    }
    out
}

fn err(out: &mut Vec<SyntaxError>, range: TextRange, message: String) {
    out.push(SyntaxError { message, range });
}

fn validate_instruction(instr: &Instruction, is_trigger: bool, out: &mut Vec<SyntaxError>) {
    let kind = instr.kind();
    let Some(kw) = instr.keyword() else { return };
    let kw_range = kw.text_range();
    let name = kind.keyword().unwrap_or("");
    if kind == UNKNOWN_INSTR {
        let mut msg = format!("unknown instruction: {}", kw.text());
        if let Some(s) = suggest(kw.text(), SyntaxKind::ALL_KEYWORDS) {
            msg.push_str(&format!(" (did you mean {}?)", s.to_lowercase()));
        }
        err(out, kw_range, msg);
        return;
    }
    if is_trigger && matches!(kind, ONBUILD_INSTR | FROM_INSTR | MAINTAINER_INSTR) {
        err(
            out,
            kw_range,
            format!("{name} isn't allowed as an ONBUILD trigger"),
        );
    }

    // Flags.
    let is_health_none = kind == HEALTHCHECK_INSTR
        && instr
            .args()
            .first()
            .is_some_and(|w| w.text.eq_ignore_ascii_case("none"));
    if let Some(allowed) = allowed_flags(kind).filter(|_| !is_health_none) {
        let mut seen: Vec<String> = Vec::new();
        for flag in instr.flags() {
            let fname = flag.name();
            let range = flag.name_range();
            match allowed.iter().find(|(n, _)| *n == fname) {
                None => {
                    let mut msg = format!("unknown flag: --{fname}");
                    if let Some(s) = suggest(&fname, allowed.iter().map(|(n, _)| *n)) {
                        msg.push_str(&format!(" (did you mean --{s}?)"));
                    }
                    err(out, range, msg);
                }
                Some((_, ty)) => {
                    let value = flag.unquoted_value();
                    match (ty, value.as_deref()) {
                        (FlagType::Bool, Some(v))
                            if !v.eq_ignore_ascii_case("true")
                                && !v.eq_ignore_ascii_case("false") =>
                        {
                            if v.is_empty() {
                                err(
                                    out,
                                    flag.range(),
                                    format!("missing a value on flag: --{fname}"),
                                );
                            } else {
                                err(
                                    out,
                                    flag.range(),
                                    format!("expecting boolean value for flag {fname}, not: {v}"),
                                );
                            }
                        }
                        (FlagType::String | FlagType::List, None) => err(
                            out,
                            flag.range(),
                            format!("missing a value on flag: --{fname}"),
                        ),
                        _ => {}
                    }
                    if *ty != FlagType::List && seen.contains(&fname) {
                        err(out, range, format!("duplicate flag specified: --{fname}"));
                    }
                    seen.push(fname);
                }
            }
        }
    }

    // Arity. A shell form always has a command, so its words are only split where they count:
    // for the instructions whose number of words or their text matters; the others only need
    // to have one (reading the words was most of what validating a file cost).
    let exec = instr.exec_form();
    let has_shell = instr.shell_form().is_some();
    let shell_is_one = has_shell && kind != HEALTHCHECK_INSTR;
    let counted = matches!(
        kind,
        FROM_INSTR | COPY_INSTR | ADD_INSTR | HEALTHCHECK_INSTR
    );
    let args = if counted && !shell_is_one {
        instr.args()
    } else {
        Vec::new()
    };
    let n = || {
        if let Some(e) = &exec {
            e.syntax()
                .children_with_tokens()
                .filter(|t| t.kind() == JSON_STRING)
                .count()
        } else if shell_is_one {
            1
        } else if counted {
            args.len()
        } else {
            instr.args().len()
        }
    };
    let has_args = instr.key_values().next().is_some()
        || instr.arg_decls().next().is_some()
        || instr.trigger().is_some()
        || n() > 0;
    let n = if counted { n() } else { usize::from(has_args) };
    let at_least_one = || format!("{name} requires at least one argument");
    match kind {
        FROM_INSTR if n != 1 && n != 3 => err(
            out,
            kw_range,
            "FROM requires either one or three arguments".into(),
        ),
        FROM_INSTR if n == 3 && !args[1].text.eq_ignore_ascii_case("as") => err(
            out,
            args[1].range,
            format!(
                "FROM expects the second argument to be AS, got {:?}",
                args[1].text
            ),
        ),
        COPY_INSTR | ADD_INSTR if n < 2 => err(
            out,
            kw_range,
            format!("{name} requires at least two arguments, but only {n} provided"),
        ),
        WORKDIR_INSTR | USER_INSTR | MAINTAINER_INSTR | STOPSIGNAL_INSTR if !has_args => err(
            out,
            kw_range,
            format!("{name} requires exactly one argument"),
        ),
        EXPOSE_INSTR | VOLUME_INSTR | ONBUILD_INSTR | ENV_INSTR | LABEL_INSTR | ARG_INSTR
        | RUN_INSTR | SHELL_INSTR
            if !has_args =>
        {
            err(out, kw_range, at_least_one())
        }
        SHELL_INSTR if exec.is_none() => err(
            out,
            kw_range,
            "SHELL requires the arguments to be in JSON form".into(),
        ),
        HEALTHCHECK_INSTR => match args.first() {
            None => err(out, kw_range, at_least_one()),
            Some(t) if t.text.eq_ignore_ascii_case("none") => {
                if n > 1 || exec.is_some() {
                    err(out, t.range, "HEALTHCHECK NONE takes no arguments".into());
                }
            }
            Some(t) if t.text.eq_ignore_ascii_case("cmd") => {
                if exec
                    .as_ref()
                    .map_or(args.len() < 2, |e| e.items().is_empty())
                {
                    err(out, t.range, "Missing command after HEALTHCHECK CMD".into());
                }
            }
            Some(t) => err(
                out,
                t.range,
                format!("Unknown type {:?} in HEALTHCHECK (try CMD)", t.text),
            ),
        },
        _ => {}
    }
    for decl in instr.arg_decls() {
        if decl.name().is_none_or(|n| n.text.is_empty()) {
            err(out, decl.range(), "ARG requires a name".into());
        }
    }
    if let Some(trigger) = instr.trigger() {
        validate_instruction(&trigger, true, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        validate(&crate::parse(text).tree())
            .into_iter()
            .map(|e| e.message)
            .collect()
    }

    #[test]
    fn reports_what_the_builder_rejects() {
        assert_eq!(
            messages("FORM a\n"),
            ["unknown instruction: FORM (did you mean from?)"]
        );
        assert_eq!(
            messages("FROM a b\n"),
            ["FROM requires either one or three arguments"]
        );
        assert_eq!(
            messages("COPY a\n"),
            ["COPY requires at least two arguments, but only 1 provided"]
        );
        assert_eq!(
            messages("COPY --form=a b c\n"),
            ["unknown flag: --form (did you mean --from?)"]
        );
        assert_eq!(
            messages("COPY --from a b\n"),
            ["missing a value on flag: --from"]
        );
        assert_eq!(
            messages("COPY --link=maybe a b\n"),
            ["expecting boolean value for flag link, not: maybe"]
        );
        assert_eq!(
            messages("HEALTHCHECK CONNECT x\n"),
            ["Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)"]
        );
        assert_eq!(
            messages("ONBUILD FROM a\n"),
            ["FROM isn't allowed as an ONBUILD trigger"]
        );
        assert_eq!(
            messages("SHELL sh -c\n"),
            ["SHELL requires the arguments to be in JSON form"]
        );
        assert!(messages("FROM a AS b\nRUN --mount=type=cache,target=/x x\nCOPY --link --from=b a b\nARG --x y\n").is_empty());
    }
}
