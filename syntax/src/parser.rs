//! The line-level parser: parser directives, comments, line continuations and heredoc bodies,
//! exactly as BuildKit's `parser.Parse` reads them, building the lossless green tree.

use crate::green::GreenBuilder;
use crate::instr::{heredoc_markers, parse_instr, Args, Instr, KeyValue};
use crate::lexer::JsonToken;
use crate::words::{HeredocMarker, Piece};
use crate::{SyntaxError, SyntaxKind, SyntaxKind::*};
use rowan::{GreenNode, TextRange, TextSize};
use std::borrow::Cow;
use std::ops::Range;

/// BuildKit reads lines with a bufio.Scanner whose buffer is 64 KiB.
const MAX_LINE: usize = 65535;

/// A physical line: `start..content_end` is its text without the trailing `\r`/`\n` run,
/// `content_end..end` the terminator.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    content_end: usize,
    end: usize,
}

fn split_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(text.len() / 32 + 1);
    let mut start = 0;
    while start < bytes.len() {
        let end = match memchr(b'\n', &bytes[start..]) {
            Some(i) => start + i + 1,
            None => bytes.len(),
        };
        let mut content_end = end;
        while content_end > start && matches!(bytes[content_end - 1], b'\n' | b'\r') {
            content_end -= 1;
        }
        lines.push(Line {
            start,
            content_end,
            end,
        });
        start = end;
    }
    lines
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// Parser directive scanning state (`DirectiveParser`).
struct Directives {
    done: bool,
    seen: Vec<String>,
    escape: char,
}

/// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` with Go's RE2 `\s` (`[\t\n\f\r ]`).
fn match_directive(line: &str) -> Option<(&str, &str)> {
    let re_space = |c: char| matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ');
    let rest = line.strip_prefix('#')?.trim_start_matches(re_space);
    let key_len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let key = &rest[..key_len];
    if key.is_empty() || !key.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let value = rest[key_len..]
        .trim_start_matches(re_space)
        .strip_prefix('=')?;
    let value = value.trim_matches(re_space);
    (!value.is_empty()).then_some((key, value))
}

pub(crate) struct ParseOutput {
    pub green: GreenNode,
    pub errors: Vec<SyntaxError>,
}

struct Parser<'a> {
    text: &'a str,
    lines: Vec<Line>,
    builder: GreenBuilder,
    errors: Vec<SyntaxError>,
}

fn trange(r: Range<usize>) -> TextRange {
    TextRange::new(TextSize::from(r.start as u32), TextSize::from(r.end as u32))
}

pub(crate) fn parse_text(text: &str) -> ParseOutput {
    parse_with(
        text,
        Directives {
            done: false,
            seen: Vec::new(),
            escape: '\\',
        },
        true,
    )
}

/// Parses a piece of a file that starts at a line start after the first instruction: parser
/// directives are over and the escape character is known. For incremental reparsing.
pub(crate) fn parse_window(text: &str, escape: char) -> ParseOutput {
    parse_with(
        text,
        Directives {
            done: true,
            seen: Vec::new(),
            escape,
        },
        false,
    )
}

fn parse_with(text: &str, directives: Directives, whole_file: bool) -> ParseOutput {
    let mut p = Parser {
        text,
        lines: split_lines(text),
        builder: GreenBuilder::default(),
        errors: Vec::new(),
    };
    p.builder.start_node(SOURCE_FILE);
    p.run(directives, whole_file);
    p.builder.finish_node();
    ParseOutput {
        green: p.builder.finish(),
        errors: p.errors,
    }
}

/// One continued instruction: its logical line and how it maps onto the file.
struct Logical<'a> {
    /// Borrowed from the file when the instruction is on one line (the common case).
    line: Cow<'a, str>,
    /// `(logical start, physical start, len)` of each piece of the logical line.
    segments: Vec<(usize, usize, usize)>,
    /// Physical ranges BuildKit drops: continuation markers and skipped lines, in order.
    trivia: Vec<Trivia>,
    /// End of the last physical line read, terminator included.
    end: usize,
}

