//! Document symbols: stages with their instructions inside; directives and global ARGs on top.

use crate::{convert, document::Snapshot};
use dflint_rules::Model;
use dflint_syntax::ast::Instruction;
use tower_lsp_server::ls_types::*;

/// The instruction's arguments, continuation lines joined, whitespace collapsed, cut at 60
/// characters. Read from the text directly, and only as far as needed: building each
/// instruction's logical line was half the time of a 5,000-line file's symbols.
fn summary(snap: &Snapshot, instr: &Instruction, escape: char) -> String {
    let range = instr.range();
    let start = instr
        .keyword()
        .map_or(range.start(), |k| k.text_range().end());
    let text = &snap.text[usize::from(start)..usize::from(range.end())];
    let mut s = String::new();
    let mut count = 0;
    let mut pending_space = false;
    for (n, line) in text.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        let trimmed = line.trim_start();
        // Comment and blank lines inside a continuation are not part of the instruction.
        if n > 0 && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        // As BuildKit: an escaped escape character does not continue the line.
        let (content, continues) = match trimmed.trim_end().strip_suffix(escape) {
            Some(c) if !c.ends_with(escape) => (c, true),
            _ => (trimmed, false),
        };
        for word in content.split_whitespace() {
            if pending_space && count > 0 {
                s.push(' ');
                count += 1;
            }
            for c in word.chars() {
                if count == 60 {
                    s.push('…');
                    return s;
                }
                s.push(c);
                count += 1;
            }
            pending_space = true;
        }
        if !continues {
            break; // the logical line ends here; heredoc bodies follow
        }
    }
    s
}

#[allow(deprecated)] // DocumentSymbol::deprecated is required by the type
fn symbol(
    snap: &Snapshot,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: dflint_syntax::TextRange,
    selection: dflint_syntax::TextRange,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: if name.is_empty() { "?".into() } else { name },
        detail: detail.filter(|d| !d.is_empty()),
        kind,
        tags: None,
        deprecated: None,
        range: convert::range(snap, range),
        selection_range: convert::range(snap, selection),
        children,
    }
}

fn instruction_symbol(snap: &Snapshot, instr: &Instruction, escape: char) -> DocumentSymbol {
    let sel = instr.keyword().map_or(instr.range(), |k| k.text_range());
    symbol(
        snap,
        instr.name(),
        Some(summary(snap, instr, escape)),
        SymbolKind::FUNCTION,
        trim_newline(snap, instr.range()),
        sel,
        None,
    )
}

fn trim_newline(snap: &Snapshot, r: dflint_syntax::TextRange) -> dflint_syntax::TextRange {
    let t = &snap.text[r];
    let trimmed = t.trim_end_matches(['\n', '\r']);
    dflint_syntax::TextRange::at(r.start(), dflint_syntax::TextSize::of(trimmed))
}

pub fn document_symbols(
    snap: &Snapshot,
    model: &Model,
    nested: bool,
) -> Option<DocumentSymbolResponse> {
    let mut top: Vec<DocumentSymbol> = Vec::new();
    for d in model.tree.directives() {
        top.push(symbol(
            snap,
            format!("# {}={}", d.name(), d.value()),
            None,
            SymbolKind::PROPERTY,
            d.range(),
            d.range(),
            None,
        ));
    }
    let first_from = model
        .stages
        .first()
        .map_or(model.instructions.len(), |s| s.from);
    for instr in &model.instructions[..first_from] {
        top.push(instruction_symbol(snap, instr, model.escape));
    }
    for st in &model.stages {
        let from = &model.instructions[st.from];
        let children: Vec<DocumentSymbol> = model.instructions[st.from..st.end]
            .iter()
            .map(|i| instruction_symbol(snap, i, model.escape))
            .collect();
        let range = from.range().cover(model.instructions[st.end - 1].range());
        let name = st
            .name
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_else(|| format!("stage {}", st.index));
        let sel = st.name.as_ref().map_or(from.range(), |n| n.range);
        top.push(symbol(
            snap,
            name,
            st.image_resolved.clone(),
            SymbolKind::MODULE,
            trim_newline(snap, range),
            trim_newline(snap, sel),
            Some(children),
        ));
    }
    if nested {
        return Some(DocumentSymbolResponse::Nested(top));
    }
    let mut flat = Vec::new();
    fn flatten(
        uri: &Uri,
        s: DocumentSymbol,
        container: Option<String>,
        out: &mut Vec<SymbolInformation>,
    ) {
        #[allow(deprecated)]
        out.push(SymbolInformation {
            name: s.name.clone(),
            kind: s.kind,
            tags: None,
            deprecated: None,
            location: Location::new(uri.clone(), s.range),
            container_name: container,
        });
        for c in s.children.unwrap_or_default() {
            flatten(uri, c, Some(s.name.clone()), out);
        }
    }
    for s in top {
        flatten(&snap.uri, s, None, &mut flat);
    }
    Some(DocumentSymbolResponse::Flat(flat))
}
