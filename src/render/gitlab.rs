//! GitLab Code Quality report (a subset of Code Climate's issue format). `check_name` is the
//! rule's code, which never changes; the description starts with code and name.
//!
//! The fingerprint is stable across runs while the file's path, the rule and the text of the
//! diagnostic's line stay the same, so GitLab can tell new problems from moved ones. Two
//! diagnostics that would share it (same rule on two identical lines) get an occurrence number
//! mixed in, since GitLab wants fingerprints unique.

use std::collections::HashMap;
use std::io::{self, Write};

use dflint_rules::Severity;
use serde::Serialize;

use super::{normalize_path, title, ColumnUnit, FileReport};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Style => "info",
        Severity::Info => "minor",
        Severity::Warning => "major",
        Severity::Error => "critical",
    }
}

/// 128-bit FNV-1a: stable across Rust versions and platforms, unlike `DefaultHasher`.
pub(crate) fn fingerprint(parts: &[&[u8]]) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;
    let mut h = OFFSET;
    for part in parts {
        for &b in part.iter().chain(&[0xff]) {
            h ^= u128::from(b);
            h = h.wrapping_mul(PRIME);
        }
    }
    format!("{h:032x}")
}

pub(super) fn render(reports: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
    let mut issues = Vec::new();
    for report in reports {
        let path = normalize_path(report.path);
        let mut seen: HashMap<String, u32> = HashMap::new();
        for d in report.diagnostics {
            let (start, end) = report.span(d.range, ColumnUnit::Chars);
            let line = report.line_text(start.line - 1).trim();
            let mut print = fingerprint(&[path.as_bytes(), d.code.as_bytes(), line.as_bytes()]);
            let n = seen.entry(print.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                let k = n.to_string();
                print = fingerprint(&[print.as_bytes(), k.as_bytes()]);
            }
            issues.push(Issue {
                description: format!("{}: {}", title(d), d.message),
                check_name: d.code,
                fingerprint: print,
                severity: severity(d.severity),
                location: Location {
                    path: path.clone(),
                    lines: Lines {
                        begin: start.line,
                        end: end.line,
                    },
                },
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
