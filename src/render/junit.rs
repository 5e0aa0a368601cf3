//! JUnit XML: one test suite per checked file, one failing test case per diagnostic, and one
//! passing test case for a clean file, so CI dashboards count checked files too.

use std::io::{self, Write};

use super::xml::{escape, DECLARATION};
use super::{title, ColumnUnit, FileReport};

pub(super) fn render(reports: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
    let cases = |r: &FileReport<'_>| r.diagnostics.len().max(1);
    let tests: usize = reports.iter().map(cases).sum();
    let failures: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    writeln!(out, "{DECLARATION}")?;
    writeln!(
        out,
        r#"<testsuites name="dflint" tests="{tests}" failures="{failures}" errors="0">"#
    )?;
    for report in reports {
        let path = escape(report.path);
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{}" errors="0" skipped="0">"#,
            cases(report),
            report.diagnostics.len(),
        )?;
        if report.diagnostics.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="dflint" classname="{path}" file="{path}"/>"#
            )?;
        }
        for d in report.diagnostics {
            let (start, _) = report.span(d.range, ColumnUnit::Chars);
            let at = format!("{}:{}", start.line, start.column);
            writeln!(
                out,
                r#"    <testcase name="{} at {at}" classname="{path}" file="{path}" line="{}">"#,
                escape(&title(d)),
                start.line,
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{path}:{at}: {} [{}]</failure>"#,
                escape(&d.message),
                d.severity.as_str(),
                escape(&d.message),
                escape(&title(d)),
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
