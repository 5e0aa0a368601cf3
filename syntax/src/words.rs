//! BuildKit's line-level string algorithms (`splitCommand`, `extractBuilderFlags`, `parseWords`,
//! `parseJSON`, heredoc detection), reproduced with the byte range of every piece so that the tree
//! and the BuildKit view come from one implementation.

use std::ops::Range;

/// A piece of the logical line: where it is, and the value BuildKit gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Piece {
    pub range: Range<usize>,
    /// BuildKit's value when it differs from the raw text of `range` (flags lose their quotes).
    pub value: Option<String>,
}

impl Piece {
    pub fn raw(range: Range<usize>) -> Piece {
        Piece { range, value: None }
    }

    /// The value BuildKit gives this piece of `line`.
    pub fn text<'l>(&'l self, line: &'l str) -> &'l str {
        match &self.value {
            Some(v) => v,
            None => &line[self.range.clone()],
        }
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Offsets of `text` with Go's `strings.TrimSpace` applied, relative to `text`.
pub(crate) fn trim_range(text: &str) -> Range<usize> {
    let start = text.len() - text.trim_start_matches(is_space).len();
    let end = text.trim_end_matches(is_space).len();
    start..end.max(start)
}

/// `extractBuilderFlags`: leading `--` words of `line` (quotes removed, `\` escapes the next
/// character). Returns the flags and the offset (in `line`) where the arguments start.
pub(crate) fn extract_builder_flags(line: &str, base: usize) -> (Vec<Piece>, usize) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote(char),
    }
    let bytes = line.as_bytes();
    let mut flags = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut word_start = 0;
    let mut blank_ok = false;
    let mut chars = line.char_indices().peekable();
    loop {
        let Some((pos, ch)) = chars.next() else {
            if phase != Phase::Spaces && word != "--" && (blank_ok || !word.is_empty()) {
                flags.push(Piece {
                    range: base + word_start..base + line.len(),
                    value: Some(word),
                });
            }
            return (flags, line.len());
        };
        match phase {
            Phase::Spaces => {
                if is_space(ch) {
                    continue;
                }
                if ch != '-' || bytes.get(pos + 1) != Some(&b'-') {
                    return (flags, pos);
                }
                phase = Phase::Word;
                word_start = pos;
                word.push(ch);
            }
            Phase::Word => {
                if is_space(ch) {
                    phase = Phase::Spaces;
                    if word == "--" {
                        return (flags, pos);
                    }
                    if blank_ok || !word.is_empty() {
                        flags.push(Piece {
                            range: base + word_start..base + pos,
                            value: Some(std::mem::take(&mut word)),
                        });
                    }
                    word.clear();
                    blank_ok = false;
                } else if ch == '\'' || ch == '"' {
                    phase = Phase::Quote(ch);
                    blank_ok = true;
                } else if ch == '\\' {
                    if let Some((_, next)) = chars.next() {
                        word.push(next);
                    }
                } else {
                    word.push(ch);
                }
            }
            Phase::Quote(q) => {
                if ch == q {
                    phase = Phase::Word;
                } else if ch == '\\' {
                    match chars.next() {
                        Some((_, next)) => word.push(next),
                        None => phase = Phase::Word,
                    }
                } else {
                    word.push(ch);
                }
            }
        }
    }
}

