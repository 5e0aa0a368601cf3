//! `dflint rules`: every rule, as an aligned table or as JSON.

use clap::{Args, ValueEnum};
use dflint_rules::{Category, FixKind, RuleMeta, Severity};
use serde::Serialize;
use std::io::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// An aligned table, one rule per line.
    Human,
    /// An array of objects: code, name, severity, category, fixable, hadolint, buildkit, summary
    /// (and default_enabled).
    Json,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
}

/// One rule in `--format json`. `fixable` is `"safe"`, `"unsafe"` or `"none"`.
#[derive(Serialize)]
struct JsonRule {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    category: Category,
    fixable: FixKind,
    hadolint: &'static [&'static str],
    buildkit: &'static [&'static str],
    summary: &'static str,
    default_enabled: bool,
}

fn metas() -> Vec<&'static RuleMeta> {
    let mut v: Vec<_> = dflint_rules::registry::all()
        .iter()
        .map(|r| r.meta())
        .collect();
    v.sort_by_key(|m| m.code);
    v
}

pub fn run(args: &RulesArgs) -> i32 {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = match args.format {
        RulesFormat::Json => json(&mut out),
        RulesFormat::Human => table(&mut out),
    }
    .and_then(|_| out.flush());
    match result {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("error: writing output: {e}");
            2
        }
    }
}

fn json(out: &mut dyn Write) -> std::io::Result<()> {
    let rules: Vec<JsonRule> = metas()
        .into_iter()
        .map(|m| JsonRule {
            code: m.code,
            name: m.name,
            severity: m.severity,
            category: m.category,
            fixable: m.fix,
            hadolint: m.hadolint,
            buildkit: m.buildkit,
            summary: m.summary,
            default_enabled: m.default_enabled,
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &rules)?;
    writeln!(out)
}

fn category(c: Category) -> &'static str {
    match c {
        Category::Correctness => "correctness",
        Category::Performance => "performance",
        Category::Security => "security",
        Category::Reproducibility => "reproducibility",
        Category::Style => "style",
        Category::Syntax => "syntax",
    }
}

fn fix(f: FixKind) -> &'static str {
    match f {
        FixKind::None => "",
        FixKind::Safe => "safe",
        FixKind::Unsafe => "unsafe",
    }
}

/// `CODE  NAME  SEVERITY  CATEGORY  FIX  DEFAULT  SUMMARY`, columns padded to the widest cell.
fn table(out: &mut dyn Write) -> std::io::Result<()> {
    let header = [
        "CODE", "NAME", "SEVERITY", "CATEGORY", "FIX", "DEFAULT", "SUMMARY",
    ];
    let mut rows: Vec<[String; 7]> = vec![header.map(String::from)];
    for m in metas() {
        rows.push([
            m.code.to_string(),
            m.name.to_string(),
            m.severity.as_str().to_string(),
            category(m.category).to_string(),
            fix(m.fix).to_string(),
            if m.default_enabled { "on" } else { "off" }.to_string(),
            m.summary.to_string(),
        ]);
    }
    let mut widths = [0usize; 7];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
