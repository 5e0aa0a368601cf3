//! A small shell reader for RUN scripts: enough to find the commands a RUN runs and their
//! arguments, with exact file ranges. Not a full POSIX parser: it splits on unquoted `&&`, `||`,
//! `;`, `|`, `&` and newlines, keeps `$(...)`, backticks and quotes inside words, and removes
//! quotes from word text.

use dflint_syntax::ast::Instruction;
use dflint_syntax::{SyntaxKind, TextRange, TextSize};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellWord {
    /// The word with quotes and backslash escapes removed.
    pub text: String,
    /// The word as written.
    pub raw: String,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// Leading `NAME=value` assignments are left out; see `assignments`.
    pub words: Vec<ShellWord>,
    pub assignments: Vec<ShellWord>,
    /// The operator that joined this command to the previous one (`&&`, `||`, `;`, `|`, `&`, newline).
    pub separator: Option<String>,
}

impl Command {
    pub fn name(&self) -> Option<&str> {
        self.words.first().map(|w| w.text.as_str())
    }

    /// The program name without a path (`/usr/bin/apt-get` -> `apt-get`).
    pub fn program(&self) -> Option<&str> {
        self.name().map(|n| n.rsplit('/').next().unwrap_or(n))
    }

    pub fn args(&self) -> &[ShellWord] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// True if any argument equals one of `flags` (e.g. `["-y", "--yes"]`), also inside
    /// combined short flags (`-qy`).
    pub fn has_flag(&self, flags: &[&str]) -> bool {
        self.args().iter().any(|w| {
            flags.contains(&w.text.as_str())
                || (w.text.starts_with('-')
                    && !w.text.starts_with("--")
                    && flags.iter().any(|f| {
                        f.len() == 2
                            && f.starts_with('-')
                            && !f.starts_with("--")
                            && w.text[1..].contains(&f[1..])
                    }))
        })
    }

    /// Arguments that are not options (do not start with `-`).
    pub fn positional(&self) -> impl Iterator<Item = &ShellWord> {
        self.args().iter().filter(|w| !w.text.starts_with('-'))
    }
}

