//! Variable references (`$v`, `${v}`, `${v:-x}` ...) in text the builder expands, following
//! BuildKit's `shell/lex.go`: single quotes stop expansion, the escape character protects `$`.

use crate::TextRange;
use std::ops::Range;

/// How a braced reference modifies the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Modifier {
    /// `$v` or `${v}`.
    None,
    /// `:-`, `-`, `:+`, `+`, `:?`, `?`, `#`, `##`, `%`, `%%`, `/`, `//`, and the word after it.
    Op { op: String, word: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    /// Range of the whole reference (`${v:-x}`). From [`references`] it is a range in the scanned
    /// string; the AST maps it to the file.
    pub range: VarRange,
    /// Range of the name alone, in the same coordinates as `range`.
    pub name_range: VarRange,
    pub braced: bool,
    pub modifier: Modifier,
}

/// A range either in a scanned string or, once mapped, in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarRange(pub Range<usize>);

impl VarRange {
    pub fn text_range(&self) -> TextRange {
        TextRange::new((self.0.start as u32).into(), (self.0.end as u32).into())
    }
}

impl From<TextRange> for VarRange {
    fn from(r: TextRange) -> Self {
        VarRange(usize::from(r.start())..usize::from(r.end()))
    }
}

impl std::ops::Deref for VarRange {
    type Target = Range<usize>;
    fn deref(&self) -> &Range<usize> {
        &self.0
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// All variable references in `text`, including those nested in modifier words.
pub fn references(text: &str, escape: char) -> Vec<VarRef> {
    let mut out = Vec::new();
    scan(text, 0, escape, &mut out);
    out
}

fn scan(text: &str, base: usize, escape: char, out: &mut Vec<VarRef>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut in_double = false;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap();
        if c == escape {
            i += c.len_utf8();
            if let Some(n) = text[i..].chars().next() {
                i += n.len_utf8();
            }
            continue;
        }
        match c {
            '\'' if !in_double => {
                // Single-quoted text is never expanded.
                i += 1;
                while i < text.len() && bytes[i] != b'\'' {
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                in_double = !in_double;
                i += 1;
            }
            '$' => {
                i = dollar(text, i, base, escape, out);
            }
            _ => i += c.len_utf8(),
        }
    }
}

/// Reads a reference starting at `text[start] == '$'`; returns the offset after it.
fn dollar(text: &str, start: usize, base: usize, escape: char, out: &mut Vec<VarRef>) -> usize {
    let rest = &text[start + 1..];
    if let Some(inner) = rest.strip_prefix('{') {
        let name_len = inner
            .find(|c: char| !is_name_char(c))
            .unwrap_or(inner.len());
        if name_len == 0 {
            return start + 2;
        }
        let name_start = start + 2;
        let after_name = &inner[name_len..];
        // Find the matching `}`, allowing nested `${...}`.
        let mut depth = 1;
        let mut end = None;
        let mut chars = after_name.char_indices();
        while let Some((j, ch)) = chars.next() {
            if ch == escape {
                chars.next();
                continue;
            }
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(j);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(close) = end else {
            return start + 2 + name_len;
        };
        let modifier_text = &after_name[..close];
        let modifier = if modifier_text.is_empty() {
            Modifier::None
        } else {
            let op_len = [
                "//", ":-", ":+", ":?", "##", "%%", "-", "+", "?", "#", "%", "/",
            ]
            .iter()
            .find(|op| modifier_text.starts_with(**op))
            .map_or(0, |op| op.len());
            let word = &modifier_text[op_len..];
            scan(word, base + name_start + name_len + op_len, escape, out);
            Modifier::Op {
                op: modifier_text[..op_len].to_string(),
                word: word.to_string(),
            }
        };
        let end = name_start + name_len + close + 1;
        out.push(VarRef {
            name: inner[..name_len].to_string(),
            range: VarRange(base + start..base + end),
            name_range: VarRange(base + name_start..base + name_start + name_len),
            braced: true,
            modifier,
        });
        return end;
    }
    let name_len = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
    if name_len == 0 {
        return start + 1;
    }
    out.push(VarRef {
        name: rest[..name_len].to_string(),
        range: VarRange(base + start..base + start + 1 + name_len),
        name_range: VarRange(base + start + 1..base + start + 1 + name_len),
        braced: false,
        modifier: Modifier::None,
    });
    start + 1 + name_len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, Range<usize>)> {
        references(text, '\\')
            .into_iter()
            .map(|r| (r.name, r.range.0))
            .collect()
    }

    #[test]
    fn finds_all_forms() {
        assert_eq!(
            names("$a ${b} ${c:-x}"),
            vec![("a".into(), 0..2), ("b".into(), 3..7), ("c".into(), 8..15)]
        );
        let r = &references("${v:-${w}}", '\\');
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].name, "w");
        assert_eq!(
            r[1].modifier,
            Modifier::Op {
                op: ":-".into(),
                word: "${w}".into()
            }
        );
        for op in [
            ":-", "-", ":+", "+", ":?", "?", "#", "##", "%", "%%", "/", "//",
        ] {
            let text = format!("${{v{op}x}}");
            let r = references(&text, '\\');
            assert_eq!(
                r[0].modifier,
                Modifier::Op {
                    op: op.into(),
                    word: "x".into()
                },
                "{text}"
            );
        }
    }

    #[test]
    fn escapes_and_single_quotes_stop_expansion() {
        assert!(names(r"\$a '$b'").is_empty());
        assert_eq!(
            names(r#""$a" `$b"#),
            vec![("a".into(), 1..3), ("b".into(), 6..8)]
        );
        assert!(references("`$b", '`').is_empty());
    }
}
