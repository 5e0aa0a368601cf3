//! Incremental reparsing: after an edit, parse again only the lines around it and reuse the
//! rest of the old tree.
//!
//! The parser reads a file line by line. Between two top-level elements that meet at a line
//! start it is always in the same state (directives over, the escape character known), and an
//! instruction's extent depends only on its own lines (a continuation is decided by the line
//! that ends with the escape character, a heredoc by the lines up to its terminator). So a
//! boundary before the edit stays a boundary, and the old elements after the edit can be kept
//! once the new parse is back at a boundary that the old parse also had. To know that, the
//! window parsed again reaches one old element past the edit: if the window parse has a
//! boundary where that element starts, the parse of everything after it is the old one,
//! shifted. Otherwise the window grows; edits before the end of the first instruction
//! (parser directives) parse the whole file again.

use crate::parser::{parse_text, parse_window};
use crate::{Parse, SyntaxError, SyntaxKind};
use rowan::{GreenNode, GreenToken, NodeOrToken, TextRange, TextSize};

/// How many times the window may grow before parsing the whole file is the simpler option.
const MAX_GROWTH: usize = 8;

/// `new_text` parsed, reusing what it can of `old` (the parse of `old_text`). The result is
/// the same as `parse(new_text)`.
pub fn reparse(old: &Parse, old_text: &str, new_text: &str) -> Parse {
    incremental(old, old_text, new_text).unwrap_or_else(|| {
        let out = parse_text(new_text);
        Parse {
            green: out.green,
            errors: out.errors,
        }
    })
}

