//! Open documents: text, version and parse, replaced as a whole on every edit (snapshots are
//! immutable, so a request in flight keeps reading the version it started with).

use dflint_syntax::{LineCol, LineIndex, Parse, TextSize};
use std::path::PathBuf;
use std::sync::Arc;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

/// One version of one document.
pub struct Snapshot {
    pub uri: Uri,
    pub version: i32,
    pub text: String,
    pub parse: Parse,
    pub line_index: LineIndex,
    /// The file on disk, for `file:` URIs.
    pub path: Option<PathBuf>,
}

impl Snapshot {
    pub fn new(uri: Uri, version: i32, text: String) -> Snapshot {
        let parse = dflint_syntax::parse(&text);
        let line_index = LineIndex::new(&text);
        let path = uri.to_file_path().map(|p| p.into_owned());
        Snapshot {
            uri,
            version,
            text,
            parse,
            line_index,
            path,
        }
    }

    /// The next version after applying `changes` in order (ranges are UTF-16 positions in the
    /// text as it is after the previous change; out-of-range positions clamp to the end).
    pub fn apply(&self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) -> Snapshot {
        let mut text = self.text.clone();
        let mut index: Option<LineIndex> = None;
        for change in changes {
            match change.range {
                None => {
                    text = change.text;
                    index = None;
                }
                Some(range) => {
                    let idx = index.get_or_insert_with(|| LineIndex::new(&text));
                    let clamp = |p: tower_lsp_server::ls_types::Position| {
                        idx.offset_utf16(
                            &text,
                            LineCol {
                                line: p.line,
                                col: p.character,
                            },
                        )
                        .unwrap_or(TextSize::of(text.as_str()))
                    };
                    let start = usize::from(clamp(range.start));
                    let end = usize::from(clamp(range.end)).max(start);
                    text.replace_range(start..end, &change.text);
                    index = None;
                }
            }
        }
        Snapshot::new(self.uri.clone(), version, text)
    }
}

pub type SnapshotRef = Arc<Snapshot>;
