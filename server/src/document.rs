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
    /// When this version was made (for `DFLINT_LSP_TRACE`).
    pub created: std::time::Instant,
}

impl Snapshot {
    pub fn new(uri: Uri, version: i32, text: String) -> Snapshot {
        let parse = dflint_syntax::parse(&text);
        Snapshot::with_parse(uri, version, text, parse)
    }

    fn with_parse(uri: Uri, version: i32, text: String, parse: Parse) -> Snapshot {
        let created = std::time::Instant::now();
        let line_index = LineIndex::new(&text);
        let path = uri.to_file_path().map(|p| p.into_owned());
        Snapshot {
            uri,
            version,
            text,
            parse,
            line_index,
            path,
            created,
        }
    }

    /// The next version after applying `changes` in order (ranges are UTF-16 positions in the
    /// text as it is after the previous change; out-of-range positions clamp to the end).
    pub fn apply(&self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) -> Snapshot {
        let mut text = self.text.clone();
        // This version's index serves the first change's positions.
        let mut index: Option<LineIndex> = Some(self.line_index.clone());
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
        // Only the lines around the edit are parsed again.
        let parse = dflint_syntax::reparse(&self.parse, &self.text, &text);
        Snapshot::with_parse(self.uri.clone(), version, text, parse)
    }
}

pub type SnapshotRef = Arc<Snapshot>;

/// An open document: its latest version and what was computed for it.
pub struct DocEntry {
    pub snap: SnapshotRef,
    /// The diagnostics of the latest checked version.
    pub diags: Option<(i32, Arc<Vec<dflint_rules::Diagnostic>>)>,
    /// The last semantic tokens sent, for delta requests.
    pub tokens: Option<(String, Vec<tower_lsp_server::ls_types::SemanticToken>)>,
}

/// The open documents by URI, shared by the request handlers and the checker thread. Whoever
/// publishes diagnostics does it holding this lock, so publications keep the versions' order.
pub type Docs = Arc<std::sync::Mutex<std::collections::HashMap<String, DocEntry>>>;
