//! Completion: instructions (snippets), parser directives at the top, flags per instruction,
//! flag values, stage names after `--from=`, variables after `$` and `${`.

use crate::{convert, docs, document::Snapshot};
use dflint_rules::model::{Model, AUTOMATIC_ARGS, PREDEFINED_ARGS};
use dflint_syntax::{validate, SyntaxKind, TextRange, TextSize};
use tower_lsp_server::ls_types::*;

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

pub fn completion(
    snap: &Snapshot,
    model: &Model,
    pos: Position,
    snippets: bool,
) -> Option<CompletionResponse> {
    let off = convert::offset(snap, pos)?;
    let line = snap.line_index.line_of(off);
    let line_start = snap.line_index.line_start(line);
    let before = &snap.text[usize::from(line_start)..usize::from(off)];
    let edit_range = |start: usize| {
        convert::range(
            snap,
            TextRange::new(line_start + TextSize::from(start as u32), off),
        )
    };

    // Inside a comment line: directives at the top of the file, nothing else.
    if before.trim_start().starts_with('#') {
        let at_top = model
            .instructions
            .first()
            .is_none_or(|i| i.range().start() >= off);
        if !at_top || before.contains('=') {
            return None;
        }
        let start = before.len() - before.trim_start().len();
        return Some(list(directives(snippets, edit_range(start))));
    }

    // `$NAME` / `${NAME`: variables visible here.
    if let Some(p) = before.rfind('$') {
        let tail = &before[p + 1..];
        let (braced, name) = match tail.strip_prefix('{') {
            Some(n) => (true, n),
            None => (false, tail),
        };
        if name.chars().all(is_name_char) {
            let start = p + 1 + usize::from(braced);
            return Some(list(variables(model, off, braced, edit_range(start))));
        }
    }

    let instr_idx = model.instruction_at(off).or_else(|| {
        // At the end of a line that ends the previous instruction.
        off.checked_sub(TextSize::from(1))
            .and_then(|o| model.instruction_at(o))
    });
    let instr = instr_idx.map(|i| &model.instructions[i]);
    let continued =
        instr.is_some_and(|i| i.range().start() < line_start && i.range().end() > line_start);
    let word_start = before
        .rfind(|c: char| c.is_whitespace())
        .map_or(0, |p| p + 1);
    let word = &before[word_start..];
    let first_word_on_line = before[..word_start].trim().is_empty();

    if first_word_on_line && !continued && !word.starts_with('-') {
        let mut items = instructions(snippets, edit_range(word_start));
        let at_top = model
            .instructions
            .first()
            .is_none_or(|i| i.range().start() >= line_start);
        if at_top && word.is_empty() {
            items.extend(directives(snippets, edit_range(word_start)));
        }
        return Some(list(items));
    }

    let instr = instr?;
    let instr = instr
        .trigger()
        .filter(|t| t.range().start() <= off)
        .unwrap_or_else(|| instr.clone());
    let kind = instr.kind();
    if let Some(flag) = word.strip_prefix("--") {
        return Some(list(match flag.split_once('=') {
            None => flags(kind, edit_range(word_start)),
            Some((name, value)) => {
                let value_start = word_start + 2 + name.len() + 1;
                flag_values(model, instr_idx?, name, value, value_start, &edit_range)
            }
        }));
    }
    None
}

fn list(items: Vec<CompletionItem>) -> CompletionResponse {
    CompletionResponse::List(CompletionList {
        is_incomplete: false,
        items,
    })
}

fn item(label: &str, kind: CompletionItemKind, range: Range, new_text: String) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text })),
        ..Default::default()
    }
}

fn markdown(s: String) -> Option<Documentation> {
    Some(Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value: s,
    }))
}

fn instructions(snippets: bool, range: Range) -> Vec<CompletionItem> {
    docs::INSTRUCTIONS
        .iter()
        .map(|d| {
            let text = if snippets {
                d.snippet.to_string()
            } else {
                format!("{} ", d.name)
            };
            CompletionItem {
                insert_text_format: Some(if snippets {
                    InsertTextFormat::SNIPPET
                } else {
                    InsertTextFormat::PLAIN_TEXT
                }),
                detail: Some(d.syntax[0].to_string()),
                documentation: markdown(d.markdown()),
                deprecated: (d.name == "MAINTAINER").then_some(true),
                ..item(d.name, CompletionItemKind::KEYWORD, range, text)
            }
        })
        .collect()
}

fn directives(snippets: bool, range: Range) -> Vec<CompletionItem> {
    docs::DIRECTIVES
        .iter()
        .map(|(name, snippet, doc)| {
            let text = if snippets {
                snippet.to_string()
            } else {
                format!("# {name}=")
            };
            CompletionItem {
                insert_text_format: Some(if snippets {
                    InsertTextFormat::SNIPPET
                } else {
                    InsertTextFormat::PLAIN_TEXT
                }),
                detail: Some("parser directive".into()),
                documentation: markdown(doc.to_string()),
                filter_text: Some(format!("# {name}")),
                ..item(
                    &format!("# {name}="),
                    CompletionItemKind::PROPERTY,
                    range,
                    text,
                )
            }
        })
        .collect()
}

