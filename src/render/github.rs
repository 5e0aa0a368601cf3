//! GitHub Actions workflow commands: one annotation per diagnostic.
//!
//! `::warning file=Dockerfile,line=3,col=6,endLine=3,endColumn=7,title=DF003 cache-busting-order::message`
//!
//! Error and warning keep their level; info and style become `notice`. Columns count
//! characters and `endColumn` is exclusive, as in the other formats; a range over several
//! lines gives lines only.

use std::io::{self, Write};

use dflint_rules::Severity;

use super::{normalize_path, title, ColumnUnit, FileReport};

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "notice",
    }
}

/// The escaping of a command's message (GitHub's `escapeData`).
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The escaping of a command's property values (GitHub's `escapeProperty`).
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub(super) fn render(reports: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
    for report in reports {
        let file = escape_property(&normalize_path(report.path));
        for d in report.diagnostics {
            let (start, end) = report.span(d.range, ColumnUnit::Chars);
            // Columns only on a single line: GitHub rejects annotations that give columns
            // across lines.
            let position = if start.line == end.line {
                format!(
                    "line={},col={},endLine={},endColumn={}",
                    start.line, start.column, end.line, end.column
                )
            } else {
                format!("line={},endLine={}", start.line, end.line)
            };
            writeln!(
                out,
                "::{} file={file},{position},title={}::{}",
                command(d.severity),
                escape_property(&title(d)),
                escape_data(&d.message),
            )?;
        }
    }
    Ok(())
}
