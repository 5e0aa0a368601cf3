//! Output renderers: one small module per format over one diagnostic type.
//!
//! Every renderer takes the same input, a list of [`FileReport`]s (a file's path, its text, its
//! line index and its diagnostics with byte ranges), and writes one document to an
//! [`std::io::Write`]. Byte ranges become lines and columns here, at the edge, and nowhere else.
//!
//! Conventions shared by the formats:
//! - lines and columns are 1-based; columns count characters (Unicode scalar values), except in
//!   SARIF, which counts UTF-16 code units as its default `columnKind` says;
//! - an end position is exclusive: it points just after the last character of the range;
//! - diagnostics come out in the order they are given, files in the order of the reports.

mod checkstyle;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod sarif;
mod xml;

#[cfg(test)]
mod tests;

use std::fmt;
use std::io;
use std::ops::Range;
use std::str::FromStr;

use dflint_rules::{Diagnostic, RuleMeta};
use dflint_syntax::{LineIndex, TextRange, TextSize};

/// One checked file and what was found in it. A clean file has no diagnostics but is still
/// reported: checkstyle lists it and JUnit gives it a passing test case.
#[derive(Clone, Copy, Debug)]
pub struct FileReport<'a> {
    /// The path as the user should see it (relative to the working directory when possible).
    pub path: &'a str,
    /// The text the diagnostics' byte ranges refer to.
    pub text: &'a str,
    pub line_index: &'a LineIndex,
    pub diagnostics: &'a [Diagnostic],
}

/// The output formats of `dflint check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with labels, for people at a terminal.
    Human,
    /// An array of diagnostics with 1-based lines and columns.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning reads it.
    Sarif,
    /// Checkstyle XML, for Jenkins and friends.
    Checkstyle,
    /// GitLab Code Quality report.
    Gitlab,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML: one test suite per file.
    Junit,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Checkstyle,
        Format::Gitlab,
        Format::Github,
        Format::Junit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Checkstyle => "checkstyle",
            Format::Gitlab => "gitlab",
            Format::Github => "github",
            Format::Junit => "junit",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown format `{s}` (expected one of: {})",
                    names.join(", ")
                )
            })
    }
}

/// What the renderers need besides the reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colors in the human format (the caller decides: `--no-color`, `NO_COLOR`, a tty).
    pub color: bool,
    /// Mention available fixes in the human format: a note per diagnostic and a count in the
    /// summary line. The machine formats always carry their fixes.
    pub show_fixes: bool,
    /// `--unsafe-fixes` is on, so `--fix` applies unsafe fixes too.
    pub unsafe_fixes: bool,
}

/// Writes `reports` to `out` in `format`. `rules` is the registry's rule list, used by SARIF's
/// `tool.driver.rules`; the other formats ignore it.
pub fn render(
    format: Format,
    reports: &[FileReport<'_>],
    rules: &[RuleMeta],
    opts: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(reports, opts, out),
        Format::Json => json::render(reports, out),
        Format::Sarif => sarif::render(reports, rules, out),
        Format::Checkstyle => checkstyle::render(reports, out),
        Format::Gitlab => gitlab::render(reports, out),
        Format::Github => github::render(reports, out),
        Format::Junit => junit::render(reports, out),
    }
}

/// A 1-based line and a 1-based column, in the unit the format uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Position {
    pub line: u32,
    pub column: u32,
}

/// Which unit a column counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ColumnUnit {
    Chars,
    Utf16,
}

impl FileReport<'_> {
    /// The range clamped to the text and to character boundaries, so that a stray range from a
    /// rule can never make a renderer panic.
    pub(crate) fn clamp(&self, range: TextRange) -> Range<usize> {
        let fix = |mut at: usize| {
            at = at.min(self.text.len());
            while !self.text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let start = fix(usize::from(range.start()));
        let end = fix(usize::from(range.end())).max(start);
        start..end
    }

    /// 1-based position of a byte offset.
    pub(crate) fn position(&self, offset: usize, unit: ColumnUnit) -> Position {
        let offset = TextSize::from(offset as u32);
        let lc = match unit {
            ColumnUnit::Chars => self.line_index.line_col_chars(self.text, offset),
            ColumnUnit::Utf16 => self.line_index.line_col_utf16(self.text, offset),
        };
        Position {
            line: lc.line + 1,
            column: lc.col + 1,
        }
    }

    /// 1-based start and exclusive end of a range.
    pub(crate) fn span(&self, range: TextRange, unit: ColumnUnit) -> (Position, Position) {
        let r = self.clamp(range);
        (self.position(r.start, unit), self.position(r.end, unit))
    }

    /// The text of the zero-based line, without its terminator.
    pub(crate) fn line_text(&self, line: u32) -> &str {
        let r = self.line_index.line_range(line);
        let s = &self.text[self.clamp(r)];
        let s = s.strip_suffix('\n').unwrap_or(s);
        s.strip_suffix('\r').unwrap_or(s)
    }
}

/// The path with forward slashes and without a leading `./`, the way CI services expect it.
pub(crate) fn normalize_path(path: &str) -> String {
    let p = path.replace('\\', "/");
    let mut p = p.as_str();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.to_string()
}

/// The diagnostic's code and name, as shown in titles: `DF003 cache-busting-order`.
pub(crate) fn title(d: &Diagnostic) -> String {
    format!("{} {}", d.code, d.name)
}
