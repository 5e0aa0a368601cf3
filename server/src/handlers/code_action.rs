//! Code actions: each rule's fix as a quick fix, "ignore this rule here", and fix all safe
//! problems in the file.

use crate::diagnostics::{self, to_lsp};
use crate::settings::Environment;
use crate::verify;
use crate::{convert, document::Snapshot};
use dflint_rules::{apply_edits, Applicability, Diagnostic, Edit, Model};
use dflint_syntax::{TextRange, TextSize};
use std::collections::HashMap;
use tower_lsp_server::ls_types::*;

fn workspace_edit(snap: &Snapshot, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(snap.uri.clone(), edits)])),
        ..Default::default()
    }
}

fn wanted(only: &Option<Vec<CodeActionKind>>, kind: &CodeActionKind) -> bool {
    match only {
        None => true,
        Some(kinds) => kinds.iter().any(|k| {
            kind.as_str() == k.as_str() || kind.as_str().starts_with(&format!("{}.", k.as_str()))
        }),
    }
}

pub fn code_actions(
    snap: &Snapshot,
    model: &Model,
    diags: &[Diagnostic],
    env: &Environment,
    params: &CodeActionParams,
) -> Option<CodeActionResponse> {
    let range = convert::text_range(snap, params.range)?;
    let only = &params.context.only;
    let mut out: Vec<CodeActionOrCommand> = Vec::new();
    let touches = |r: TextRange| r.intersect(range).is_some();
    // When the client names diagnostics, act on those; otherwise on all under the range.
    let named: Vec<(String, Range)> = params
        .context
        .diagnostics
        .iter()
        .filter(|d| d.source.as_deref() == Some("dflint"))
        .filter_map(|d| match &d.code {
            Some(NumberOrString::String(c)) => Some((c.clone(), d.range)),
            _ => None,
        })
        .collect();
    let selected = |d: &Diagnostic| {
        if named.is_empty() {
            touches(d.range)
        } else {
            let r = convert::range(snap, d.range);
            named.iter().any(|(c, nr)| c == d.code && *nr == r)
        }
    };
    for d in diags.iter().filter(|d| selected(d)) {
        if let Some(fix) = d
            .fix
            .as_ref()
            .filter(|_| wanted(only, &CodeActionKind::QUICKFIX))
        {
            let edits = fix
                .edits
                .iter()
                .map(|e| TextEdit::new(convert::range(snap, e.range), e.content.clone()))
                .collect();
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.message.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![to_lsp(snap, d)]),
                edit: Some(workspace_edit(snap, edits)),
                is_preferred: Some(fix.applicability == Applicability::Safe),
                ..Default::default()
            }));
        }
        if wanted(only, &CodeActionKind::QUICKFIX) {
            if let Some(edit) = ignore_edit(model, d) {
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Ignore {} ({}) for this instruction", d.name, d.code),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![to_lsp(snap, d)]),
                    edit: Some(workspace_edit(
                        snap,
                        vec![TextEdit::new(
                            convert::range(snap, edit.range),
                            edit.content,
                        )],
                    )),
                    ..Default::default()
                }));
            }
        }
    }
    // A real build can confirm or refute some rules: offer to run `dflint verify`.
    let verifiable: Vec<_> = diags
        .iter()
        .filter(|d| selected(d) && verify::VERIFIABLE.contains(&d.name))
        .map(|d| to_lsp(snap, d))
        .collect();
    if !verifiable.is_empty() && snap.path.is_some() && wanted(only, &CodeActionKind::QUICKFIX) {
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: verify::TITLE.into(),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(verifiable),
            command: Some(Command {
                title: verify::TITLE.into(),
                command: verify::COMMAND.into(),
                arguments: Some(vec![serde_json::Value::String(
                    snap.uri.as_str().to_string(),
                )]),
            }),
            ..Default::default()
        }));
    }
    let fix_all = CodeActionKind::SOURCE_FIX_ALL;
    let has_safe = diags.iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe)
    });
    if has_safe && wanted(only, &fix_all) {
        if let Some(fixed) = fix_all_safe(snap, env, diags) {
            let end = convert::position(snap, TextSize::of(snap.text.as_str()));
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: "Fix all safe problems (dflint)".into(),
                kind: Some(fix_all),
                edit: Some(workspace_edit(
                    snap,
                    vec![TextEdit::new(Range::new(Position::new(0, 0), end), fixed)],
                )),
                ..Default::default()
            }));
        }
    }
    Some(out)
}

/// `# dflint ignore=<name>` above the instruction, or the name added to such a comment there.
fn ignore_edit(model: &Model, d: &Diagnostic) -> Option<Edit> {
    let i = model.instruction_at(d.range.start())?;
    let start = model.instructions[i].range().start();
    let line = model.line_index.line_of(start);
    let line_start = model.line_index.line_start(line);
    let indent = &model.text[usize::from(line_start)..usize::from(start)];
    if !indent.trim().is_empty() {
        return None;
    }
    if line > 0 {
        let prev = model.line_index.line_range(line - 1);
        let prev_text = model.text[prev].trim_end();
        if let Some(rest) = prev_text.trim_start().strip_prefix("# dflint ignore=") {
            if rest
                .split(',')
                .any(|n| n.trim() == d.name || n.trim() == d.code)
            {
                return None;
            }
            let end = prev.start() + TextSize::of(prev_text);
            return Some(Edit::insert(end, format!(",{}", d.name)));
        }
    }
    Some(Edit::insert(
        line_start,
        format!("{indent}# dflint ignore={}\n", d.name),
    ))
}

/// The text with every safe fix applied, checking again until nothing safe is left to fix.
fn fix_all_safe(snap: &Snapshot, env: &Environment, diags: &[Diagnostic]) -> Option<String> {
    let mut text = snap.text.clone();
    let mut current: Vec<Diagnostic> = diags.to_vec();
    for _ in 0..10 {
        let mut edits: Vec<Edit> = Vec::new();
        for fix in current
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| f.applicability == Applicability::Safe)
        {
            let overlaps = fix.edits.iter().any(|e| {
                edits.iter().any(|o| {
                    o.range.intersect(e.range).is_some_and(|r| !r.is_empty())
                        || o.range.start() == e.range.start()
                })
            });
            if !overlaps {
                edits.extend(fix.edits.iter().cloned());
            }
        }
        if edits.is_empty() {
            break;
        }
        text = apply_edits(&text, &edits)?;
        let next = crate::document::Snapshot::new(snap.uri.clone(), snap.version, text.clone());
        current = diagnostics::check(&next, env);
    }
    (text != snap.text).then_some(text)
}
