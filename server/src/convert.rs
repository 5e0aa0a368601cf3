//! Byte offsets inside, LSP positions (UTF-16) at the edge.

use crate::document::Snapshot;
use dflint_syntax::{LineCol, TextRange, TextSize};
use tower_lsp_server::ls_types::{Position, Range};

/// The offset of an LSP position; `None` when the line is past the end of the text.
pub fn offset(snap: &Snapshot, pos: Position) -> Option<TextSize> {
    snap.line_index.offset_utf16(
        &snap.text,
        LineCol {
            line: pos.line,
            col: pos.character,
        },
    )
}

pub fn position(snap: &Snapshot, offset: TextSize) -> Position {
    let lc = snap.line_index.line_col_utf16(&snap.text, offset);
    Position::new(lc.line, lc.col)
}

pub fn range(snap: &Snapshot, r: TextRange) -> Range {
    Range::new(position(snap, r.start()), position(snap, r.end()))
}

/// The byte range of an LSP range (clamped; `None` when it starts past the end).
pub fn text_range(snap: &Snapshot, r: Range) -> Option<TextRange> {
    let start = offset(snap, r.start)?;
    let end = offset(snap, r.end).unwrap_or(TextSize::of(snap.text.as_str()));
    Some(TextRange::new(start, end.max(start)))
}
