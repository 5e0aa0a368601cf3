//! JSON output: one array of diagnostics over all files.
//!
//! ```json
//! [{"file": "Dockerfile", "code": "DF003", "name": "cache-busting-order", "severity": "warning",
//!   "message": "...", "range": {"start": {"line": 3, "column": 6}, "end": {...}},
//!   "fix": null}]
//! ```
//!
//! Lines and columns are 1-based, columns count characters, `end` is exclusive.

use std::io::{self, Write};

use dflint_rules::{Applicability, Diagnostic, Severity};
use dflint_syntax::TextRange;
use serde::Serialize;

use super::{ColumnUnit, FileReport, Position};

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    range: JsonRange,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonRange {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    applicability: Applicability,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    range: JsonRange,
    content: &'a str,
}

fn range(report: &FileReport<'_>, r: TextRange) -> JsonRange {
    let (start, end) = report.span(r, ColumnUnit::Chars);
    JsonRange { start, end }
}

fn convert<'a>(report: &FileReport<'a>, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        file: report.path,
        code: d.code,
        name: d.name,
        severity: d.severity,
        message: &d.message,
        range: range(report, d.range),
        fix: d.fix.as_ref().map(|f| JsonFix {
            message: &f.message,
            applicability: f.applicability,
            edits: f
                .edits
                .iter()
                .map(|e| JsonEdit {
                    range: range(report, e.range),
                    content: &e.content,
                })
                .collect(),
        }),
    }
}

pub(super) fn render(reports: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
    let all: Vec<JsonDiagnostic<'_>> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(move |d| convert(r, d)))
        .collect();
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}
