//! `check`: run every enabled rule over one file, apply severities and suppressions.

use crate::config::Settings;
use crate::model::Model;
use crate::rule::RuleContext;
use crate::{registry, suppress, Diagnostic, RuleMeta};
use dflint_context::BuildContext;

/// Checks one parsed file. The CLI and the language server both call this.
pub fn check(
    model: &Model,
    build_context: Option<&BuildContext>,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let cx = RuleContext {
        model,
        build_context,
        settings,
    };
    let mut all = Vec::new();
    for rule in registry::all() {
        let meta = rule.meta();
        if !settings.is_enabled(meta) {
            continue;
        }
        let start = all.len();
        rule.check(&cx, &mut all);
        for d in &mut all[start..] {
            d.severity = settings.severity(meta);
        }
    }
    let sups = suppress::collect(model);
    let used = suppress::apply(model, &sups, &mut all);
    if let Some(meta) = registry::lookup("unused-suppression").filter(|m| settings.is_enabled(m)) {
        report_unused(meta, &sups, &used, settings, &mut all);
    }
    all.sort_by(|a, b| {
        (a.range.start(), a.range.end(), a.code).cmp(&(b.range.start(), b.range.end(), b.code))
    });
    all
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