#[derive(Clone, Copy)]
enum Trivia {
    /// Escape character, trailing blanks, and the line terminator.
    Continuation { start: usize, end: usize },
    /// A comment or blank line inside a continuation.
    Skipped(Line),
}

impl Trivia {
    fn start(&self) -> usize {
        match *self {
            Trivia::Continuation { start, .. } => start,
            Trivia::Skipped(l) => l.start,
        }
    }
}

/// BuildKit's continuation regex: `([^E])E[ \t]*$|^E[ \t]*$`. Returns the content length without
/// the escape and the blanks after it, when the line continues.
fn continuation_at(content: &str, escape: char) -> Option<usize> {
    let trimmed = content.trim_end_matches([' ', '\t']);
    let before = trimmed.strip_suffix(escape)?;
    if before.ends_with(escape) {
        return None;
    }
    Some(before.len())
}

fn is_space_only(s: &str) -> bool {
    s.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c))
        || s.chars().all(char::is_whitespace)
}

/// Marks text between elements for [`Emitter::piece`] to classify.
const GAP: SyntaxKind = SyntaxKind::ERROR_TOKEN;

impl<'a> Parser<'a> {
    fn token(&mut self, kind: SyntaxKind, range: Range<usize>) {
        if !range.is_empty() {
            self.builder.token(kind, &self.text[range]);
        }
    }

    fn error(&mut self, range: Range<usize>, message: impl Into<String>) {
        self.errors.push(SyntaxError {
            message: message.into(),
            range: trange(range),
        });
    }

    /// Leading whitespace of a line as a token; returns where the rest starts.
    fn leading_ws(&mut self, start: usize, end: usize) -> usize {
        let s = &self.text[start..end];
        let rest = start + (s.len() - s.trim_start().len());
        self.token(WHITESPACE, start..rest);
        rest
    }

    /// Reads the lines; `whole_file` when they are the whole file (a BOM, the check for a
    /// file without instructions).
    fn run(&mut self, mut d: Directives, whole_file: bool) {
        let mut i = 0;
        let mut saw_instruction = false;
        while i < self.lines.len() {
            if i == 0 && whole_file && self.text.starts_with('\u{feff}') {
                self.token(BOM, 0..3);
                self.lines[0].start = 3;
            }
            let line = self.lines[i];
            if line.content_end - line.start > MAX_LINE {
                self.error(
                    line.start..line.content_end,
                    format!("dockerfile line greater than max allowed size of {MAX_LINE}"),
                );
            }
            let body_start = line.start + {
                let s = &self.text[line.start..line.content_end];
                s.len() - s.trim_start().len()
            };
            let body = &self.text[body_start..line.content_end];

            if !d.done {
                if i == 0 && body.starts_with("#!") {
                    d.done = true;
                } else if let Some((key, value)) = match_directive(body) {
                    let key_l = key.to_ascii_lowercase();
                    if matches!(key_l.as_str(), "syntax" | "escape" | "check") {
                        self.leading_ws(line.start, line.content_end);
                        self.builder.start_node(DIRECTIVE);
                        self.token(COMMENT, body_start..line.content_end);
                        self.builder.finish_node();
                        self.token(NEWLINE, line.content_end..line.end);
                        if d.seen.contains(&key_l) {
                            self.error(
                                body_start..line.content_end,
                                format!("only one {key_l} parser directive can be used"),
                            );
                        } else if key_l == "escape" {
                            match value {
                                "`" => d.escape = '`',
                                "\\" => d.escape = '\\',
                                _ => self.error(
                                    body_start..line.content_end,
                                    format!(
                                        "invalid escape token '{value}' does not match ` or \\"
                                    ),
                                ),
                            }
                        }
                        d.seen.push(key_l);
                        i += 1;
                        continue;
                    }
                    d.done = true;
                } else {
                    d.done = true;
                }
            }

            if body.starts_with('#') || body.is_empty() {
                self.leading_ws(line.start, line.content_end);
                self.token(COMMENT, body_start..line.content_end);
                self.token(NEWLINE, line.content_end..line.end);
                i += 1;
                continue;
            }

            self.token(WHITESPACE, line.start..body_start);
            let logical = self.read_logical(&mut i, body_start, d.escape);
            let instr = parse_instr(&logical.line, 0..logical.line.len(), d.escape);
            saw_instruction = true;
            for (r, msg) in &instr.errors {
                let r = map_range(&logical, r.clone());
                self.error(r, msg.clone());
            }
            let markers = heredoc_markers(&logical.line, &instr);
            let mut emitter = Emitter {
                p: self,
                logical: &logical,
                cursor: body_start,
                trivia_idx: 0,
                markers: &markers,
            };
            emitter.instruction(&instr, true);
            for marker in &markers {
                self.heredoc(&mut i, marker, &logical);
            }
            self.builder.finish_node();
        }
        if !saw_instruction && whole_file {
            let end = self.text.len();
            self.error(end..end, "file with no instructions");
        }
    }