/// `parseWords`: split on unquoted whitespace, keeping quotes and escapes in the words. The only
/// change BuildKit makes to a word's text is dropping an escape character that ends the input,
/// so a word's value is its raw text except in that case.
pub(crate) fn parse_words(rest: &str, base: usize, escape: char) -> Vec<Piece> {
    let mut words = Vec::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut start = 0;
    let mut blank_ok = false;
    // Whether BuildKit's value for the current word has any character yet.
    let mut nonempty = false;
    let mut chars = rest.char_indices().peekable();
    while let Some((pos, ch)) = chars.next() {
        if !in_word {
            if is_space(ch) {
                continue;
            }
            in_word = true;
            start = pos;
        }
        let trailing_escape = ch == escape && chars.peek().is_none() && quote != Some('\'');
        if trailing_escape {
            // Dropped from the value: the word ends here.
            if blank_ok || nonempty {
                let value = Some(rest[start..pos].to_string());
                words.push(Piece {
                    range: base + start..base + rest.len(),
                    value,
                });
            }
            return words;
        }
        match quote {
            None if is_space(ch) => {
                if blank_ok || nonempty {
                    words.push(Piece {
                        range: base + start..base + pos,
                        value: None,
                    });
                }
                in_word = false;
                blank_ok = false;
                nonempty = false;
                continue;
            }
            None => {
                if ch == '\'' || ch == '"' {
                    quote = Some(ch);
                    blank_ok = true;
                }
            }
            Some(q) => {
                if ch == q {
                    quote = None;
                }
            }
        }
        nonempty = true;
        if ch == escape && quote != Some('\'') {
            chars.next();
        }
    }
    if in_word && (blank_ok || nonempty) {
        words.push(Piece {
            range: base + start..base + rest.len(),
            value: None,
        });
    }
    words
}

/// The outcome of BuildKit's `parseJSON` on an argument list.
pub(crate) enum Json {
    /// A JSON array of strings: the exec form.
    Strings(Vec<String>),
    /// Valid JSON array with a non-string element: BuildKit rejects the file.
    NotStrings,
    /// Anything else: BuildKit silently falls back to the shell form.
    Invalid,
}

pub(crate) fn parse_json(rest: &str) -> Json {
    let rest = rest.trim_start_matches(is_space);
    if !rest.starts_with('[') {
        return Json::Invalid;
    }
    match serde_json::from_str::<Vec<serde_json::Value>>(rest) {
        Ok(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    serde_json::Value::String(s) => out.push(s),
                    _ => return Json::NotStrings,
                }
            }
            Json::Strings(out)
        }
        Err(_) => Json::Invalid,
    }
}

/// A heredoc found in an instruction line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HeredocMarker {
    /// The whole marker word, e.g. `<<-"EOF"`.
    pub range: Range<usize>,
    pub name: String,
    pub expand: bool,
    pub chomp: bool,
}

/// A word of BuildKit's shell lexer as used for heredoc detection: split on unquoted whitespace,
/// quotes and `\` escapes kept (RawQuotes, RawEscapes), and `<<` followed by blanks kept in the
/// same word as at BuildKit HEAD. `None` when the line does not lex (an unterminated quote).
fn shell_words(line: &str) -> Option<Vec<Range<usize>>> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((pos, ch)) = chars.next() {
        if is_space(ch) {
            if let Some(s) = start {
                if line[s..pos]
                    .trim_end_matches([' ', '\t', '\r'])
                    .ends_with("<<")
                    && matches!(ch, ' ' | '\t' | '\r')
                {
                    continue;
                }
                words.push(s..pos);
                start = None;
            }
            continue;
        }
        if start.is_none() {
            start = Some(pos);
        }
        match ch {
            '\\' => {
                chars.next();
            }
            '\'' | '"' => loop {
                match chars.next() {
                    None => return None,
                    Some((_, c)) if c == ch => break,
                    Some((_, '\\')) if ch == '"' => {
                        chars.next();
                    }
                    Some(_) => {}
                }
            },
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(s..line.len());
    }
    Some(words)
}

