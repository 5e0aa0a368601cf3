//! The formatter behind `dflint fmt` and the language server's `textDocument/formatting`.
//!
//! - instruction keywords in upper case;
//! - continuation lines indented by one indent unit, keeping their indentation relative to
//!   each other;
//! - single spaces between the keyword, flags and arguments;
//! - trailing whitespace removed.
//!
//! Comments, heredoc bodies and exec-form JSON are left as they are, and so is every blank that
//! BuildKit keeps in a value: inside quotes of a shell command, inside the single value of USER,
//! WORKDIR, MAINTAINER and STOPSIGNAL, inside legacy `ENV key value` values, and where a line
//! continuation joins two halves of one word. Lines are never added or removed. The result is
//! idempotent and parses to the same instructions (shell commands differ at most in blanks
//! outside quotes).

use crate::{parse, Parse, SyntaxKind, SyntaxKind::*, SyntaxNode, SyntaxToken};
use rowan::NodeOrToken;

#[derive(Clone, Debug)]
pub struct FormatOptions {
    /// One level of indentation for continuation lines.
    pub indent: String,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions {
            indent: "    ".into(),
        }
    }
}

/// Formats a Dockerfile's text.
pub fn format_text(text: &str, opts: &FormatOptions) -> String {
    format(&parse(text), opts)
}

/// Formats a parsed Dockerfile.
pub fn format(parse: &Parse, opts: &FormatOptions) -> String {
    let root = parse.syntax();
    let escape = parse.tree().escape_char();
    let mut out = String::with_capacity(usize::from(root.text_range().len()) + 64);
    let children: Vec<_> = root.children_with_tokens().collect();
    for (i, child) in children.iter().enumerate() {
        match child {
            NodeOrToken::Token(t) => {
                if is_blank(t) {
                    let next = children.get(i + 1);
                    let next_is_line_end = match next {
                        None => true,
                        Some(NodeOrToken::Token(n)) => n.kind() == NEWLINE,
                        Some(NodeOrToken::Node(n)) => n.kind().is_instruction(),
                    };
                    if !next_is_line_end {
                        out.push_str(t.text());
                    }
                } else if t.kind() == COMMENT {
                    out.push_str(t.text().trim_end());
                } else {
                    out.push_str(t.text());
                }
            }
            NodeOrToken::Node(n) if n.kind().is_instruction() => {
                Instr::new(escape, opts).run(n, &mut out)
            }
            NodeOrToken::Node(n) => {
                // Directives: the comment without trailing blanks.
                for t in n.descendants_with_tokens().filter_map(|e| e.into_token()) {
                    match t.kind() {
                        COMMENT => out.push_str(t.text().trim_end()),
                        WHITESPACE if next_token_kind(&t) == Some(NEWLINE) => {}
                        _ => out.push_str(t.text()),
                    }
                }
            }
        }
    }
    out
}

fn is_blank(t: &SyntaxToken) -> bool {
    is_blank_text(t.kind(), t.text())
}

fn is_blank_text(kind: SyntaxKind, text: &str) -> bool {
    matches!(kind, WHITESPACE | ERROR_TOKEN)
        && !text.is_empty()
        && text.chars().all(|c| c == ' ' || c == '\t')
}

/// A token, or a piece of a shell-form TEXT token: the tree keeps a shell command in one TEXT
/// token per line, and the formatter splits it at blanks to treat them like separator tokens.
struct Tok {
    kind: SyntaxKind,
    text: String,
    /// A VALUE inside a flag.
    in_flag: bool,
}

impl Tok {
    fn kind(&self) -> SyntaxKind {
        self.kind
    }
    fn text(&self) -> &str {
        &self.text
    }
    fn pieces(t: &SyntaxToken) -> Vec<Tok> {
        let in_flag = t.parent().is_some_and(|p| p.kind() == FLAG);
        if t.kind() != TEXT {
            return vec![Tok {
                kind: t.kind(),
                text: t.text().to_string(),
                in_flag,
            }];
        }
        let mut out: Vec<Tok> = Vec::new();
        for c in t.text().chars() {
            let kind = if c == ' ' || c == '\t' {
                WHITESPACE
            } else {
                WORD
            };
            match out.last_mut() {
                Some(last) if last.kind == kind => last.text.push(c),
                _ => out.push(Tok {
                    kind,
                    text: c.to_string(),
                    in_flag,
                }),
            }
        }
        out
    }
}

