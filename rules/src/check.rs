//! `check`: run every enabled rule over one file, apply severities and suppressions.
//! [`CheckCache`] does the same incrementally, for the language server.

use crate::config::Settings;
use crate::model::Model;
use crate::rule::{Rule, RuleContext, Scope};
use crate::{registry, suppress, Diagnostic, RuleMeta};
use dflint_context::BuildContext;
use dflint_syntax::{TextRange, TextSize};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

/// Checks one parsed file. The CLI and the language server both call this.
pub fn check(
    model: &Model,
    build_context: Option<&BuildContext>,
    settings: &Settings,
) -> Vec<Diagnostic> {
    finish(
        model,
        settings,
        whole_file_diagnostics(model, build_context, settings, true),
    )
}

/// Every enabled rule run over the whole file: `check` of the file-scope rules, and of the
/// stage-scoped ones too with `stage_rules`, then each rule's `check_file`.
fn whole_file_diagnostics(
    model: &Model,
    build_context: Option<&BuildContext>,
    settings: &Settings,
    stage_rules: bool,
) -> Vec<Diagnostic> {
    let cx = RuleContext::whole(model, build_context, settings);
    let mut out = Vec::new();
    for rule in registry::all() {
        let meta = rule.meta();
        if !settings.is_enabled(meta) {
            continue;
        }
        let from = out.len();
        if stage_rules || rule.scope() == Scope::File {
            rule.check(&cx, &mut out);
        }
        rule.check_file(&cx, &mut out);
        set_severity(&mut out[from..], meta, settings);
    }
    out
}

fn set_severity(diags: &mut [Diagnostic], meta: &RuleMeta, settings: &Settings) {
    let severity = settings.severity(meta);
    for d in diags {
        d.severity = severity;
    }
}

/// Suppressions, `unused-suppression`, and the final order.
fn finish(model: &Model, settings: &Settings, mut all: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let sups = suppress::collect(model);
    let used = suppress::apply(model, &sups, &mut all);
    if let Some(meta) = registry::lookup("unused-suppression").filter(|m| settings.is_enabled(m)) {
        report_unused(meta, &sups, &used, settings, &mut all);
    }
    all.sort_by(in_order);
    all
}

/// The order diagnostics are reported in: by position, then rule.
fn in_order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (a.range.start(), a.range.end(), a.code).cmp(&(b.range.start(), b.range.end(), b.code))
}

fn report_unused(
    meta: &'static RuleMeta,
    sups: &[suppress::Suppression],
    used: &[bool],
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) {
    for (s, &u) in sups.iter().zip(used) {
        let mut d = if !s.unknown.is_empty() {
            Diagnostic::new(
                meta,
                s.range,
                format!("suppression names unknown rules: {}", s.unknown.join(", ")),
            )
        } else if !u {
            Diagnostic::new(meta, s.range, "suppression comment suppresses nothing")
        } else {
            continue;
        };
        d.severity = settings.severity(meta);
        out.push(d);
    }
}

/// Parses and checks a text in one call (for tests and simple callers).
pub fn check_text(
    text: &str,
    build_context: Option<&BuildContext>,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let parse = dflint_syntax::parse(text);
    let model = Model::new(text, &parse);
    check(&model, build_context, settings)
}

/// Incremental checking: the diagnostics of the [`Scope::Stage`] rules, kept per unit (the
/// instructions before the first FROM, or one stage) under a hash of everything such a rule
/// may read, so that an edit re-runs them on the units it changed only. [`Scope::File`] rules,
/// suppressions and the final order are done on every check. The result equals [`check`]'s.
///
/// The cache assumes the same settings and build context from one check to the next: call
/// [`CheckCache::clear`] when either changes (a configuration file, a file of the context).
#[derive(Default)]
pub struct CheckCache {
    /// Per unit key: where the unit started and its diagnostics, as they were then.
    units: HashMap<u64, (usize, Arc<Vec<Diagnostic>>)>,
    /// Units checked in this call that cannot be cached (by unit index; emptied every call).
    uncached: HashMap<usize, (usize, Arc<Vec<Diagnostic>>)>,
}

/// A part of the file checked on its own.
struct Unit {
    /// Its instructions (indices into `Model::instructions`).
    span: Range<usize>,
    /// Its text: from its first instruction (the file's start for the first unit) to the next
    /// unit's first instruction.
    text: Range<usize>,
    stage: Option<usize>,
}

