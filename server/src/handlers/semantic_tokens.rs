//! Semantic tokens, full, range and delta: one pass over the tree's tokens, with variable
//! references laid over the words they sit in. Linear in the size of the file.

use crate::{convert, document::Snapshot};
use dflint_rules::Model;
use dflint_syntax::{SyntaxKind::*, SyntaxToken, TextRange, TextSize};
use tower_lsp_server::ls_types::*;

const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::COMMENT,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::STRING,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::MACRO,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::CLASS,
];
const T_KEYWORD: u32 = 0;
const T_COMMENT: u32 = 1;
const T_PARAMETER: u32 = 2;
const T_STRING: u32 = 3;
const T_VARIABLE: u32 = 4;
const T_PROPERTY: u32 = 5;
const T_OPERATOR: u32 = 6;
const T_MACRO: u32 = 7;
const T_NAMESPACE: u32 = 8;
const T_CLASS: u32 = 9;

const MODIFIERS: &[SemanticTokenModifier] = &[
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::DEPRECATED,
];
const T_DECLARATION: u32 = 1;
const T_DEPRECATED: u32 = 2;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

#[derive(Clone, Copy)]
struct Tok {
    range: TextRange,
    ty: u32,
    mods: u32,
}

fn classify(t: &SyntaxToken, from_words: &mut Option<(usize, bool)>) -> Option<(u32, u32)> {
    let parent = t.parent().map(|p| p.kind());
    Some(match t.kind() {
        KEYWORD => {
            let deprecated = parent == Some(MAINTAINER_INSTR);
            (T_KEYWORD, if deprecated { T_DEPRECATED } else { 0 })
        }
        COMMENT if parent == Some(DIRECTIVE) => (T_MACRO, 0),
        COMMENT => (T_COMMENT, 0),
        FLAG_NAME => (T_PARAMETER, 0),
        VALUE | JSON_STRING | HEREDOC_BODY => (T_STRING, 0),
        KEY if parent == Some(ARG_DECL) => (T_VARIABLE, T_DECLARATION),
        KEY => {
            let env = t
                .parent()
                .and_then(|p| p.parent())
                .is_some_and(|g| g.kind() == ENV_INSTR);
            if env {
                (T_VARIABLE, T_DECLARATION)
            } else {
                (T_PROPERTY, 0)
            }
        }
        HEREDOC_MARKER | HEREDOC_END => (T_OPERATOR, 0),
        WORD if parent == Some(FROM_INSTR) => {
            // image [AS name]
            let (n, as_seen) = from_words.get_or_insert((0, false));
            *n += 1;
            if *n == 1 {
                (T_CLASS, 0)
            } else if t.text().eq_ignore_ascii_case("as") && !*as_seen {
                *as_seen = true;
                (T_KEYWORD, 0)
            } else {
                (T_NAMESPACE, T_DECLARATION)
            }
        }
        _ => return None,
    })
}

fn collect(model: &Model) -> Vec<Tok> {
    let mut base: Vec<Tok> = Vec::new();
    let mut vars: Vec<TextRange> = Vec::new();
    for node in model.tree.syntax().children() {
        if node.kind().is_instruction() {
            if let Some(instr) = dflint_syntax::ast::Instruction::cast(node.clone()) {
                vars.extend(
                    instr
                        .variable_refs(model.escape)
                        .into_iter()
                        .map(|r| r.range.text_range()),
                );
            }
        }
        let mut from_words: Option<(usize, bool)> = None;
        let mut last_parent = None;
        for t in node
            .descendants_with_tokens()
            .filter_map(|e| e.into_token())
        {
            if t.parent().map(|p| p.text_range()) != last_parent {
                last_parent = t.parent().map(|p| p.text_range());
                if t.parent().is_some_and(|p| p.kind() == FROM_INSTR) {
                    // same FROM: keep counting
                } else {
                    from_words = None;
                }
            }
            if let Some((ty, mods)) = classify(&t, &mut from_words) {
                base.push(Tok {
                    range: t.text_range(),
                    ty,
                    mods,
                });
            }
        }
    }
    // Top-level comments are tokens of the root.
    for t in model
        .tree
        .syntax()
        .children_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| t.kind() == COMMENT)
    {
        base.push(Tok {
            range: t.text_range(),
            ty: T_COMMENT,
            mods: 0,
        });
    }
    base.sort_by_key(|t| t.range.start());
    vars.sort_by_key(|r| r.start());
    // Lay variable references over the tokens they fall in (splitting those tokens).
    let mut out: Vec<Tok> = Vec::with_capacity(base.len() + vars.len());
    let mut vi = 0;
    for tok in base {
        while vi < vars.len() && vars[vi].end() <= tok.range.start() {
            vi += 1;
        }
        let mut pos = tok.range.start();
        let mut j = vi;
        while j < vars.len() && vars[j].start() < tok.range.end() {
            if tok.ty == T_COMMENT || tok.ty == T_MACRO || tok.ty == T_OPERATOR {
                break;
            }
            let v = vars[j].intersect(tok.range).unwrap_or(vars[j]);
            if v.start() > pos {
                out.push(Tok {
                    range: TextRange::new(pos, v.start()),
                    ..tok
                });
            }
            if v.start() >= pos && !v.is_empty() {
                out.push(Tok {
                    range: v,
                    ty: T_VARIABLE,
                    mods: 0,
                });
                pos = v.end();
            }
            j += 1;
        }
        if pos < tok.range.end() {
            out.push(Tok {
                range: TextRange::new(pos, tok.range.end()),
                ..tok
            });
        }
    }
    out
}

/// The encoded tokens of the document, or of `range` only.
pub fn tokens(snap: &Snapshot, model: &Model, range: Option<Range>) -> Vec<SemanticToken> {
    let window = range.and_then(|r| convert::text_range(snap, r));
    let mut out = Vec::new();
    let (mut prev_line, mut prev_col) = (0u32, 0u32);
    for tok in collect(model) {
        if let Some(w) = window {
            if tok.range.end() <= w.start() || tok.range.start() >= w.end() {
                continue;
            }
        }
        // Split tokens that span lines (heredoc bodies): one token per line.
        let mut start = tok.range.start();
        while start < tok.range.end() {
            let line = snap.line_index.line_of(start);
            let line_end = snap.line_index.line_range(line).end();
            let text_end = {
                let lr = TextRange::new(start, line_end.min(tok.range.end()));
                let t = &snap.text[lr];
                start + TextSize::of(t.trim_end_matches(['\n', '\r']))
            };
            if text_end > start {
                let a = convert::position(snap, start);
                let b = convert::position(snap, text_end);
                let delta_line = a.line - prev_line;
                let delta_start = if delta_line == 0 {
                    a.character - prev_col
                } else {
                    a.character
                };
                out.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: b.character - a.character,
                    token_type: tok.ty,
                    token_modifiers_bitset: tok.mods,
                });
                prev_line = a.line;
                prev_col = a.character;
            }
            start = line_end.min(tok.range.end()).max(start + TextSize::from(1));
        }
    }
    out
}

/// One edit from `old` to `new`: the part between their common prefix and suffix.
pub fn delta(old: &[SemanticToken], new: &[SemanticToken]) -> Vec<SemanticTokensEdit> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    if prefix == old.len() && prefix == new.len() {
        return Vec::new();
    }
    vec![SemanticTokensEdit {
        start: (prefix * 5) as u32,
        delete_count: ((old.len() - prefix - suffix) * 5) as u32,
        data: Some(new[prefix..new.len() - suffix].to_vec()),
    }]
}
