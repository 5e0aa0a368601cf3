//! Go to definition, find references, document highlight, rename and prepareRename, for stages
//! and ARG/ENV variables, all through the semantic model (see `names`).

use crate::names::{self, Occurrence, Symbol};
use crate::{convert, document::Snapshot};
use dflint_rules::Model;
use std::collections::HashMap;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

pub fn definition(snap: &Snapshot, model: &Model, pos: Position) -> Option<GotoDefinitionResponse> {
    let off = convert::offset(snap, pos)?;
    let (sym, _) = names::symbol_at(model, off)?;
    let ranges: Vec<_> = match &sym {
        Symbol::Stage(s) => {
            let st = &model.stages[*s];
            vec![st
                .name
                .as_ref()
                .map(|n| n.range)
                .unwrap_or_else(|| model.instructions[st.from].range())]
        }
        Symbol::Var { name, .. } => {
            // The definition this very mention uses, when it is a reference.
            let i = model.instruction_at(off)?;
            let own = model
                .defs
                .iter()
                .find(|d| d.instr == i && d.name_range.contains_inclusive(off));
            match own.or_else(|| names::resolve(model, i, name)) {
                Some(d) => vec![d.name_range],
                None => Vec::new(),
            }
        }
    };
    let locs: Vec<Location> = ranges
        .into_iter()
        .map(|r| Location::new(snap.uri.clone(), convert::range(snap, r)))
        .collect();
    (!locs.is_empty()).then_some(GotoDefinitionResponse::Array(locs))
}

fn occurrences(snap: &Snapshot, model: &Model, pos: Position) -> Option<Vec<Occurrence>> {
    let off = convert::offset(snap, pos)?;
    let (sym, _) = names::symbol_at(model, off)?;
    Some(names::occurrences(model, &sym))
}

pub fn references(
    snap: &Snapshot,
    model: &Model,
    pos: Position,
    include_decl: bool,
) -> Option<Vec<Location>> {
    Some(
        occurrences(snap, model, pos)?
            .into_iter()
            .filter(|o| include_decl || !o.is_def)
            .map(|o| Location::new(snap.uri.clone(), convert::range(snap, o.range)))
            .collect(),
    )
}

pub fn highlight(snap: &Snapshot, model: &Model, pos: Position) -> Option<Vec<DocumentHighlight>> {
    Some(
        occurrences(snap, model, pos)?
            .into_iter()
            .map(|o| DocumentHighlight {
                range: convert::range(snap, o.range),
                kind: Some(if o.is_def {
                    DocumentHighlightKind::WRITE
                } else {
                    DocumentHighlightKind::READ
                }),
            })
            .collect(),
    )
}

/// The name under the cursor when renaming it is possible (a named stage or a variable,
/// mentioned by name).
fn renamable(
    snap: &Snapshot,
    model: &Model,
    pos: Position,
) -> Option<(Symbol, dflint_syntax::TextRange, String)> {
    let off = convert::offset(snap, pos)?;
    let (sym, range) = names::symbol_at(model, off)?;
    let text = snap.text[range].to_string();
    let ok = match &sym {
        Symbol::Stage(s) => model.stages[*s]
            .name
            .as_ref()
            .is_some_and(|n| n.text.eq_ignore_ascii_case(&text)),
        Symbol::Var { name, .. } => *name == text,
    };
    ok.then_some((sym, range, text))
}

pub fn prepare_rename(
    snap: &Snapshot,
    model: &Model,
    pos: Position,
) -> Option<PrepareRenameResponse> {
    let (_, range, text) = renamable(snap, model, pos)?;
    Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: convert::range(snap, range),
        placeholder: text,
    })
}

fn valid_var(name: &str) -> bool {
    let mut c = name.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
}

/// BuildKit's stage name pattern `^[a-z][a-z0-9-_.]*$` (case-insensitive).
fn valid_stage(name: &str) -> bool {
    let mut c = name.chars();
    c.next().is_some_and(|f| f.is_ascii_alphabetic())
        && c.all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch))
}

pub fn rename(
    snap: &Snapshot,
    model: &Model,
    pos: Position,
    new_name: &str,
) -> Result<Option<WorkspaceEdit>> {
    let Some((sym, _, _)) = renamable(snap, model, pos) else {
        return Ok(None);
    };
    let ok = match sym {
        Symbol::Stage(_) => valid_stage(new_name),
        Symbol::Var { .. } => valid_var(new_name),
    };
    if !ok {
        return Err(Error::invalid_params(format!(
            "`{new_name}` is not a valid {} name",
            if matches!(sym, Symbol::Stage(_)) {
                "stage"
            } else {
                "variable"
            }
        )));
    }
    let edits: Vec<TextEdit> = names::occurrences(model, &sym)
        .into_iter()
        .map(|o| TextEdit::new(convert::range(snap, o.range), new_name.to_string()))
        .collect();
    Ok(Some(WorkspaceEdit {
        changes: Some(HashMap::from([(snap.uri.clone(), edits)])),
        ..Default::default()
    }))
}