/// Removes quotes and escapes of a heredoc name (`eo'f'` -> `eof`, `eo\'f` -> `eo'f`); with
/// `keep_quotes` the quote characters stay (BuildKit's RawQuotes pass). `None` when the text
/// is not exactly one word.
fn heredoc_word(text: &str, keep_quotes: bool) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        match ch {
            c if is_space(c) => return None,
            '\\' => out.push(chars.next()?),
            '\'' => {
                if keep_quotes {
                    out.push(ch);
                }
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => out.push(c),
                    }
                }
                if keep_quotes {
                    out.push(ch);
                }
            }
            '"' => {
                if keep_quotes {
                    out.push(ch);
                }
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => {
                            let c = chars.next()?;
                            if !matches!(c, '"' | '\\' | '$') {
                                out.push('\\');
                            }
                            out.push(c);
                        }
                        c => out.push(c),
                    }
                }
                if keep_quotes {
                    out.push(ch);
                }
            }
            c => out.push(c),
        }
    }
    (!out.is_empty()).then_some(out)
}

/// `heredocsFromLine`: every word matching `^(\d*)<<(-?)\s*([^<]*)$` whose rest is one word.
pub(crate) fn heredocs_from_line(line: &str) -> Vec<HeredocMarker> {
    if !line.contains("<<") {
        return Vec::new();
    }
    let Some(words) = shell_words(line) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for range in words {
        let word = &line[range.clone()];
        let digits = word.bytes().take_while(u8::is_ascii_digit).count();
        let Some(after) = word[digits..].strip_prefix("<<") else {
            continue;
        };
        let (chomp, after) = match after.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, after),
        };
        let rest = after.trim_start_matches([' ', '\t', '\n', '\x0c', '\r']);
        if rest.is_empty() || rest.contains('<') {
            continue;
        }
        let Some(name) = heredoc_word(rest, false) else {
            continue;
        };
        let Some(raw) = heredoc_word(rest, true) else {
            continue;
        };
        let quotes = |s: &str| s.matches(['\'', '"']).count();
        out.push(HeredocMarker {
            range,
            expand: quotes(&name) == quotes(&raw),
            name,
            chomp,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(line: &str, p: Vec<Piece>) -> Vec<String> {
        p.iter().map(|p| p.text(line).to_string()).collect()
    }

    #[test]
    fn flags_lose_quotes_and_stop_at_first_argument() {
        let (flags, args) = extract_builder_flags(r#"--chown="a b" --link src --from=x"#, 0);
        assert_eq!(values("", flags), vec!["--chown=a b", "--link"]);
        assert_eq!(args, 21);
        let (flags, args) = extract_builder_flags("-- --notaflag", 0);
        assert!(flags.is_empty());
        assert_eq!(args, 2);
    }

    #[test]
    fn words_keep_quotes_and_drop_trailing_escape() {
        let line = r#"a="b c" d\ e f\"#;
        let w = parse_words(line, 0, '\\');
        assert_eq!(values(line, w), vec![r#"a="b c""#, r"d\ e", "f"]);
    }

    #[test]
    fn json_forms() {
        assert!(matches!(parse_json(r#" ["a", "b"] "#), Json::Strings(v) if v == ["a", "b"]));
        assert!(matches!(parse_json(r#"["a", 1]"#), Json::NotStrings));
        assert!(matches!(parse_json(r#"["a",]"#), Json::Invalid));
        assert!(matches!(parse_json(r#"[ "a" ] x"#), Json::Invalid));
    }

    #[test]
    fn heredoc_markers() {
        let h = heredocs_from_line(r#"COPY <<A <<-"B C" 3<<'e'f /d"#);
        assert_eq!(h[1].name, "B C", "{h:?}");
        let h = heredocs_from_line(r#"COPY <<A <<-"B" 3<<'e'f /d"#);
        let names: Vec<_> = h
            .iter()
            .map(|h| (h.name.as_str(), h.expand, h.chomp))
            .collect();
        assert_eq!(
            names,
            vec![("A", true, false), ("B", false, true), ("ef", false, false)]
        );
        assert_eq!(heredocs_from_line("RUN <<  EOF")[0].name, "EOF");
        assert!(heredocs_from_line("RUN <<- EOF").is_empty());
        assert!(heredocs_from_line("RUN <<<EOF").is_empty());
        assert!(heredocs_from_line(r#"RUN "<<EOF""#).is_empty());
    }
}