/// Splits `script` into commands; ranges are offsets in `script` mapped through `map`.
pub fn split(script: &str, map: &dyn Fn(std::ops::Range<usize>) -> TextRange) -> Vec<Command> {
    let b = script.as_bytes();
    let mut cmds = Vec::new();
    let mut cur = Command {
        words: Vec::new(),
        assignments: Vec::new(),
        separator: None,
    };
    let mut i = 0;
    let mut word_start: Option<usize> = None;
    let mut text = String::new();
    let flush_word =
        |cur: &mut Command, start: &mut Option<usize>, text: &mut String, end: usize| {
            if let Some(s) = start.take() {
                let w = ShellWord {
                    text: std::mem::take(text),
                    raw: script[s..end].to_string(),
                    range: map(s..end),
                };
                let is_assignment = cur.words.is_empty()
                    && w.raw.split_once('=').is_some_and(|(k, _)| {
                        !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    });
                if is_assignment {
                    cur.assignments.push(w);
                } else {
                    cur.words.push(w);
                }
            }
        };
    while i < b.len() {
        let c = b[i];
        let op = match c {
            b'&' if b.get(i + 1) == Some(&b'&') => Some(2),
            b'|' if b.get(i + 1) == Some(&b'|') => Some(2),
            b';' | b'|' | b'&' | b'\n' => Some(1),
            _ => None,
        };
        if let Some(len) = op {
            flush_word(&mut cur, &mut word_start, &mut text, i);
            if !cur.words.is_empty() || !cur.assignments.is_empty() {
                cmds.push(std::mem::replace(
                    &mut cur,
                    Command {
                        words: Vec::new(),
                        assignments: Vec::new(),
                        separator: None,
                    },
                ));
            }
            cur.separator = Some(script[i..i + len].to_string());
            i += len;
            continue;
        }
        if c == b' ' || c == b'\t' || c == b'\r' {
            flush_word(&mut cur, &mut word_start, &mut text, i);
            i += 1;
            continue;
        }
        if c == b'#' && word_start.is_none() {
            // A comment runs to the end of the line.
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if word_start.is_none() {
            word_start = Some(i);
        }
        match c {
            b'\'' => {
                let end = script[i + 1..].find('\'').map_or(b.len(), |j| i + 1 + j);
                text.push_str(&script[i + 1..end]);
                i = (end + 1).min(b.len());
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    if b[j] == b'\\' && j + 1 < b.len() {
                        j += 1;
                    }
                    j += 1;
                }
                text.push_str(&script[i + 1..j.min(b.len())].replace("\\\"", "\""));
                i = (j + 1).min(b.len());
            }
            b'\\' => {
                if let Some(n) = script[i + 1..].chars().next() {
                    if n != '\n' {
                        text.push(n);
                    }
                    i += 1 + n.len_utf8();
                } else {
                    i += 1;
                }
            }
            b'$' if b.get(i + 1) == Some(&b'(') => {
                let mut depth = 0;
                let mut j = i + 1;
                while j < b.len() {
                    match b[j] {
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let end = (j + 1).min(b.len());
                text.push_str(&script[i..end]);
                i = end;
            }
            _ => {
                let ch = script[i..].chars().next().unwrap();
                text.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    flush_word(&mut cur, &mut word_start, &mut text, b.len());
    if !cur.words.is_empty() || !cur.assignments.is_empty() {
        cmds.push(cur);
    }
    cmds
}

/// The commands a RUN (or CMD/ENTRYPOINT) runs: its shell-form script, its exec form as one
/// command, or the bodies of its heredocs, with file ranges.
pub fn commands(instr: &Instruction) -> Vec<Command> {
    if let Some(exec) = instr.exec_form() {
        let words: Vec<ShellWord> = exec
            .items()
            .into_iter()
            .map(|(s, r)| ShellWord {
                raw: s.clone(),
                text: s,
                range: r,
            })
            .collect();
        return vec![Command {
            words,
            assignments: Vec::new(),
            separator: None,
        }];
    }
    let mut out = Vec::new();
    if let Some(sf) = instr.shell_form() {
        let lt = sf.logical_text();
        let script_has_only_heredoc = instr.heredocs().next().is_some()
            && sf
                .words()
                .iter()
                .all(|w| w.kind == SyntaxKind::HEREDOC_MARKER);
        if !script_has_only_heredoc {
            out.extend(split(&lt.text, &|r| lt.range(r)));
        }
    }
    for h in instr.heredocs() {
        if let Some(range) = h.body_range() {
            let body = h.body();
            let base = range.start();
            out.extend(split(&body, &|r| {
                TextRange::new(
                    base + TextSize::from(r.start as u32),
                    base + TextSize::from(r.end as u32),
                )
            }));
        }
    }
    out
}

/// False when no word of the commands an instruction runs (see [`commands`]), nor the name or
/// value of one of its flags, can have `word` in its text (`word`: letters, digits, `-`, `_`,
/// `.`, `/`): a test on the instruction's text as written (`raw`), much cheaper than splitting
/// it into commands or flags, for rules that go through every instruction of the file. A word's text is what is written minus quotes, backslashes and line
/// continuations (an escape character and a newline); so `word` must appear in `raw` once those
/// and blanks are left out. Comment lines inside a continuation (`#`) and JSON escapes (`\u`)
/// can hide a word that way: such an instruction is never ruled out.
pub fn may_have_word(raw: &str, word: &str, escape: char) -> bool {
    debug_assert!(word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)));
    if raw.contains(word) || raw.contains('#') || raw.contains("\\u") {
        return true;
    }
    // `word` is among the characters kept if they spell it from one of its first letter on.
    let kept = |c: &char| !(matches!(c, '"' | '\'' | '\\') || *c == escape || c.is_whitespace());
    let first = word.chars().next().unwrap_or(' ');
    raw.match_indices(first).any(|(i, _)| {
        raw[i..]
            .chars()
            .filter(kept)
            .take(word.len())
            .eq(word.chars())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(script: &str) -> Vec<Vec<String>> {
        split(script, &|r| {
            TextRange::new((r.start as u32).into(), (r.end as u32).into())
        })
        .into_iter()
        .map(|c| c.words.into_iter().map(|w| w.text).collect())
        .collect()
    }

    #[test]
    fn splits_commands_and_unquotes() {
        assert_eq!(
            names("apt-get update && A=1 apt-get install -y 'a b' \"c\" || true; echo $(x && y) | tee f"),
            vec![
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "a b", "c"],
                vec!["true"],
                vec!["echo", "$(x && y)"],
                vec!["tee", "f"]
            ]
        );
    }

    #[test]
    fn rules_out_only_what_no_word_can_be() {
        let text = "FROM a\nRUN apt-get \"up\"d\\\n  ate && ap't-get' install\nRUN echo updates\nRUN echo x\n";
        let parse = dflint_syntax::parse(text);
        for run in parse.tree().instructions().skip(1) {
            let raw = &text[run.range()];
            for word in ["update", "apt-get", "install", "x", "y"] {
                let has = commands(&run)
                    .iter()
                    .any(|c| c.words.iter().any(|w| w.text == word));
                assert!(!has || may_have_word(raw, word, '\\'), "{word} in {raw}");
            }
        }
        assert!(!may_have_word("RUN apt-get install curl", "update", '\\'));
        assert!(may_have_word("RUN apt-get upd`\nate", "update", '`'));
        assert!(may_have_word(
            "RUN [\"apt-get\", \"\\u0075pdate\"]",
            "update",
            '\\'
        ));
    }

    #[test]
    fn maps_ranges_through_continuations() {
        let text = "FROM a\nRUN apt-get \\\n  install -qy curl\n";
        let parse = dflint_syntax::parse(text);
        let run = parse.tree().instructions().nth(1).unwrap();
        let cmds = commands(&run);
        let curl = &cmds[0].words[3];
        assert_eq!(&text[curl.range], "curl");
        assert!(cmds[0].has_flag(&["-y"]));
    }
}
