//! logos lexers for the parts of a Dockerfile line that have a token grammar of their own:
//! whitespace-delimited words and exec-form JSON arrays.

use logos::Logos;
use std::ops::Range;

/// BuildKit's `reWhitespace` (`[\t\v\f\r ]+`) splits arguments; everything else is a word.
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
enum WordToken {
    #[regex(r"[\t\x0b\x0c\r ]+")]
    Space,
    #[regex(r"[^\t\x0b\x0c\r ]+")]
    Word,
}

/// Ranges of the words of `text` split on `[\t\v\f\r ]+`, offset by `base`.
pub(crate) fn split_ws(text: &str, base: usize) -> Vec<Range<usize>> {
    WordToken::lexer(text)
        .spanned()
        .filter(|(t, _)| *t == Ok(WordToken::Word))
        .map(|(_, r)| r.start + base..r.end + base)
        .collect()
}

/// Tokens of an exec-form array.
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonToken {
    #[token("[")]
    LBrack,
    #[token("]")]
    RBrack,
    #[token(",")]
    Comma,
    #[regex(r#""([^"\\]|\\.)*""#)]
    String,
    #[regex(r"[ \t\r\n\x0b\x0c]+")]
    Space,
    #[regex(r#"[^\[\],"\s]+"#)]
    Other,
}

/// Lexes `text` (an exec-form argument list) into tokens with ranges offset by `base`.
/// Anything the lexer cannot classify (an unterminated string) becomes `Other`.
pub(crate) fn lex_json(text: &str, base: usize) -> Vec<(JsonToken, Range<usize>)> {
    let mut out: Vec<(JsonToken, Range<usize>)> = Vec::new();
    for (tok, r) in JsonToken::lexer(text).spanned() {
        let tok = tok.unwrap_or(JsonToken::Other);
        let r = r.start + base..r.end + base;
        match out.last_mut() {
            Some((JsonToken::Other, last)) if tok == JsonToken::Other && last.end == r.start => {
                last.end = r.end
            }
            _ => out.push((tok, r)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_buildkit_whitespace_only() {
        assert_eq!(split_ws("a \t b\u{a0}c", 10), vec![10..11, 14..18]);
    }

    #[test]
    fn lexes_json_with_unterminated_string() {
        let toks: Vec<_> = lex_json(r#"["a", "b]"#, 0)
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(
            toks[..4],
            [
                JsonToken::LBrack,
                JsonToken::String,
                JsonToken::Comma,
                JsonToken::Space
            ]
        );
        assert_eq!(*toks.last().unwrap(), JsonToken::Other);
    }
}
