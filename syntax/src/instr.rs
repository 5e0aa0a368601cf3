//! Parsing one logical instruction line the way BuildKit's parser does (`newNodeFromLine` and the
//! per-instruction dispatch table), keeping the range of every piece.
//!
//! Ranges are byte offsets into the logical line (continuations already joined). The tree builder
//! maps them back to the file; `buildkit.rs` reads the values.

use crate::lexer::{lex_json, split_ws, JsonToken};
use crate::words::{
    extract_builder_flags, heredocs_from_line, parse_json, parse_words, trim_range, HeredocMarker,
    Json, Piece,
};
use crate::SyntaxKind::{self, *};
use std::ops::Range;

#[derive(Clone, Debug)]
pub(crate) struct Instr {
    pub kind: SyntaxKind,
    pub keyword: Piece,
    pub flags: Vec<Piece>,
    pub args: Args,
    /// Errors BuildKit's parser raises for this line (the file is rejected).
    pub errors: Vec<(Range<usize>, String)>,
}

#[derive(Clone, Debug)]
pub(crate) struct KeyValue {
    pub key: Piece,
    pub eq: Option<Range<usize>>,
    pub value: Option<Piece>,
}

#[derive(Clone, Debug)]
pub(crate) enum Args {
    None,
    /// Whitespace- or shell-word-split words (FROM, EXPOSE, COPY/ADD/VOLUME shell form, unknown).
    Words(Vec<Piece>),
    /// The whole rest as one value (USER, WORKDIR, MAINTAINER, STOPSIGNAL), with its words.
    String(Piece, Vec<Range<usize>>),
    /// Shell form of RUN/CMD/ENTRYPOINT/SHELL: one value, the raw text.
    Shell(Piece),
    /// Exec form: the strings, and the JSON tokens.
    Exec(Vec<String>, Vec<(JsonToken, Range<usize>)>),
    /// ENV/LABEL pairs; `legacy` for the `KEY value` form.
    KeyValues {
        legacy: bool,
        pairs: Vec<KeyValue>,
        stray: Vec<Piece>,
    },
    /// ARG declarations.
    ArgDecls(Vec<KeyValue>),
    /// HEALTHCHECK: the type word and its command.
    Health(Piece, Box<Args>),
    /// ONBUILD's trigger instruction.
    OnBuild(Box<Instr>),
}

impl Instr {
    pub fn is_json(&self) -> bool {
        match &self.args {
            Args::Exec(..) => true,
            Args::Health(_, cmd) => matches!(**cmd, Args::Exec(..)),
            _ => false,
        }
    }

    /// Heredocs are read for RUN, COPY and ADD (also as ONBUILD triggers), never in exec form.
    pub fn can_contain_heredoc(&self) -> bool {
        let target = match &self.args {
            Args::OnBuild(sub) if self.kind == ONBUILD_INSTR => sub,
            _ => self,
        };
        matches!(target.kind, RUN_INSTR | COPY_INSTR | ADD_INSTR) && !target.is_json()
    }
}

/// Parses `line[range]` as an instruction (`range` is the whole line, or ONBUILD's rest).
pub(crate) fn parse_instr(line: &str, range: Range<usize>, escape: char) -> Instr {
    let text = &line[range.clone()];
    let trimmed = trim_range(text);
    let base = range.start + trimmed.start;
    let t = &text[trimmed.clone()];
    let kw_len = t.find(['\t', '\x0b', '\x0c', '\r', ' ']).unwrap_or(t.len());
    let keyword = Piece::raw(base..base + kw_len);
    let kind = SyntaxKind::from_keyword(&t[..kw_len]);
    let after_kw = t[kw_len..].trim_start_matches(['\t', '\x0b', '\x0c', '\r', ' ']);
    let rest_start = base + (t.len() - after_kw.len());
    let (flags, args_off) = extract_builder_flags(after_kw, rest_start);
    let args_text = &after_kw[args_off..];
    let at = trim_range(args_text);
    let args_range = rest_start + args_off + at.start..rest_start + args_off + at.end;
    let mut instr = Instr {
        kind,
        keyword,
        flags,
        args: Args::None,
        errors: Vec::new(),
    };
    instr.args = parse_args(line, args_range, kind, escape, &mut instr.errors);
    instr
}

fn words_of(line: &str, range: Range<usize>) -> Vec<Piece> {
    split_ws(&line[range.clone()], range.start)
        .into_iter()
        .map(Piece::raw)
        .collect()
}

fn maybe_json(
    line: &str,
    range: Range<usize>,
    errors: &mut Vec<(Range<usize>, String)>,
    fallback: impl FnOnce() -> Args,
) -> Args {
    match parse_json(&line[range.clone()]) {
        Json::Strings(items) => Args::Exec(items, lex_json(&line[range.clone()], range.start)),
        Json::NotStrings => {
            errors.push((
                range.clone(),
                "when using JSON array syntax, arrays must be comprised of strings only".into(),
            ));
            Args::Exec(Vec::new(), lex_json(&line[range.clone()], range.start))
        }
        Json::Invalid => fallback(),
    }
}

