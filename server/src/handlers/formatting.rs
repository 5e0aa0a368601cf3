//! Formatting through the shared formatter (`dflint_syntax::format`, also `dflint fmt`). The
//! formatter keeps every line where it is, so the edits are per changed line.

use crate::{convert, document::Snapshot};
use dflint_syntax::format::{format_text, FormatOptions};
use dflint_syntax::{TextRange, TextSize};
use tower_lsp_server::ls_types::{FormattingOptions, TextEdit};

pub fn format(snap: &Snapshot, options: &FormattingOptions) -> Option<Vec<TextEdit>> {
    let indent = if options.insert_spaces {
        " ".repeat(options.tab_size.clamp(1, 16) as usize)
    } else {
        "\t".into()
    };
    let formatted = format_text(&snap.text, &FormatOptions { indent });
    if formatted == snap.text {
        return Some(Vec::new());
    }
    let old: Vec<&str> = snap.text.split_inclusive('\n').collect();
    let new: Vec<&str> = formatted.split_inclusive('\n').collect();
    if old.len() != new.len() {
        let end = convert::position(snap, TextSize::of(snap.text.as_str()));
        let range = tower_lsp_server::ls_types::Range::new(Default::default(), end);
        return Some(vec![TextEdit::new(range, formatted)]);
    }
    let mut edits = Vec::new();
    let mut off = 0usize;
    for (o, n) in old.iter().zip(&new) {
        if o != n {
            let o_body = o.trim_end_matches(['\n', '\r']);
            let n_body = n.trim_end_matches(['\n', '\r']);
            let r = TextRange::at(TextSize::from(off as u32), TextSize::of(o_body));
            edits.push(TextEdit::new(convert::range(snap, r), n_body.to_string()));
        }
        off += o.len();
    }
    Some(edits)
}