fn units(model: &Model) -> Vec<Unit> {
    let starts: Vec<usize> = model.stages.iter().map(|s| s.from).collect();
    let mut out = Vec::with_capacity(starts.len() + 1);
    let text_start = |i: usize| match model.instructions.get(i) {
        Some(ins) => usize::from(ins.range().start()),
        None => model.text.len(),
    };
    let first_from = starts.first().copied().unwrap_or(model.instructions.len());
    out.push(Unit {
        span: 0..first_from,
        // Without instructions before the first FROM, the comments above it go with its
        // stage, as they do with every other instruction.
        text: 0..if first_from == 0 {
            0
        } else {
            text_start(first_from)
        },
        stage: None,
    });
    for (s, st) in model.stages.iter().enumerate() {
        let end_text = if s + 1 < model.stages.len() {
            text_start(st.end)
        } else {
            model.text.len()
        };
        out.push(Unit {
            span: st.from..st.end,
            text: if s == 0 && first_from == 0 {
                0
            } else {
                text_start(st.from)
            }..end_text,
            stage: Some(s),
        });
    }
    out
}

impl CheckCache {
    /// Forgets every unit (settings or the build context changed).
    pub fn clear(&mut self) {
        self.units.clear();
    }

    /// Checks `model` as [`CheckCache::check`] does and hands the diagnostics to `publish`
    /// before the model is freed (freeing it is a tenth of what a keystroke costs on a
    /// 5,000-line file, and need not delay the answer).
    ///
    /// Running the file-scope rules on a second thread with a model of its own was tried: on
    /// this two-vCPU host an edit took longer (2.2-4.7 ms instead of 2.4 for model and check).
    pub fn check_then(
        &mut self,
        model: Model,
        build_context: Option<&BuildContext>,
        settings: &Settings,
        publish: impl FnOnce(Vec<Diagnostic>),
    ) {
        publish(self.check(&model, build_context, settings));
    }

    /// Checks `model` as [`check`] does, re-running the stage-scoped rules only on units whose
    /// inputs changed since the previous call. When many units need checking (a file just
    /// opened), half of them are checked on a second thread with its own model.
    pub fn check(
        &mut self,
        model: &Model,
        build_context: Option<&BuildContext>,
        settings: &Settings,
    ) -> Vec<Diagnostic> {
        let stage_rules: Vec<&dyn Rule> = registry::all()
            .iter()
            .copied()
            .filter(|r| r.scope() == Scope::Stage && settings.is_enabled(r.meta()))
            .collect();
        let units = units(model);
        let keys = unit_keys(model, &units);

        // Units to check, split in two when there is enough work for a second thread.
        let missing: Vec<usize> = (0..units.len())
            .filter(|&k| !self.units.contains_key(&keys[k]))
            .collect();
        let work: usize = missing.iter().map(|&k| units[k].span.len()).sum();
        // Runs of adjacent units are checked in one pass (a file just opened is one run), and
        // the diagnostics handed to their units by where they start.
        let run = |model: &Model, ks: &[usize]| -> Vec<(usize, Vec<Diagnostic>)> {
            let mut out = Vec::with_capacity(ks.len());
            for group in ks.chunk_by(|a, b| *b == a + 1) {
                let (first, last) = (group[0], group[group.len() - 1]);
                let cx = RuleContext {
                    model,
                    build_context,
                    settings,
                    span: units[first].span.start..units[last].span.end,
                };
                let diags = run_rules(&cx, &stage_rules, settings);
                let mut per_unit: Vec<Vec<Diagnostic>> = vec![Vec::new(); group.len()];
                for d in diags {
                    let at = usize::from(d.range.start());
                    let i = group
                        .partition_point(|&k| units[k].text.start <= at)
                        .saturating_sub(1);
                    per_unit[i].push(d);
                }
                // Kept in order, so that the units put together are (nearly always) in order
                // too and the final sort only checks it (it was a twentieth of an edit's cost).
                for diags in &mut per_unit {
                    diags.sort_by(in_order);
                }
                out.extend(group.iter().copied().zip(per_unit));
            }
            out
        };
        let (checked, file_diags) = if work >= PARALLEL_WORK && missing.len() >= 2 {
            let (text, parse) = (model.text, model.parse);
            let (mine, theirs) = missing.split_at(missing.len() / 2);
            std::thread::scope(|scope| {
                let other = scope.spawn(|| run(&Model::new(text, parse), theirs));
                let mut checked = run(model, mine);
                let file_diags = whole_file_diagnostics(model, build_context, settings, false);
                match other.join() {
                    Ok(more) => checked.extend(more),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
                (checked, file_diags)
            })
        } else {
            let checked = run(model, &missing);
            (
                checked,
                whole_file_diagnostics(model, build_context, settings, false),
            )
        };

        let prelude_end = units[0].text.end;
        for (k, out) in checked {
            let unit = &units[k];
            // A unit whose diagnostics point elsewhere is checked again next time.
            let movable = out.iter().all(|d| {
                ranges(d).all(|r| in_range(r, &unit.text) || in_range(r, &(0..prelude_end)))
            });
            let entry = (unit.text.start, Arc::new(out));
            if movable {
                self.units.insert(keys[k], entry);
            } else {
                self.uncached.insert(k, entry);
            }
        }
        let mut all = Vec::new();
        let mut next = HashMap::with_capacity(units.len());
        for (k, unit) in units.iter().enumerate() {
            let (old_start, diags) = match self.uncached.remove(&k) {
                Some(entry) => entry,
                None => match self.units.get(&keys[k]) {
                    Some(entry) => {
                        next.insert(keys[k], entry.clone());
                        entry.clone()
                    }
                    None => continue, // unreachable: every missing unit was checked
                },
            };
            if old_start == unit.text.start {
                all.extend(diags.iter().cloned());
            } else {
                let moved = |r: TextRange| {
                    if usize::from(r.start()) < prelude_end && k > 0 {
                        return r;
                    }
                    let start = usize::from(r.start()) + unit.text.start - old_start;
                    TextRange::at(TextSize::from(start as u32), r.len())
                };
                all.extend(diags.iter().map(|d| moved_diagnostic(d, moved)));
            }
        }
        self.units = next;
        all.extend(file_diags);
        finish(model, settings, all)
    }
}

/// Instructions to check before a second thread is worth its own model (about 2 ms on a
/// 5,000-line file).
const PARALLEL_WORK: usize = 400;

fn run_rules(cx: &RuleContext, rules: &[&dyn Rule], settings: &Settings) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in rules {
        let from = out.len();
        rule.check(cx, &mut out);
        set_severity(&mut out[from..], rule.meta(), settings);
    }
    out
}