fn parse_args(
    line: &str,
    range: Range<usize>,
    kind: SyntaxKind,
    escape: char,
    errors: &mut Vec<(Range<usize>, String)>,
) -> Args {
    let empty = range.is_empty();
    match kind {
        FROM_INSTR | EXPOSE_INSTR | UNKNOWN_INSTR => {
            if empty {
                Args::None
            } else {
                Args::Words(words_of(line, range))
            }
        }
        ADD_INSTR | COPY_INSTR | VOLUME_INSTR => maybe_json(line, range.clone(), errors, || {
            if empty {
                Args::None
            } else {
                Args::Words(words_of(line, range.clone()))
            }
        }),
        RUN_INSTR | CMD_INSTR | ENTRYPOINT_INSTR | SHELL_INSTR => {
            if empty {
                return Args::None;
            }
            maybe_json(line, range.clone(), errors, || {
                Args::Shell(Piece::raw(range.clone()))
            })
        }
        USER_INSTR | WORKDIR_INSTR | MAINTAINER_INSTR | STOPSIGNAL_INSTR => {
            if empty {
                Args::None
            } else {
                Args::String(
                    Piece::raw(range.clone()),
                    split_ws(&line[range.clone()], range.start),
                )
            }
        }
        ENV_INSTR | LABEL_INSTR => parse_name_val(line, range, kind, escape, errors),
        ARG_INSTR => Args::ArgDecls(
            parse_words(&line[range.clone()], range.start, escape)
                .into_iter()
                .map(|w| split_kv(line, w))
                .collect(),
        ),
        HEALTHCHECK_INSTR => {
            let text = &line[range.clone()];
            let sep = text.find(char::is_whitespace).unwrap_or(text.len());
            if sep == 0 {
                return Args::None;
            }
            let typ = Piece::raw(range.start..range.start + sep);
            let rest = &text[sep..];
            let next = range.start + sep + (rest.len() - rest.trim_start().len());
            let cmd_range = next..range.end;
            let cmd = if cmd_range.is_empty() {
                Args::None
            } else {
                maybe_json(line, cmd_range.clone(), errors, || {
                    Args::Shell(Piece::raw(cmd_range.clone()))
                })
            };
            Args::Health(typ, Box::new(cmd))
        }
        ONBUILD_INSTR => {
            if empty {
                Args::None
            } else {
                let sub = parse_instr(line, range, escape);
                errors.extend(sub.errors.iter().cloned());
                Args::OnBuild(Box::new(sub))
            }
        }
        _ => Args::None,
    }
}

/// Splits `name=value` at the first `=`.
fn split_kv(line: &str, word: Piece) -> KeyValue {
    let text = word.text(line);
    match text.find('=') {
        Some(i) => {
            // The raw text and the value agree up to a trailing escape, so `i` is valid in both.
            let eq = word.range.start + i;
            let key = Piece::raw(word.range.start..eq);
            let value = Piece {
                range: eq + 1..word.range.end,
                value: word.value.as_ref().map(|v| v[i + 1..].to_string()),
            };
            KeyValue {
                key,
                eq: Some(eq..eq + 1),
                value: Some(value),
            }
        }
        None => KeyValue {
            key: word,
            eq: None,
            value: None,
        },
    }
}

/// `parseNameVal` for ENV and LABEL.
fn parse_name_val(
    line: &str,
    range: Range<usize>,
    kind: SyntaxKind,
    escape: char,
    errors: &mut Vec<(Range<usize>, String)>,
) -> Args {
    let rest = &line[range.clone()];
    let words = parse_words(rest, range.start, escape);
    let key_name = if kind == ENV_INSTR { "ENV" } else { "LABEL" };
    let Some(first) = words.first() else {
        return Args::None;
    };
    if !first.text(line).contains('=') {
        let split = split_ws(rest, range.start);
        if split.len() < 2 {
            errors.push((
                first.range.clone(),
                format!("{key_name} must have two arguments"),
            ));
            return Args::KeyValues {
                legacy: true,
                pairs: vec![KeyValue {
                    key: first.clone(),
                    eq: None,
                    value: None,
                }],
                stray: Vec::new(),
            };
        }
        let key = Piece::raw(split[0].clone());
        let value = Piece::raw(split[1].start..range.end);
        return Args::KeyValues {
            legacy: true,
            pairs: vec![KeyValue {
                key,
                eq: None,
                value: Some(value),
            }],
            stray: Vec::new(),
        };
    }
    let mut pairs = Vec::new();
    let mut stray = Vec::new();
    for word in words {
        if word.text(line).contains('=') {
            pairs.push(split_kv(line, word));
        } else {
            errors.push((
                word.range.clone(),
                format!(
                    "Syntax error - can't find = in {:?}. Must be of the form: name=value",
                    word.text(line)
                ),
            ));
            stray.push(word);
        }
    }
    Args::KeyValues {
        legacy: false,
        pairs,
        stray,
    }
}

/// Heredoc markers of a whole instruction line, when the instruction can have heredocs.
pub(crate) fn heredoc_markers(line: &str, instr: &Instr) -> Vec<HeredocMarker> {
    if instr.can_contain_heredoc() {
        heredocs_from_line(line)
    } else {
        Vec::new()
    }
}