/// Bytes compared at once (with memcmp) before the first difference is looked for byte by
/// byte: comparing a 180 KB file a byte at a time was most of what a keystroke cost here.
const CHUNK: usize = 256;

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + CHUNK <= n && a[i..i + CHUNK] == b[i..i + CHUNK] {
        i += CHUNK;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// The length of the common suffix, at most `max`.
fn common_suffix(a: &[u8], b: &[u8], max: usize) -> usize {
    let (a, b) = (&a[a.len() - max..], &b[b.len() - max..]);
    let mut i = 0; // bytes matched from the end
    while i + CHUNK <= max && a[max - i - CHUNK..max - i] == b[max - i - CHUNK..max - i] {
        i += CHUNK;
    }
    i + a[..max - i]
        .iter()
        .rev()
        .zip(b[..max - i].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The incremental path alone: `None` where [`reparse`] parses the whole file again (for
/// tests that check the incremental path is really taken).
#[doc(hidden)]
pub fn incremental(old: &Parse, old_text: &str, new_text: &str) -> Option<Parse> {
    if old_text.len() != usize::from(old.green.text_len()) || old_text.len() > u32::MAX as usize / 2
    {
        return None;
    }
    let (a, b) = (old_text.as_bytes(), new_text.as_bytes());
    let prefix = common_prefix(a, b);
    let suffix = common_suffix(a, b, a.len().min(b.len()) - prefix);
    let changed_end = a.len() - suffix; // in the old text

    // Top-level elements with their start offsets, and the boundaries after the first
    // instruction (where the parser state is known).
    let children: Vec<_> = old.green.children().collect();
    let mut starts = Vec::with_capacity(children.len() + 1);
    let mut off = 0usize;
    for c in &children {
        starts.push(off);
        off += usize::from(c.text_len());
    }
    starts.push(off);
    let first_instr_end = children.iter().enumerate().find_map(|(i, c)| match c {
        NodeOrToken::Node(n) if n.kind() != SyntaxKind::DIRECTIVE.into() => Some(starts[i + 1]),
        _ => None,
    })?;
    let is_boundary = |k: usize| {
        let o = starts[k];
        k == children.len() || (o > 0 && a[o - 1] == b'\n')
    };
    // The window starts at the last boundary at or before the edit.
    let first = (0..children.len())
        .rev()
        .find(|&k| starts[k] <= prefix && is_boundary(k))?;
    if starts[first] < first_instr_end {
        return None;
    }
    let escape =
        crate::ast::Dockerfile::cast(crate::SyntaxNode::new_root(old.green.clone()))?.escape_char();
    let delta = new_text.len() as i64 - old_text.len() as i64;
    let new_off = |o: usize| (o as i64 + delta) as usize;
    let window_start = starts[first];

    // The first old boundary at or after the edit's end.
    let mut end = (first..=children.len()).find(|&k| starts[k] >= changed_end && is_boundary(k))?;
    for _ in 0..MAX_GROWTH {
        let next = if end == children.len() {
            end
        } else {
            (end + 1..=children.len()).find(|&k| is_boundary(k))?
        };
        let window_end = new_off(starts[next]);
        let out = parse_window(&new_text[window_start..window_end], escape);
        if end < children.len() && !has_boundary(&out.green, new_off(starts[end]) - window_start) {
            end = next; // the edit runs on into the next element: grow
            continue;
        }
        if errors_cross(old, window_start) || errors_cross(old, starts[next]) {
            return None;
        }
        let mut green: Vec<NodeOrToken<GreenNode, GreenToken>> =
            Vec::with_capacity(children.len() + 8);
        green.extend(children[..first].iter().map(owned));
        green.extend(out.green.children().map(|c| owned(&c)));
        green.extend(children[next..].iter().map(owned));
        let root = GreenNode::new(SyntaxKind::SOURCE_FILE.into(), green);

        let at = |o: usize| TextSize::from(o as u32);
        let mut errors: Vec<SyntaxError> = old
            .errors
            .iter()
            .filter(|e| usize::from(e.range.start()) < window_start)
            .cloned()
            .collect();
        errors.extend(out.errors.into_iter().map(|mut e| {
            e.range += at(window_start);
            e
        }));
        errors.extend(
            old.errors
                .iter()
                .filter(|e| usize::from(e.range.start()) >= starts[next] && next < children.len())
                .map(|e| SyntaxError {
                    message: e.message.clone(),
                    range: TextRange::at(at(new_off(usize::from(e.range.start()))), e.range.len()),
                }),
        );
        return Some(Parse {
            green: root,
            errors,
        });
    }
    None
}

fn owned(
    c: &NodeOrToken<&rowan::GreenNodeData, &rowan::GreenTokenData>,
) -> NodeOrToken<GreenNode, GreenToken> {
    match c {
        NodeOrToken::Node(n) => NodeOrToken::Node((*n).to_owned()),
        NodeOrToken::Token(t) => NodeOrToken::Token((*t).to_owned()),
    }
}

/// True if a top-level element of `root` starts at `offset`.
fn has_boundary(root: &GreenNode, offset: usize) -> bool {
    let mut off = 0usize;
    for c in root.children() {
        if off == offset {
            return true;
        }
        if off > offset {
            return false;
        }
        off += usize::from(c.text_len());
    }
    off == offset
}

/// True if an old error touches the boundary at `offset` in a way that would make it unclear
/// which side produced it (an empty range there, or a range across it).
fn errors_cross(old: &Parse, offset: usize) -> bool {
    old.errors.iter().any(|e| {
        let (s, t) = (usize::from(e.range.start()), usize::from(e.range.end()));
        (s < offset && offset < t) || (s == offset && t == offset)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_prefix(a: &[u8], b: &[u8]) -> usize {
        a.iter().zip(b).take_while(|(x, y)| x == y).count()
    }

    fn naive_suffix(a: &[u8], b: &[u8], max: usize) -> usize {
        a.iter()
            .rev()
            .zip(b.iter().rev())
            .take(max)
            .take_while(|(x, y)| x == y)
            .count()
    }

    /// The chunked comparisons agree with byte-by-byte ones for differences on both sides of
    /// chunk boundaries, texts of different lengths, and a bounded suffix.
    #[test]
    fn chunked_prefix_and_suffix_agree_with_byte_by_byte() {
        let base: Vec<u8> = (0..3 * CHUNK + 17).map(|i| (i % 251) as u8).collect();
        for at in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, base.len() - 1] {
            for delta in [0usize, 1, 5] {
                let mut b = base.clone();
                b[at] ^= 0xff;
                b.extend(std::iter::repeat_n(7u8, delta));
                let p = naive_prefix(&base, &b);
                assert_eq!(common_prefix(&base, &b), p, "at {at} +{delta}");
                let max = base.len().min(b.len()) - p;
                assert_eq!(
                    common_suffix(&base, &b, max),
                    naive_suffix(&base, &b, max),
                    "at {at} +{delta}"
                );
                for small in [0, 3, CHUNK + 2] {
                    let m = small.min(base.len().min(b.len()));
                    assert_eq!(common_suffix(&base, &b, m), naive_suffix(&base, &b, m));
                }
            }
        }
    }
}