    /// Reads an instruction's physical lines, joining continuations as BuildKit does.
    fn read_logical(&mut self, i: &mut usize, body_start: usize, escape: char) -> Logical<'a> {
        let first = self.lines[*i];
        *i += 1;
        let mut lg = Logical {
            line: Cow::Borrowed(""),
            segments: Vec::new(),
            trivia: Vec::new(),
            end: first.end,
        };
        let push = |lg: &mut Logical, _text: &str, start: usize, len: usize| {
            if len > 0 {
                let logical_start = lg.segments.last().map_or(0, |&(l, _, n)| l + n);
                lg.segments.push((logical_start, start, len));
            }
        };
        let content = &self.text[body_start..first.content_end];
        let mut continues = match continuation_at(content, escape) {
            Some(len) => {
                push(&mut lg, self.text, body_start, len);
                lg.trivia.push(Trivia::Continuation {
                    start: body_start + len,
                    end: first.end,
                });
                true
            }
            None => {
                push(&mut lg, self.text, body_start, content.len());
                false
            }
        };
        while continues && *i < self.lines.len() {
            let l = self.lines[*i];
            *i += 1;
            lg.end = l.end;
            if l.content_end - l.start > MAX_LINE {
                self.error(
                    l.start..l.content_end,
                    format!("dockerfile line greater than max allowed size of {MAX_LINE}"),
                );
            }
            let content = &self.text[l.start..l.content_end];
            let trimmed = content.trim_start();
            if trimmed.starts_with('#') {
                lg.trivia.push(Trivia::Skipped(l));
                continue;
            }
            if trimmed.is_empty() {
                // BuildKit drops it with a warning; `empty-continuation-line` reports it.
                lg.trivia.push(Trivia::Skipped(l));
                continue;
            }
            match continuation_at(content, escape) {
                Some(len) => {
                    push(&mut lg, self.text, l.start, len);
                    lg.trivia.push(Trivia::Continuation {
                        start: l.start + len,
                        end: l.end,
                    });
                }
                None => {
                    push(&mut lg, self.text, l.start, content.len());
                    continues = false;
                }
            }
        }
        lg.line = match lg.segments.as_slice() {
            [] => Cow::Borrowed(""),
            [(_, start, len)] => Cow::Borrowed(&self.text[*start..start + len]),
            segs => Cow::Owned(
                segs.iter()
                    .map(|&(_, start, len)| &self.text[start..start + len])
                    .collect(),
            ),
        };
        lg
    }

    /// Reads a heredoc body after the instruction line, up to the line equal to its name.
    fn heredoc(&mut self, i: &mut usize, marker: &HeredocMarker, logical: &Logical<'_>) {
        self.builder.start_node(HEREDOC);
        let body_start = self.lines.get(*i).map_or(self.text.len(), |l| l.start);
        while *i < self.lines.len() {
            let l = self.lines[*i];
            let mut candidate = &self.text[l.start..l.content_end];
            if marker.chomp {
                candidate = candidate.trim_start_matches('\t');
            }
            if candidate == marker.name {
                self.token(HEREDOC_BODY, body_start..l.start);
                self.token(HEREDOC_END, l.start..l.content_end);
                self.token(NEWLINE, l.content_end..l.end);
                *i += 1;
                self.builder.finish_node();
                return;
            }
            *i += 1;
        }
        let end = self.text.len();
        self.token(HEREDOC_BODY, body_start..end);
        self.builder.finish_node();
        let r = map_range(logical, marker.range.clone());
        self.error(r, format!("unterminated heredoc {}", marker.name));
    }
}