/// A hash of a text, eight bytes at a time (SipHash over the whole file on every keystroke
/// cost a tenth of a millisecond). Each step is a bijection of the state, so two texts of the
/// same length that differ in one word never collide.
fn text_hash(text: &str) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = text.len() as u64;
    let mut chunks = text.as_bytes().chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        h = (h.rotate_left(26) ^ w).wrapping_mul(K);
    }
    let mut last = [0u8; 8];
    last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h.rotate_left(26) ^ u64::from_le_bytes(last)).wrapping_mul(K);
    h ^ (h >> 29)
}

/// Each unit's key: a hash of everything a stage-scoped rule may read for it (see `Scope`).
fn unit_keys(model: &Model, units: &[Unit]) -> Vec<u64> {
    let env = {
        let mut h = DefaultHasher::new();
        // Everything before the first FROM: directives, global ARGs.
        let first_from = model.stages.first().map_or(model.text.len(), |st| {
            usize::from(model.instructions[st.from].range().start())
        });
        text_hash(&model.text[..first_from]).hash(&mut h);
        for st in &model.stages {
            (st.lower_name(), &st.image_resolved, st.base_stage).hash(&mut h);
        }
        h.finish()
    };
    let text_hashes: Vec<u64> = units
        .iter()
        .map(|u| text_hash(&model.text[u.text.clone()]))
        .collect();
    let last_stage = model.stages.len().checked_sub(1);
    units
        .iter()
        .enumerate()
        .map(|(k, unit)| {
            let mut h = DefaultHasher::new();
            (env, text_hashes[k], unit.stage, unit.stage == last_stage).hash(&mut h);
            // ENV, USER and the like carry over from the stages this one builds on.
            let mut seen = Vec::new();
            let mut base = unit.stage.and_then(|s| model.stages[s].base_stage);
            while let Some(b) = base.filter(|b| !seen.contains(b)) {
                seen.push(b);
                text_hashes[b + 1].hash(&mut h);
                base = model.stages[b].base_stage;
            }
            h.finish()
        })
        .collect()
}

fn in_range(r: TextRange, unit: &Range<usize>) -> bool {
    unit.start <= usize::from(r.start()) && usize::from(r.end()) <= unit.end
}

/// Every range a diagnostic holds: its own, its related locations', its fix's edits'.
fn ranges(d: &Diagnostic) -> impl Iterator<Item = TextRange> + '_ {
    std::iter::once(d.range)
        .chain(d.related.iter().map(|r| r.range))
        .chain(d.fix.iter().flat_map(|f| f.edits.iter().map(|e| e.range)))
}

fn moved_diagnostic(d: &Diagnostic, mv: impl Fn(TextRange) -> TextRange) -> Diagnostic {
    let mut d = d.clone();
    d.range = mv(d.range);
    for r in &mut d.related {
        r.range = mv(r.range);
    }
    if let Some(f) = &mut d.fix {
        for e in &mut f.edits {
            e.range = mv(e.range);
        }
    }
    d
}
