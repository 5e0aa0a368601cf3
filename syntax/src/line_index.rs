//! Byte offset <-> (line, column) conversion, for renderers and the language server.

use rowan::{TextRange, TextSize};

/// Line starts of a text, so that offsets convert to positions in O(log lines).
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is always 0. Shared: the language server
    /// hands one index to several threads per version.
    line_starts: std::sync::Arc<[TextSize]>,
    len: TextSize,
}

/// A zero-based line and a zero-based column counted in the unit the caller asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(TextSize::from(0));
        line_starts.extend(
            memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| TextSize::from(i as u32 + 1)),
        );
        LineIndex {
            line_starts: line_starts.into(),
            len: TextSize::of(text),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Zero-based line of `offset` (clamped to the text).
    pub fn line_of(&self, offset: TextSize) -> u32 {
        let offset = offset.min(self.len);
        (self.line_starts.partition_point(|&s| s <= offset) - 1) as u32
    }

    /// Start offset of a zero-based line (clamped to the end of the text).
    pub fn line_start(&self, line: u32) -> TextSize {
        self.line_starts
            .get(line as usize)
            .copied()
            .unwrap_or(self.len)
    }

    /// Byte range of a zero-based line, including its terminator.
    pub fn line_range(&self, line: u32) -> TextRange {
        let start = self.line_start(line);
        let end = self
            .line_starts
            .get(line as usize + 1)
            .copied()
            .unwrap_or(self.len);
        TextRange::new(start, end.max(start))
    }

    /// Line and column in bytes.
    pub fn line_col(&self, offset: TextSize) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        LineCol {
            line,
            col: u32::from(offset - self.line_start(line)),
        }
    }

    /// Line and column in UTF-16 code units (LSP's default encoding).
    pub fn line_col_utf16(&self, text: &str, offset: TextSize) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = usize::from(self.line_start(line));
        let mut end = usize::from(offset);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let prefix = &text[start..end];
        // Most lines are ASCII: one byte, one UTF-16 unit.
        let col = if prefix.is_ascii() {
            prefix.len()
        } else {
            prefix.encode_utf16().count()
        } as u32;
        LineCol { line, col }
    }

    /// Line and column in characters (Unicode scalar values), for human output.
    pub fn line_col_chars(&self, text: &str, offset: TextSize) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = usize::from(self.line_start(line));
        let mut end = usize::from(offset);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        LineCol {
            line,
            col: text[start..end].chars().count() as u32,
        }
    }

    /// Offset of a zero-based line and UTF-16 column; `None` when the line is past the end.
    /// A column past the end of the line clamps to the line's end (before its terminator).
    pub fn offset_utf16(&self, text: &str, pos: LineCol) -> Option<TextSize> {
        if pos.line as usize >= self.line_starts.len() {
            return None;
        }
        let range = self.line_range(pos.line);
        let line_text = &text[range];
        let line_text = line_text.strip_suffix('\n').unwrap_or(line_text);
        let mut units = 0u32;
        for (i, ch) in line_text.char_indices() {
            if units >= pos.col {
                return Some(range.start() + TextSize::from(i as u32));
            }
            units += ch.len_utf16() as u32;
        }
        Some(range.start() + TextSize::of(line_text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_offsets_both_ways() {
        let text = "FROM a\nRUN é𝄞x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 3);
        let x = TextSize::from(text.find('x').unwrap() as u32);
        assert_eq!(idx.line_col(x), LineCol { line: 1, col: 10 });
        assert_eq!(idx.line_col_utf16(text, x), LineCol { line: 1, col: 7 });
        assert_eq!(idx.line_col_chars(text, x), LineCol { line: 1, col: 6 });
        assert_eq!(idx.offset_utf16(text, LineCol { line: 1, col: 7 }), Some(x));
        assert_eq!(idx.offset_utf16(text, LineCol { line: 9, col: 0 }), None);
        assert_eq!(
            idx.offset_utf16(text, LineCol { line: 0, col: 99 }),
            Some(TextSize::from(6))
        );
    }
}