/// Maps a logical start offset to the file.
fn map_start(lg: &Logical<'_>, off: usize) -> usize {
    match lg.segments.partition_point(|&(ls, _, _)| ls <= off) {
        0 => lg.segments.first().map_or(0, |s| s.1),
        n => {
            let (ls, ps, len) = lg.segments[n - 1];
            if off - ls < len || n == lg.segments.len() {
                ps + (off - ls)
            } else {
                lg.segments[n].1
            }
        }
    }
}

/// Maps a logical end offset (exclusive) to the file.
fn map_end(lg: &Logical<'_>, off: usize) -> usize {
    match lg.segments.partition_point(|&(ls, _, _)| ls < off) {
        0 => lg.segments.first().map_or(0, |s| s.1),
        n => {
            let (ls, ps, _) = lg.segments[n - 1];
            ps + (off - ls)
        }
    }
}

fn map_range(lg: &Logical<'_>, r: Range<usize>) -> Range<usize> {
    if lg.segments.is_empty() {
        return 0..0;
    }
    let start = map_start(lg, r.start);
    let end = if r.is_empty() {
        start
    } else {
        map_end(lg, r.end)
    };
    start..end.max(start)
}

/// Emits the tokens of one instruction, weaving in the continuation trivia BuildKit drops.
struct Emitter<'p, 'a, 'l> {
    p: &'p mut Parser<'a>,
    logical: &'l Logical<'a>,
    /// Physical offset up to which the file has been emitted.
    cursor: usize,
    trivia_idx: usize,
    markers: &'l [HeredocMarker],
}