fn is_blank_tok(t: &Tok) -> bool {
    is_blank_text(t.kind, &t.text)
}

fn next_token_kind(t: &SyntaxToken) -> Option<SyntaxKind> {
    t.next_token().map(|n| n.kind())
}

/// Instructions whose arguments are one value, blanks included.
fn is_string_kind(k: SyntaxKind) -> bool {
    matches!(
        k,
        USER_INSTR | WORKDIR_INSTR | MAINTAINER_INSTR | STOPSIGNAL_INSTR | UNKNOWN_INSTR
    )
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ctx {
    /// Keyword, flags, words, key-value pairs, ARG declarations.
    Plain,
    Shell,
    Exec,
    Skipped,
    Heredoc,
}

enum Piece {
    Text(String),
    /// Indentation of a continuation line: its old width.
    Indent(usize),
}

/// Shell quoting state, to tell blanks that separate words from blanks inside quotes.
#[derive(Default)]
struct Quotes {
    stack: Vec<char>,
    escaped: bool,
    dollar: bool,
    comment: bool,
    at_word_start: bool,
}

impl Quotes {
    fn new() -> Quotes {
        Quotes {
            at_word_start: true,
            ..Default::default()
        }
    }

    /// Blanks here separate words (not quoted, not escaped, not in a shell comment).
    fn outside(&self) -> bool {
        !self.escaped && !self.comment && !self.stack.iter().any(|&c| c == '\'' || c == '"')
    }

    fn feed(&mut self, s: &str) {
        for c in s.chars() {
            let dollar = std::mem::take(&mut self.dollar);
            if self.comment {
                continue;
            }
            if self.escaped {
                self.escaped = false;
                self.at_word_start = false;
                continue;
            }
            let top = self.stack.last().copied();
            match top {
                Some('\'') => {
                    if c == '\'' {
                        self.stack.pop();
                    }
                }
                Some('"') => match c {
                    '\\' => self.escaped = true,
                    '"' => {
                        self.stack.pop();
                    }
                    '`' => self.stack.push('`'),
                    '(' if dollar => self.stack.push('('),
                    '$' => self.dollar = true,
                    _ => {}
                },
                _ => match c {
                    '\\' => self.escaped = true,
                    '\'' | '"' => self.stack.push(c),
                    '`' if top == Some('`') => {
                        self.stack.pop();
                    }
                    '`' => self.stack.push('`'),
                    '(' => self.stack.push('('),
                    ')' if top == Some('(') => {
                        self.stack.pop();
                    }
                    '$' => self.dollar = true,
                    '#' if self.at_word_start => self.comment = true,
                    _ => {}
                },
            }
            self.at_word_start = c == ' ' || c == '\t' || c == ';' || c == '&' || c == '|';
        }
    }
}

struct Instr<'a> {
    escape: char,
    opts: &'a FormatOptions,
    pieces: Vec<Piece>,
}

impl<'a> Instr<'a> {
    fn new(escape: char, opts: &'a FormatOptions) -> Self {
        Instr {
            escape,
            opts,
            pieces: Vec::new(),
        }
    }

    fn push(&mut self, s: &str) {
        match self.pieces.last_mut() {
            Some(Piece::Text(t)) => t.push_str(s),
            _ => self.pieces.push(Piece::Text(s.to_string())),
        }
    }

    fn width(&self, s: &str) -> usize {
        let tab = if self.opts.indent.starts_with('\t') {
            4
        } else {
            self.opts.indent.len().max(1)
        };
        s.chars().map(|c| if c == '\t' { tab } else { 1 }).sum()
    }

