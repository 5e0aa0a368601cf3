//! Read-only helpers over the semantic model for navigation: what name is under the cursor, and
//! where else that same name (as the model resolves it) occurs. The model does the resolving
//! (`visible_defs`, `stage_by_ref`, `stages[].base_stage`); this only walks the file for the
//! places that mention a name.

use dflint_rules::model::{Model, VarDef, VarKind};
use dflint_syntax::ast::{Flag, Instruction};
use dflint_syntax::{SyntaxKind, TextRange, TextSize};

/// Where a variable's definitions are shared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Global ARGs, and stage ARGs that redeclare them without a value.
    Global,
    Stage(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Symbol {
    Stage(usize),
    Var { name: String, scope: Scope },
}

#[derive(Clone, Copy, Debug)]
pub struct Occurrence {
    pub range: TextRange,
    pub is_def: bool,
}

pub fn scope_of(model: &Model, def: &VarDef) -> Scope {
    match def.kind {
        VarKind::GlobalArg => Scope::Global,
        VarKind::Arg
            if def.value.is_none() && model.global_args.iter().any(|g| g.name == def.name) =>
        {
            Scope::Global
        }
        _ => Scope::Stage(model.stage_of(def.instr).unwrap_or(0)),
    }
}

/// The definition a reference to `name` at instruction `instr` uses.
pub fn resolve<'m>(model: &'m Model, instr: usize, name: &str) -> Option<&'m VarDef> {
    model
        .visible_defs(instr)
        .into_iter()
        .rev()
        .find(|d| d.name == name)
}

/// The range of a flag value without its quotes.
fn unquoted_range(w: &dflint_syntax::ast::Word) -> TextRange {
    let t = w.text.as_str();
    let quoted = t.len() >= 2
        && (t.starts_with('"') && t.ends_with('"') || t.starts_with('\'') && t.ends_with('\''));
    if quoted && usize::from(w.range.len()) == t.len() {
        TextRange::new(
            w.range.start() + TextSize::from(1),
            w.range.end() - TextSize::from(1),
        )
    } else {
        w.range
    }
}

/// Stage references in an instruction's flags: `--from=x` and `--mount=...,from=x`, with the
/// range of the name.
pub fn stage_refs_in(instr: &Instruction) -> Vec<(String, TextRange)> {
    let mut out = Vec::new();
    for flag in instr.flags() {
        match flag.name().as_str() {
            "from" => {
                if let (Some(v), Some(w)) = (flag.unquoted_value(), flag.value()) {
                    out.push((v, unquoted_range(&w)));
                }
            }
            "mount" => out.extend(mount_field(&flag, "from")),
            _ => {}
        }
    }
    out
}

/// A `key=value` field of a `--mount` value, with the value's range (single-line values only).
pub fn mount_field(flag: &Flag, key: &str) -> Option<(String, TextRange)> {
    let w = flag.value()?;
    if usize::from(w.range.len()) != w.text.len() {
        return None;
    }
    let mut off = 0usize;
    for part in w.text.split(',') {
        if let Some(v) = part.strip_prefix(key).and_then(|r| r.strip_prefix('=')) {
            let start = w.range.start() + TextSize::from((off + key.len() + 1) as u32);
            return Some((
                v.to_string(),
                TextRange::at(start, TextSize::from(v.len() as u32)),
            ));
        }
        off += part.len() + 1;
    }
    None
}

/// The name under `offset`, and the range of that mention.
pub fn symbol_at(model: &Model, offset: TextSize) -> Option<(Symbol, TextRange)> {
    let i = model.instruction_at(offset)?;
    let instr = &model.instructions[i];
    for d in model.defs.iter().filter(|d| d.instr == i) {
        if d.name_range.contains_inclusive(offset) {
            let scope = scope_of(model, d);
            return Some((
                Symbol::Var {
                    name: d.name.clone(),
                    scope,
                },
                d.name_range,
            ));
        }
    }
    for r in instr.variable_refs(model.escape) {
        if r.range.text_range().contains_inclusive(offset) {
            let def = resolve(model, i, &r.name)?;
            let scope = scope_of(model, def);
            return Some((
                Symbol::Var {
                    name: r.name,
                    scope,
                },
                r.name_range.text_range(),
            ));
        }
    }
    if instr.kind() == SyntaxKind::FROM_INSTR {
        let si = model.stages.iter().position(|s| s.from == i)?;
        let st = &model.stages[si];
        if let Some(n) = st
            .name
            .as_ref()
            .filter(|n| n.range.contains_inclusive(offset))
        {
            return Some((Symbol::Stage(si), n.range));
        }
        if let (Some(img), Some(b)) = (&st.image, st.base_stage) {
            if img.range.contains_inclusive(offset) {
                return Some((Symbol::Stage(b), img.range));
            }
        }
    }
    for (name, range) in stage_refs_in(instr) {
        if range.contains_inclusive(offset) {
            let s = model.stage_by_ref(&name)?;
            return Some((Symbol::Stage(s), range));
        }
    }
    None
}

/// Every mention of `sym`: its definitions and the references that resolve to it. References
/// by index (`--from=0`) and through variables are left out: renaming must not touch them.
pub fn occurrences(model: &Model, sym: &Symbol) -> Vec<Occurrence> {
    let mut out = Vec::new();
    match sym {
        Symbol::Stage(target) => {
            let Some(st) = model.stages.get(*target) else {
                return out;
            };
            let Some(name) = st.name_lower() else {
                return out;
            };
            if let Some(n) = &st.name {
                out.push(Occurrence {
                    range: n.range,
                    is_def: true,
                });
            }
            for (i, instr) in model.instructions.iter().enumerate() {
                if instr.kind() == SyntaxKind::FROM_INSTR {
                    if let Some(s) = model.stages.iter().find(|s| s.from == i) {
                        if let Some(img) = s.image.as_ref().filter(|img| {
                            s.base_stage == Some(*target) && img.text.to_lowercase() == name
                        }) {
                            out.push(Occurrence {
                                range: img.range,
                                is_def: false,
                            });
                        }
                    }
                    continue;
                }
                for (v, range) in stage_refs_in(instr) {
                    if v.to_lowercase() == name && model.stage_by_ref(&v) == Some(*target) {
                        out.push(Occurrence {
                            range,
                            is_def: false,
                        });
                    }
                }
            }
        }
        Symbol::Var { name, scope } => {
            for d in model.defs.iter().filter(|d| &d.name == name) {
                if scope_of(model, d) == *scope {
                    out.push(Occurrence {
                        range: d.name_range,
                        is_def: true,
                    });
                }
            }
            for (i, instr) in model.instructions.iter().enumerate() {
                for r in instr.variable_refs(model.escape) {
                    if &r.name != name {
                        continue;
                    }
                    if resolve(model, i, name).map(|d| scope_of(model, d)) == Some(*scope) {
                        out.push(Occurrence {
                            range: r.name_range.text_range(),
                            is_def: false,
                        });
                    }
                }
            }
        }
    }
    out.sort_by_key(|o| o.range.start());
    out
}
