//! Inlay hints: the value each variable has where a FROM line uses it.

use crate::{convert, document::Snapshot};
use dflint_rules::Model;
use tower_lsp_server::ls_types::*;

pub fn inlay_hints(snap: &Snapshot, model: &Model, range: Range) -> Option<Vec<InlayHint>> {
    let window = convert::text_range(snap, range)?;
    let mut out = Vec::new();
    for st in &model.stages {
        let from = &model.instructions[st.from];
        if from.range().intersect(window).is_none() {
            continue;
        }
        for r in from.variable_refs(model.escape) {
            let value = model.value_at(st.from, &r.name).unwrap_or_default();
            out.push(InlayHint {
                position: convert::position(snap, r.range.text_range().end()),
                label: InlayHintLabel::String(format!("= {value}")),
                kind: Some(InlayHintKind::PARAMETER),
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(format!(
                    "{} in this FROM line",
                    r.name
                ))),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            });
        }
    }
    Some(out)
}
