//! Checkstyle XML, as Jenkins' warnings plugin and reviewdog read it.
//!
//! Every checked file gets a `<file>` element, a clean one an empty element. Severities map to
//! checkstyle's: error and warning as they are, info and style to `info`.

use std::io::{self, Write};

use dflint_rules::Severity;

use super::xml::{escape, DECLARATION};
use super::{title, ColumnUnit, FileReport};

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "info",
    }
}

pub(super) fn render(reports: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{DECLARATION}")?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for report in reports {
        let name = escape(report.path);
        if report.diagnostics.is_empty() {
            writeln!(out, r#"  <file name="{name}"/>"#)?;
            continue;
        }
        writeln!(out, r#"  <file name="{name}">"#)?;
        for d in report.diagnostics {
            let (start, _) = report.span(d.range, ColumnUnit::Chars);
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{}" message="{}" source="dflint.{}"/>"#,
                start.line,
                start.column,
                severity(d.severity),
                escape(&format!("{} [{}]", d.message, title(d))),
                escape(d.code),
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
