//! Document symbols: stages with their instructions inside; directives and global ARGs on top.

use crate::{convert, document::Snapshot};
use dflint_rules::Model;
use dflint_syntax::ast::Instruction;
use dflint_syntax::{TextRange, TextSize};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::Instant;
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

/// The stage's symbol, its instructions inside.
fn stage_symbol(
    snap: &Snapshot,
    model: &Model,
    st: &dflint_rules::model::StageInfo,
) -> DocumentSymbol {
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
    symbol(
        snap,
        name,
        st.image_resolved.clone(),
        SymbolKind::MODULE,
        trim_newline(snap, range),
        trim_newline(snap, sel),
        Some(children),
    )
}

/// Directives and the instructions before the first FROM.
fn top_symbols(snap: &Snapshot, model: &Model) -> Vec<DocumentSymbol> {
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
    top
}

/// Each stage's serialized symbol by what it depends on (its text, where it starts, its
/// name, its image as resolved, the escape character), so that a request after an edit
/// serializes only the stages that changed or moved, and a repeated request (outline,
/// breadcrumbs and sticky scroll each ask) none.
#[derive(Default)]
pub struct SymbolCache {
    stages: HashMap<u64, Arc<Vec<u8>>>,
    /// The whole answer for one snapshot (its version and when it was made: a document
    /// closed and opened again may start over at the same version).
    answer: Option<(SnapshotKey, Arc<Vec<u8>>)>,
}

/// A snapshot's version and when it was made.
type SnapshotKey = (i32, Instant);

impl SymbolCache {
    /// The whole answer, if it was made for `snap`.
    pub fn answer_for(&self, snap: &Snapshot) -> Option<Arc<Vec<u8>>> {
        self.answer
            .as_ref()
            .filter(|(key, _)| *key == (snap.version, snap.created))
            .map(|(_, a)| a.clone())
    }
}

/// Nested document symbols as JSON (an array), through `cache`.
pub fn nested_symbols_json(
    snap: &Snapshot,
    model: &Model,
    cache: &mut SymbolCache,
) -> Arc<Vec<u8>> {
    if let Some(answer) = cache.answer_for(snap) {
        return answer;
    }
    let answer = Arc::new(symbols_json(snap, model, cache));
    cache.answer = Some(((snap.version, snap.created), answer.clone()));
    answer
}

fn symbols_json(snap: &Snapshot, model: &Model, cache: &mut SymbolCache) -> Vec<u8> {
    let mut out = Vec::with_capacity(snap.text.len() * 6);
    out.push(b'[');
    let top = top_symbols(snap, model);
    for (n, s) in top.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        let _ = serde_json::to_writer(&mut out, s);
    }
    let mut next = HashMap::with_capacity(model.stages.len());
    for (n, st) in model.stages.iter().enumerate() {
        let start = model.instructions[st.from].range().start();
        let end = model
            .instructions
            .get(st.end)
            .map_or(TextSize::of(snap.text.as_str()), |i| i.range().start());
        let key = {
            let mut h = DefaultHasher::new();
            (
                &snap.text[TextRange::new(start, end)],
                &st.image_resolved,
                st.index,
            )
                .hash(&mut h);
            (convert::position(snap, start), model.escape).hash(&mut h);
            h.finish()
        };
        let json = self_or_new(cache, key, || {
            serde_json::to_vec(&stage_symbol(snap, model, st)).unwrap_or_default()
        });
        if n > 0 || !top.is_empty() {
            out.push(b',');
        }
        out.extend_from_slice(&json);
        next.insert(key, json);
    }
    cache.stages = next;
    out.push(b']');
    out
}

fn self_or_new(cache: &SymbolCache, key: u64, make: impl FnOnce() -> Vec<u8>) -> Arc<Vec<u8>> {
    cache
        .stages
        .get(&key)
        .cloned()
        .unwrap_or_else(|| Arc::new(make()))
}

pub fn document_symbols(
    snap: &Snapshot,
    model: &Model,
    nested: bool,
) -> Option<DocumentSymbolResponse> {
    let mut top = top_symbols(snap, model);
    for st in &model.stages {
        top.push(stage_symbol(snap, model, st));
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn fresh(text: &str) -> serde_json::Value {
        let snap = Snapshot::new(
            Uri::from_str("file:///d/Dockerfile").unwrap(),
            1,
            text.into(),
        );
        let model = Model::new(&snap.text, &snap.parse);
        serde_json::to_value(document_symbols(&snap, &model, true)).unwrap()
    }

    fn cached(text: &str, version: i32, cache: &mut SymbolCache) -> serde_json::Value {
        let snap = Snapshot::new(
            Uri::from_str("file:///d/Dockerfile").unwrap(),
            version,
            text.into(),
        );
        let model = Model::new(&snap.text, &snap.parse);
        serde_json::from_slice(&nested_symbols_json(&snap, &model, cache)).unwrap()
    }

    /// The per-stage cache gives what a fresh computation gives, after edits that change a
    /// stage, move the stages below it, rename one, and change a global ARG.
    #[test]
    fn cached_symbols_equal_fresh_ones_across_edits() {
        let versions = [
            "# syntax=docker/dockerfile:1\nARG V=1\nFROM a:$V AS one\nRUN x\n\nFROM one\nCOPY . /\n",
            "# syntax=docker/dockerfile:1\nARG V=1\nFROM a:$V AS one\nRUN x \\\n  y\n\nFROM one\nCOPY . /\n",
            "# syntax=docker/dockerfile:1\nARG V=1\nFROM a:$V AS one\nRUN xz \\\n  y\n\nFROM one\nCOPY . /\n",
            "# syntax=docker/dockerfile:1\nARG V=2\nFROM a:$V AS one\nRUN xz \\\n  y\n\nFROM one\nCOPY . /\n",
            "# syntax=docker/dockerfile:1\nARG V=2\nFROM a:$V AS two\nRUN xz \\\n  y\n\nFROM one\nCOPY . /\n",
            "ARG V=2\nFROM a:$V AS two\nRUN xz \\\n  y\n\nFROM one\nCOPY . /\n",
            "ARG V=2\nFROM a:$V AS two\nRUN xz \\\n  y\n\nFROM one\nCOPY . /\nFROM scratch\n",
        ];
        let mut cache = SymbolCache::default();
        for (v, text) in versions.iter().enumerate() {
            assert_eq!(cached(text, v as i32, &mut cache), fresh(text), "{text}");
            // Asked again for the same version: the same answer.
            assert_eq!(cached(text, v as i32, &mut cache), fresh(text), "{text}");
        }
        assert_eq!(cache.stages.len(), 3);
        // A document opened again with other text at the same version: not the old answer.
        let before = cached("FROM a AS one\n", 1, &mut cache);
        let after = cached("FROM b AS two\n", 1, &mut cache);
        assert_eq!(after, fresh("FROM b AS two\n"));
        assert_ne!(before, after);
    }
}