impl Emitter<'_, '_, '_> {
    /// Emits `kind` for the file text up to `end`, interrupted by any trivia on the way.
    fn emit_to(&mut self, kind: SyntaxKind, end: usize) {
        while self.cursor < end {
            let next_trivia = self.logical.trivia.get(self.trivia_idx).copied();
            match next_trivia {
                Some(t) if t.start() <= self.cursor => {
                    self.emit_trivia(t);
                    self.trivia_idx += 1;
                }
                Some(t) if t.start() < end => {
                    let stop = t.start();
                    self.piece(kind, stop);
                }
                _ => self.piece(kind, end),
            }
        }
    }

    /// Emits the text from the cursor to `end` (no trivia inside) as one token. A gap between
    /// elements is whitespace, or text the parser could not place.
    fn piece(&mut self, kind: SyntaxKind, end: usize) {
        let kind = if kind != GAP {
            kind
        } else if is_space_only(&self.p.text[self.cursor..end]) {
            WHITESPACE
        } else {
            ERROR_TOKEN
        };
        self.p.token(kind, self.cursor..end);
        self.cursor = end;
    }

    /// Emits trivia that start exactly at the cursor (between two pieces of text).
    fn flush_trivia_at_cursor(&mut self) {
        while let Some(t) = self.logical.trivia.get(self.trivia_idx).copied() {
            if t.start() > self.cursor {
                break;
            }
            self.emit_trivia(t);
            self.trivia_idx += 1;
        }
    }

    fn emit_trivia(&mut self, t: Trivia) {
        match t {
            Trivia::Continuation { start, end } => {
                self.p.token(CONTINUATION, start..end);
                self.cursor = end;
            }
            Trivia::Skipped(l) => {
                self.p.builder.start_node(SKIPPED_LINE);
                let rest = self.p.leading_ws(l.start, l.content_end);
                self.p.token(COMMENT, rest..l.content_end);
                self.p.token(NEWLINE, l.content_end..l.end);
                self.p.builder.finish_node();
                self.cursor = l.end;
            }
        }
    }

    /// Whitespace (or stray text) up to the logical offset `off`.
    fn gap_to(&mut self, off: usize) {
        let target = map_start(self.logical, off);
        if target > self.cursor {
            // `piece` classifies each part of a gap as whitespace or unplaced text.
            self.emit_to(GAP, target);
        }
    }

    fn tok(&mut self, kind: SyntaxKind, r: &Range<usize>) {
        if r.is_empty() {
            return;
        }
        self.gap_to(r.start);
        self.flush_trivia_at_cursor();
        let end = map_end(self.logical, r.end);
        self.emit_to(kind, end);
    }

    fn start(&mut self, kind: SyntaxKind, first: usize) {
        self.gap_to(first);
        self.flush_trivia_at_cursor();
        self.p.builder.start_node(kind);
    }

    fn finish(&mut self) {
        self.p.builder.finish_node();
    }

    /// Emits an instruction node; the top-level one also gets the rest of its lines and its
    /// terminator (the caller closes it after the heredocs).
    fn instruction(&mut self, instr: &Instr, top: bool) {
        if top {
            // The node starts with the instruction's first line, as BuildKit's StartLine does,
            // even when that line holds only a continuation.
            self.p.builder.start_node(instr.kind);
        } else {
            self.start(instr.kind, instr.keyword.range.start);
        }
        self.tok(KEYWORD, &instr.keyword.range);
        for flag in &instr.flags {
            self.flag(flag);
        }
        self.args(&instr.args);
        if top {
            let end_of_text = self.logical.line.len();
            self.gap_to(end_of_text);
            // Whatever is left of the last line: trailing trivia and the terminator.
            let end = self.logical.end;
            while let Some(t) = self.logical.trivia.get(self.trivia_idx).copied() {
                self.emit_to(GAP, t.start());
                self.emit_trivia(t);
                self.trivia_idx += 1;
            }
            if self.cursor < end {
                let line_end = self.p.text[self.cursor..end]
                    .trim_end_matches(['\r', '\n'])
                    .len()
                    + self.cursor;
                self.emit_to(GAP, line_end);
                self.p.token(NEWLINE, line_end..end);
                self.cursor = end;
            }
        } else {
            self.finish();
        }
    }

    fn flag(&mut self, flag: &Piece) {
        self.start(FLAG, flag.range.start);
        let raw = &self.logical.line[flag.range.clone()];
        match raw.find('=') {
            Some(i) => {
                let eq = flag.range.start + i;
                self.tok(FLAG_NAME, &(flag.range.start..eq));
                self.tok(EQ, &(eq..eq + 1));
                self.tok(VALUE, &(eq + 1..flag.range.end));
            }
            None => self.tok(FLAG_NAME, &flag.range),
        }
        self.finish();
    }

    fn words(&mut self, words: impl Iterator<Item = Range<usize>>) {
        let mut words = words.peekable();
        let markers = self.markers;
        let mut m = markers.iter().peekable();
        while let Some(w) = words.next() {
            // A heredoc marker may span several whitespace-split words (`<<  EOF`).
            while m.peek().is_some_and(|mk| mk.range.end <= w.start) {
                m.next();
            }
            if let Some(mk) = m
                .peek()
                .filter(|mk| mk.range.start <= w.start && w.end <= mk.range.end)
            {
                let r = mk.range.clone();
                while words.peek().is_some_and(|n| n.end <= r.end) {
                    words.next();
                }
                self.tok(HEREDOC_MARKER, &r);
                m.next();
            } else {
                self.tok(WORD, &w);
            }
        }
    }

    fn key_value(&mut self, node: SyntaxKind, kv: &KeyValue) {
        self.start(node, kv.key.range.start);
        self.tok(KEY, &kv.key.range);
        if let Some(eq) = &kv.eq {
            self.tok(EQ, eq);
        }
        if let Some(v) = &kv.value {
            self.tok(VALUE, &v.range);
        }
        self.finish();
    }

    fn args(&mut self, args: &Args) {
        match args {
            Args::None => {}
            Args::Words(words) => self.words(words.iter().map(|w| w.range.clone())),
            Args::String(_, words) => self.words(words.iter().cloned()),
            Args::Shell(piece) => {
                // The command text stays in one TEXT token per line piece (split only around
                // heredoc markers): the shell, not the Dockerfile, gives it structure, and
                // word tokens here would double the size of the tree.
                self.start(SHELL_FORM, piece.range.start);
                let mut pos = piece.range.start;
                let markers = self.markers;
                for mk in markers.iter().filter(|m| {
                    m.range.start >= piece.range.start && m.range.end <= piece.range.end
                }) {
                    self.tok(TEXT, &(pos..mk.range.start));
                    self.tok(HEREDOC_MARKER, &mk.range);
                    pos = mk.range.end;
                }
                self.tok(TEXT, &(pos..piece.range.end));
                self.finish();
            }
            Args::Exec(_, tokens) => {
                let Some(first) = tokens.first() else { return };
                self.start(EXEC_FORM, first.1.start);
                for (t, r) in tokens {
                    let kind = match t {
                        JsonToken::LBrack => L_BRACK,
                        JsonToken::RBrack => R_BRACK,
                        JsonToken::Comma => COMMA,
                        JsonToken::String => JSON_STRING,
                        JsonToken::Space => continue,
                        JsonToken::Other => ERROR_TOKEN,
                    };
                    self.tok(kind, r);
                }
                self.finish();
            }
            Args::KeyValues { pairs, stray, .. } => {
                let mut items: Vec<(usize, Option<&KeyValue>, Option<&Piece>)> = pairs
                    .iter()
                    .map(|kv| (kv.key.range.start, Some(kv), None))
                    .collect();
                items.extend(stray.iter().map(|p| (p.range.start, None, Some(p))));
                items.sort_by_key(|i| i.0);
                for (_, kv, p) in items {
                    match (kv, p) {
                        (Some(kv), _) => self.key_value(KEY_VALUE, kv),
                        (_, Some(p)) => self.tok(WORD, &p.range),
                        _ => {}
                    }
                }
            }
            Args::ArgDecls(decls) => {
                for kv in decls {
                    self.key_value(ARG_DECL, kv);
                }
            }
            Args::Health(typ, cmd) => {
                self.tok(WORD, &typ.range);
                self.args(cmd);
            }
            Args::OnBuild(sub) => self.instruction(sub, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directive_regex() {
        assert_eq!(match_directive("# escape = `"), Some(("escape", "`")));
        assert_eq!(
            match_directive("#syntax=docker/dockerfile:1 "),
            Some(("syntax", "docker/dockerfile:1"))
        );
        assert_eq!(match_directive("# escape="), None);
        assert_eq!(match_directive("# 1x=y"), None);
    }

    #[test]
    fn continuation_regex() {
        assert_eq!(continuation_at(r"foo \ ", '\\'), Some(4));
        assert_eq!(continuation_at(r"foo \\", '\\'), None);
        assert_eq!(continuation_at(r"\", '\\'), Some(0));
        assert_eq!(continuation_at("foo `", '`'), Some(4));
    }
}
