//! Human output: codespan-reporting snippets and a summary line.
//!
//! ```text
//! warning[DF003 cache-busting-order]: `COPY . .` comes before `npm ci`
//!   ┌─ Dockerfile:3:6
//! ```
//!
//! codespan knows no "info" or "style" severity: info shows as `note`, style as `help`.

use std::io::{self, Write};
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::termcolor::{Ansi, Color, ColorSpec, WriteColor};
use codespan_reporting::term::{self, Config};
use dflint_rules::{Applicability, Diagnostic, Severity};
use dflint_syntax::TextSize;

use super::{title, FileReport, RenderOptions};

pub(super) fn render(
    reports: &[FileReport<'_>],
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let files = ReportFiles(reports);
    let config = Config::default();
    for (id, report) in reports.iter().enumerate() {
        for d in report.diagnostics {
            let cs = to_codespan(id, report, d, opts);
            let res = if opts.color {
                term::emit_to_write_style(&mut Ansi::new(&mut *out), &config, &files, &cs)
            } else {
                term::emit_to_io_write(&mut *out, &config, &files, &cs)
            };
            res.map_err(files_error)?;
        }
    }
    summary(reports, opts, out)
}

fn files_error(e: FilesError) -> io::Error {
    match e {
        FilesError::Io(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

fn severity(s: Severity) -> CsSeverity {
    match s {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
        Severity::Style => CsSeverity::Help,
    }
}

fn to_codespan(
    id: usize,
    report: &FileReport<'_>,
    d: &Diagnostic,
    opts: &RenderOptions,
) -> CsDiagnostic<usize> {
    let mut labels = vec![Label::primary(id, report.clamp(d.range))];
    for r in &d.related {
        labels.push(Label::secondary(id, report.clamp(r.range)).with_message(&r.message));
    }
    let mut notes = d.notes.clone();
    if let (true, Some(fix)) = (opts.show_fixes, &d.fix) {
        let how = match (fix.applicability, opts.unsafe_fixes) {
            (Applicability::Safe, _) | (Applicability::Unsafe, true) => "with --fix",
            (Applicability::Unsafe, false) => "with --fix --unsafe-fixes",
        };
        notes.push(format!("fix available {how}: {}", fix.message));
    }
    CsDiagnostic::new(severity(d.severity))
        .with_code(title(d))
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// "Found 3 problems (1 error, 2 warnings) in 2 files; 1 fixable with --fix".
fn summary_line(reports: &[FileReport<'_>], opts: &RenderOptions) -> String {
    let all = || reports.iter().flat_map(|r| r.diagnostics.iter());
    let total = all().count();
    if total == 0 {
        let n = reports.len();
        return format!("No problems found in {n} {}", plural(n, "file", "files"));
    }
    let count = |s: Severity| all().filter(|d| d.severity == s).count();
    let mut parts = Vec::new();
    for (sev, one, many) in [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "info"),
        (Severity::Style, "style", "style"),
    ] {
        let n = count(sev);
        if n > 0 {
            parts.push(format!("{n} {}", plural(n, one, many)));
        }
    }
    let files = reports.iter().filter(|r| !r.diagnostics.is_empty()).count();
    let mut line = format!(
        "Found {total} {} ({}) in {files} {}",
        plural(total, "problem", "problems"),
        parts.join(", "),
        plural(files, "file", "files"),
    );
    if opts.show_fixes {
        let fixes = || all().filter_map(|d| d.fix.as_ref());
        let safe = fixes()
            .filter(|f| f.applicability == Applicability::Safe)
            .count();
        let unsafe_ = fixes().count() - safe;
        let (with_fix, hidden) = if opts.unsafe_fixes {
            (safe + unsafe_, 0)
        } else {
            (safe, unsafe_)
        };
        if with_fix > 0 {
            line.push_str(&format!("; {with_fix} fixable with --fix"));
        }
        if hidden > 0 {
            let sep = if with_fix > 0 { ", " } else { "; " };
            line.push_str(&format!("{sep}{hidden} more with --fix --unsafe-fixes"));
        }
    }
    line
}

fn summary(
    reports: &[FileReport<'_>],
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let line = summary_line(reports, opts);
    if opts.color {
        let mut w = Ansi::new(out);
        w.set_color(
            ColorSpec::new()
                .set_bold(true)
                .set_fg(summary_color(reports)),
        )?;
        write!(w, "{line}")?;
        w.reset()?;
        writeln!(w)
    } else {
        writeln!(out, "{line}")
    }
}

fn summary_color(reports: &[FileReport<'_>]) -> Option<Color> {
    let worst = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter())
        .map(|d| d.severity)
        .max();
    match worst {
        None => Some(Color::Green),
        Some(Severity::Error) => Some(Color::Red),
        Some(Severity::Warning) => Some(Color::Yellow),
        Some(_) => None,
    }
}

fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The reports seen as codespan's file database; line lookups go through their [`LineIndex`].
///
/// [`LineIndex`]: dflint_syntax::LineIndex
struct ReportFiles<'r, 'a>(&'r [FileReport<'a>]);

impl ReportFiles<'_, '_> {
    fn get(&self, id: usize) -> Result<&FileReport<'_>, FilesError> {
        self.0.get(id).ok_or(FilesError::FileMissing)
    }
}

impl<'f> Files<'f> for ReportFiles<'_, '_> {
    type FileId = usize;
    type Name = &'f str;
    type Source = &'f str;

    fn name(&'f self, id: usize) -> Result<&'f str, FilesError> {
        Ok(self.get(id)?.path)
    }

    fn source(&'f self, id: usize) -> Result<&'f str, FilesError> {
        Ok(self.get(id)?.text)
    }

    fn line_index(&'f self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        let r = self.get(id)?;
        Ok(r.line_index.line_of(TextSize::from(byte_index as u32)) as usize)
    }

    fn line_range(&'f self, id: usize, line_index: usize) -> Result<Range<usize>, FilesError> {
        let r = self.get(id)?;
        let count = r.line_index.line_count();
        if line_index > count {
            return Err(FilesError::LineTooLarge {
                given: line_index,
                max: count - 1,
            });
        }
        if line_index == count {
            return Ok(r.text.len()..r.text.len());
        }
        Ok(r.clamp(r.line_index.line_range(line_index as u32)))
    }
}