    fn run(mut self, node: &SyntaxNode, out: &mut String) {
        // Flatten the tokens with their context and the kind of the instruction they belong to.
        let mut toks: Vec<(Tok, Ctx, SyntaxKind)> = Vec::new();
        for t in node
            .descendants_with_tokens()
            .filter_map(|e| e.into_token())
        {
            let mut ctx = Ctx::Plain;
            let mut owner = node.kind();
            for a in t.parent_ancestors() {
                match a.kind() {
                    SHELL_FORM if ctx == Ctx::Plain => ctx = Ctx::Shell,
                    EXEC_FORM => ctx = Ctx::Exec,
                    SKIPPED_LINE => ctx = Ctx::Skipped,
                    HEREDOC => ctx = Ctx::Heredoc,
                    k if k.is_instruction() => {
                        owner = k;
                        break;
                    }
                    _ => {}
                }
            }
            toks.extend(Tok::pieces(&t).into_iter().map(|p| (p, ctx, owner)));
        }
        let mut quotes = Quotes::new();
        let mut args_started = false;
        let shell_ok = self.escape == '\\';
        for (i, (t, ctx, owner)) in toks.iter().enumerate() {
            let (ctx, owner) = (*ctx, *owner);
            let prev = i.checked_sub(1).map(|p| &toks[p]);
            let next = toks.get(i + 1);
            let separator = match ctx {
                Ctx::Plain => !(is_string_kind(owner) && args_started),
                Ctx::Shell => shell_ok && quotes.outside(),
                _ => false,
            };
            match t.kind() {
                _ if ctx == Ctx::Heredoc => self.push(t.text()),
                KEYWORD => {
                    if owner == UNKNOWN_INSTR {
                        self.push(t.text());
                    } else {
                        self.push(&t.text().to_uppercase());
                    }
                }
                CONTINUATION => {
                    let text = t.text();
                    let mut chars = text.chars();
                    if let Some(c) = chars.next() {
                        self.push(&c.to_string());
                    }
                    let rest = chars.as_str();
                    let term = rest.trim_start_matches([' ', '\t']);
                    self.push(term);
                    let blank_before = prev.is_some_and(|(p, _, _)| is_blank_tok(p));
                    let join_is_separator = blank_before && separator;
                    // A word continued on the next line at column 0: indent it only if the
                    // join was already a word break.
                    if let Some((n, nctx, _)) = next {
                        let starts_word = !is_blank_tok(n)
                            && !matches!(n.kind(), NEWLINE | CONTINUATION)
                            && *nctx != Ctx::Skipped
                            && *nctx != Ctx::Heredoc;
                        if starts_word && join_is_separator && *nctx != Ctx::Exec {
                            self.pieces.push(Piece::Indent(0));
                        }
                    }
                }
                _ if is_blank_tok(t) => {
                    let next_kind = next.map(|(n, _, _)| n.kind());
                    let after_line_break = prev.is_some_and(|(p, pctx, _)| {
                        p.kind() == CONTINUATION || (*pctx == Ctx::Skipped && p.kind() == NEWLINE)
                    });
                    if matches!(next_kind, None | Some(NEWLINE)) && ctx != Ctx::Skipped {
                        // Trailing blanks: never part of a value.
                    } else if ctx == Ctx::Skipped {
                        if next_kind != Some(NEWLINE) {
                            self.push(t.text());
                        }
                    } else if after_line_break {
                        let is_sep = match ctx {
                            Ctx::Shell => shell_ok && quotes.outside(),
                            Ctx::Plain => separator,
                            _ => false,
                        };
                        if is_sep && next_kind != Some(CONTINUATION) {
                            let w = self.width(t.text());
                            self.pieces.push(Piece::Indent(w));
                        } else {
                            self.push(t.text());
                        }
                    } else if separator && ctx != Ctx::Exec {
                        self.push(" ");
                    } else {
                        self.push(t.text());
                    }
                    if ctx == Ctx::Shell {
                        quotes.feed(t.text());
                    }
                }
                COMMENT => self.push(t.text().trim_end()),
                _ => {
                    if ctx == Ctx::Shell {
                        quotes.feed(t.text());
                    }
                    if ctx != Ctx::Skipped
                        && !matches!(t.kind(), NEWLINE | FLAG_NAME | EQ)
                        && !(matches!(t.kind(), VALUE) && t.in_flag)
                    {
                        args_started = true;
                    }
                    self.push(t.text());
                }
            }
        }
        let min = self
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Indent(w) => Some(*w),
                _ => None,
            })
            .min()
            .unwrap_or(0);
        for p in self.pieces {
            match p {
                Piece::Text(t) => out.push_str(&t),
                Piece::Indent(w) => {
                    out.push_str(&self.opts.indent);
                    out.extend(std::iter::repeat_n(' ', w - min));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> String {
        format_text(s, &FormatOptions::default())
    }

    #[test]
    fn formats_the_basics() {
        let src = "from  alpine:3.19   AS  build  \nrun apk add \\\n  curl \\\n      git\ncopy   --from=build   a  b\n# a  comment   \nENV A  b   c\nRUN echo \"a   b\"   c\nworkdir /a   b\n";
        let want = "FROM alpine:3.19 AS build\nRUN apk add \\\n    curl \\\n        git\nCOPY --from=build a b\n# a  comment\nENV A b   c\nRUN echo \"a   b\" c\nWORKDIR /a   b\n";
        assert_eq!(fmt(src), want);
        assert_eq!(fmt(want), want);
    }

    #[test]
    fn leaves_heredocs_exec_form_and_joined_words() {
        let src = "RUN <<EOF cat  \n  body   \nEOF\nCMD [ \"a\",  \"b\" ]  \nRUN ab\\\ncd\nRUN echo \"x \\\n   y\"\n";
        let want = "RUN <<EOF cat\n  body   \nEOF\nCMD [ \"a\",  \"b\" ]\nRUN ab\\\ncd\nRUN echo \"x \\\n   y\"\n";
        assert_eq!(fmt(src), want);
    }

    /// Blanks outside shell quotes collapsed: two shell commands that differ only there run the
    /// same.
    fn shell_words(s: &str) -> String {
        let mut q = Quotes::new();
        let mut out = String::new();
        let mut pending = false;
        for c in s.chars() {
            let outside = q.outside();
            q.feed(&c.to_string());
            if (c == ' ' || c == '\t') && outside {
                pending = true;
                continue;
            }
            if pending && !out.is_empty() {
                out.push(' ');
            }
            pending = false;
            out.push(c);
        }
        out
    }

    fn normalized(text: &str) -> Vec<crate::buildkit::Node> {
        let p = parse(text);
        let mut nodes = crate::buildkit::nodes(&p, text);
        for n in &mut nodes {
            let shell = !n.json
                && matches!(
                    n.cmd.as_str(),
                    "run" | "cmd" | "entrypoint" | "shell" | "healthcheck" | "onbuild"
                );
            if shell {
                for v in &mut n.value {
                    *v = shell_words(v);
                }
                if let Some(sub) = &mut n.sub {
                    for v in &mut sub.value {
                        *v = shell_words(v);
                    }
                }
            }
        }
        nodes
    }

    /// Over the official-images corpus: the formatted file parses to the same instructions
    /// (lines included), formatting is idempotent, and no line keeps trailing blanks outside
    /// heredoc bodies.
    #[test]
    fn corpus_keeps_instructions_and_is_idempotent() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/corpus/official");
        let mut files = Vec::new();
        for repo in std::fs::read_dir(&dir).expect("corpus") {
            for f in std::fs::read_dir(repo.unwrap().path()).unwrap() {
                files.push(f.unwrap().path());
            }
        }
        assert!(files.len() > 1000, "corpus missing: {}", files.len());
        let opts = FormatOptions::default();
        let mut changed = 0;
        for f in &files {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            let once = format_text(&text, &opts);
            if once != text {
                changed += 1;
            }
            let twice = format_text(&once, &opts);
            assert_eq!(once, twice, "not idempotent: {}", f.display());
            assert_eq!(
                normalized(&text),
                normalized(&once),
                "instructions changed: {}",
                f.display()
            );
            assert_eq!(
                text.lines().count(),
                once.lines().count(),
                "{}",
                f.display()
            );
        }
        assert!(
            changed > 0,
            "the corpus should contain files that need formatting"
        );
    }
}