fn flags(kind: SyntaxKind, range: Range) -> Vec<CompletionItem> {
    let keyword = kind.keyword().unwrap_or("");
    validate::flag_names(kind)
        .into_iter()
        .map(|f| {
            let takes_value = docs::FLAGS
                .iter()
                .find(|(i, n, _, _)| *i == keyword && *n == f)
                .is_none_or(|(_, _, v, _)| !v.starts_with('['));
            let text = if takes_value {
                format!("--{f}=")
            } else {
                format!("--{f}")
            };
            CompletionItem {
                documentation: docs::flag(keyword, f).and_then(markdown),
                command: takes_value.then(|| Command {
                    title: "values".into(),
                    command: "editor.action.triggerSuggest".into(),
                    arguments: None,
                }),
                ..item(&format!("--{f}"), CompletionItemKind::PROPERTY, range, text)
            }
        })
        .collect()
}

fn values(vals: &[&str], kind: CompletionItemKind, range: Range) -> Vec<CompletionItem> {
    vals.iter()
        .map(|v| item(v, kind, range, v.to_string()))
        .collect()
}

fn flag_values(
    model: &Model,
    instr: usize,
    flag: &str,
    value: &str,
    value_start: usize,
    edit_range: &dyn Fn(usize) -> Range,
) -> Vec<CompletionItem> {
    let value_kind = CompletionItemKind::VALUE;
    match flag {
        "from" => stages(model, instr, edit_range(value_start)),
        "platform" => values(
            &[
                "linux/amd64",
                "linux/arm64",
                "linux/arm/v7",
                "linux/arm/v6",
                "linux/386",
                "linux/ppc64le",
                "linux/s390x",
                "linux/riscv64",
                "windows/amd64",
                "$BUILDPLATFORM",
                "$TARGETPLATFORM",
            ],
            value_kind,
            edit_range(value_start),
        ),
        "chmod" => values(
            &["755", "644", "0755", "0644", "600", "700", "u+x", "a+r"],
            value_kind,
            edit_range(value_start),
        ),
        "network" => values(
            &["default", "none", "host"],
            value_kind,
            edit_range(value_start),
        ),
        "security" => values(
            &["sandbox", "insecure"],
            value_kind,
            edit_range(value_start),
        ),
        "link" | "parents" | "keep-git-dir" | "unpack" => {
            values(&["true", "false"], value_kind, edit_range(value_start))
        }
        "chown" => values(
            &["root:root", "1000:1000"],
            value_kind,
            edit_range(value_start),
        ),
        "mount" => {
            let field_start = value.rfind(',').map_or(0, |p| p + 1);
            let field = &value[field_start..];
            let start = value_start + field_start;
            match field.split_once('=') {
                Some(("type", _)) => values(
                    &["bind", "cache", "tmpfs", "secret", "ssh"],
                    value_kind,
                    edit_range(start + 5),
                ),
                Some(("from", _)) => stages(model, instr, edit_range(start + 5)),
                Some(("sharing", _)) => values(
                    &["shared", "private", "locked"],
                    value_kind,
                    edit_range(start + 8),
                ),
                Some(_) => Vec::new(),
                None => {
                    let keys: &[&str] = if value.contains("type=") {
                        &[
                            "target=",
                            "source=",
                            "from=",
                            "id=",
                            "sharing=",
                            "mode=",
                            "uid=",
                            "gid=",
                            "readonly",
                            "readwrite",
                            "required",
                            "env=",
                            "size=",
                        ]
                    } else {
                        &["type="]
                    };
                    values(keys, CompletionItemKind::PROPERTY, edit_range(start))
                }
            }
        }
        _ => Vec::new(),
    }
}

/// Named stages before the instruction's own stage (a stage cannot copy from itself or later).
fn stages(model: &Model, instr: usize, range: Range) -> Vec<CompletionItem> {
    let current = model.stage_of(instr).unwrap_or(model.stages.len());
    let mut seen = std::collections::HashSet::new();
    model.stages[..current.min(model.stages.len())]
        .iter()
        .rev()
        .filter_map(|s| {
            let name = s
                .name
                .as_ref()
                .filter(|n| seen.insert(n.text.to_lowercase()))?;
            let image = s.image_resolved.clone().unwrap_or_default();
            Some(CompletionItem {
                detail: Some(format!("stage {} FROM {image}", s.index)),
                sort_text: Some(format!("{:06}", current - s.index)),
                ..item(
                    &name.text,
                    CompletionItemKind::MODULE,
                    range,
                    name.text.clone(),
                )
            })
        })
        .collect()
}

fn variables(model: &Model, off: TextSize, braced: bool, range: Range) -> Vec<CompletionItem> {
    let instr = model.instruction_at(off).unwrap_or_else(|| {
        model
            .instructions
            .partition_point(|i| i.range().end() <= off)
    });
    let in_from = model.stages.iter().any(|s| s.from == instr);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let close = if braced { "}" } else { "" };
    let defs = model.visible_defs(instr);
    for d in defs.iter().rev() {
        if !seen.insert(d.name.clone()) {
            continue;
        }
        let value = model.value_at(instr, &d.name);
        out.push(CompletionItem {
            detail: Some(match &value {
                Some(v) => format!("= {v}"),
                None => "(no value)".into(),
            }),
            ..item(
                &d.name,
                CompletionItemKind::VARIABLE,
                range,
                format!("{}{close}", d.name),
            )
        });
    }
    let builtin: &[&str] = if in_from {
        AUTOMATIC_ARGS
    } else {
        PREDEFINED_ARGS
    };
    for name in builtin {
        if seen.insert(name.to_string()) {
            out.push(CompletionItem {
                detail: Some("predefined build argument".into()),
                sort_text: Some(format!("~{name}")),
                ..item(
                    name,
                    CompletionItemKind::CONSTANT,
                    range,
                    format!("{name}{close}"),
                )
            });
        }
    }
    out
}
