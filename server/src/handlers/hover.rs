//! Hover: instruction and flag docs, the rule's docs on a diagnostic, a variable's value at that
//! point, a stage's base image.

use crate::{convert, docs, document::Snapshot, names};
use dflint_rules::model::{Model, VarKind, AUTOMATIC_ARGS, PREDEFINED_ARGS};
use dflint_rules::{registry, Diagnostic};
use dflint_syntax::{SyntaxKind, TextRange};
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

pub fn hover(snap: &Snapshot, model: &Model, pos: Position, diags: &[Diagnostic]) -> Option<Hover> {
    let off = convert::offset(snap, pos)?;
    let mut parts: Vec<String> = Vec::new();
    let mut range: Option<TextRange> = None;

    for d in diags.iter().filter(|d| d.range.contains_inclusive(off)) {
        let mut s = format!("**{}** `{}`: {}", d.code, d.name, d.message);
        if let Some(m) = registry::lookup(d.code) {
            s.push_str(&format!(
                "\n\n{}\n\n[{}]({})",
                m.docs.trim(),
                m.url(),
                m.url()
            ));
        }
        parts.push(s);
        range.get_or_insert(d.range);
    }

    if let Some(i) = model.instruction_at(off) {
        let top = &model.instructions[i];
        let instr = top
            .trigger()
            .filter(|t| t.range().contains_inclusive(off))
            .unwrap_or_else(|| top.clone());
        let keyword = instr
            .keyword()
            .filter(|k| k.text_range().contains_inclusive(off));
        if let Some(k) = keyword {
            if let Some(doc) = docs::instruction(k.text()) {
                parts.push(doc.markdown());
                range = Some(k.text_range());
            }
        } else if let Some(f) = instr
            .flags()
            .find(|f| f.name_range().contains_inclusive(off))
        {
            if let Some(doc) = docs::flag(&instr.name(), &f.name()) {
                parts.push(doc);
                range = Some(f.name_range());
            }
        } else if let Some(s) = variable(model, i, off, &mut range) {
            parts.push(s);
        } else if let Some(s) = stage(model, i, off, &mut range) {
            parts.push(s);
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range: range.map(|r| convert::range(snap, r)),
    })
}

fn variable(
    model: &Model,
    i: usize,
    off: dflint_syntax::TextSize,
    range: &mut Option<TextRange>,
) -> Option<String> {
    let instr = &model.instructions[i];
    if let Some(d) = model
        .defs
        .iter()
        .find(|d| d.instr == i && d.name_range.contains_inclusive(off))
    {
        *range = Some(d.name_range);
        let kind = match d.kind {
            VarKind::GlobalArg => "global ARG",
            VarKind::Arg => "ARG",
            VarKind::Env => "ENV",
        };
        let value = match model.value_at(i + 1, &d.name).filter(|_| {
            i + 1 < model.instructions.len()
                && model.stage_of(i + 1) == model.stage_of(i)
                && model.stages.iter().all(|s| s.from != i + 1)
        }) {
            Some(v) => format!("`{v}`"),
            None => match &d.value {
                Some(v) => format!("`{}`", dflint_rules::model::unquote(v)),
                None => "no default value".into(),
            },
        };
        return Some(format!(
            "```dockerfile\n{kind} {}\n```\nvalue: {value}",
            d.name
        ));
    }
    let r = instr
        .variable_refs(model.escape)
        .into_iter()
        .find(|r| r.range.text_range().contains_inclusive(off))?;
    *range = Some(r.range.text_range());
    let name = &r.name;
    let mut s = format!("```dockerfile\n${name}\n```\n");
    match (model.value_at(i, name), names::resolve(model, i, name)) {
        (Some(v), Some(def)) => s.push_str(&format!(
            "value here: `{v}`\n\ndefined by {} on line {}",
            if def.kind == VarKind::Env {
                "ENV"
            } else {
                "ARG"
            },
            model.line_of(def.name_range.start())
        )),
        (None, Some(def)) => s.push_str(&format!(
            "declared on line {} without a value: set with `--build-arg {name}=...`",
            model.line_of(def.name_range.start())
        )),
        _ if AUTOMATIC_ARGS.contains(&name.as_str())
            || PREDEFINED_ARGS.contains(&name.as_str()) =>
        {
            s.push_str("set by BuildKit (predefined build argument)")
        }
        _ => s.push_str("not defined at this point: expands to an empty string"),
    }
    Some(s)
}

fn stage(
    model: &Model,
    i: usize,
    off: dflint_syntax::TextSize,
    range: &mut Option<TextRange>,
) -> Option<String> {
    let (sym, r) = names::symbol_at(model, off)?;
    let names::Symbol::Stage(s) = sym else {
        return None;
    };
    let _ = i;
    let st = &model.stages[s];
    *range = Some(r);
    let name = st
        .name
        .as_ref()
        .map(|n| format!("`{}`", n.text))
        .unwrap_or_else(|| format!("#{}", st.index));
    let base = match st.base_stage {
        Some(b) => format!(
            "builds on stage `{}`",
            model.stages[b]
                .name
                .as_ref()
                .map(|n| n.text.clone())
                .unwrap_or_else(|| b.to_string())
        ),
        None => format!(
            "base image `{}`",
            st.image_resolved.clone().unwrap_or_default()
        ),
    };
    let _ = SyntaxKind::FROM_INSTR;
    Some(format!(
        "stage {name} (index {}, line {}): {base}",
        st.index,
        model.line_of(model.instructions[st.from].range().start())
    ))
}
