//! Signature help: the syntax forms of the instruction under the cursor, with the argument the
//! cursor is on.

use crate::{convert, docs, document::Snapshot};
use dflint_rules::Model;
use tower_lsp_server::ls_types::*;

pub fn signature_help(snap: &Snapshot, model: &Model, pos: Position) -> Option<SignatureHelp> {
    let off = convert::offset(snap, pos)?;
    let i = model.instruction_at(off).or_else(|| {
        off.checked_sub(1.into())
            .and_then(|o| model.instruction_at(o))
    })?;
    let top = &model.instructions[i];
    let instr = top
        .trigger()
        .filter(|t| t.range().start() <= off)
        .unwrap_or_else(|| top.clone());
    let keyword = instr.keyword()?;
    if off < keyword.text_range().end() {
        return None;
    }
    let doc = docs::instruction(keyword.text())?;
    let signatures: Vec<SignatureInformation> = doc
        .syntax
        .iter()
        .enumerate()
        .map(|(n, label)| SignatureInformation {
            label: label.to_string(),
            documentation: (n == 0).then(|| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: doc.summary.to_string(),
                })
            }),
            parameters: (n == 0).then(|| {
                doc.params
                    .iter()
                    .filter_map(|(p, d)| {
                        let start = label.find(p)? as u32;
                        Some(ParameterInformation {
                            label: ParameterLabel::LabelOffsets([start, start + p.len() as u32]),
                            documentation: Some(Documentation::String(d.to_string())),
                        })
                    })
                    .collect()
            }),
            active_parameter: None,
        })
        .collect();
    let words_before = instr.args().iter().filter(|w| w.range.end() < off).count();
    let n_params = doc.params.len().max(1);
    let active = match doc.name {
        // <src>... <dest>: the last word is the destination.
        "COPY" | "ADD" => {
            let total = instr.args().len();
            usize::from(total >= 2 && words_before + 1 >= total)
        }
        "FROM" => usize::from(words_before >= 1),
        _ => words_before.min(n_params - 1),
    };
    let active_signature = if instr.exec_form().is_some() {
        doc.syntax
            .iter()
            .position(|s| s.contains('[') && s.contains('"'))
            .unwrap_or(0)
    } else {
        0
    };
    Some(SignatureHelp {
        signatures,
        active_signature: Some(active_signature as u32),
        active_parameter: Some(active as u32),
    })
}
