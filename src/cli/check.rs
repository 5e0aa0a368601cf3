//! `dflint check`: lint files and folders, as a CI gate and a pre-commit hook.
//!
//! Exit status: 0 when no diagnostic reaches the failure threshold, 1 when one does (with
//! `--diff`: when there is a diff), 2 for usage, I/O and configuration errors. A file that cannot
//! be read (missing, binary, invalid UTF-8) or whose configuration is bad is reported on stderr
//! and the other files are still linted; the status is then 2.
//!
//! Choices where the issue is silent:
//! - no path means the current folder;
//! - the failure threshold defaults to the configuration's, else `info` (as hadolint's), so
//!   `style` diagnostics are shown but do not fail the run;
//! - `--ignore` wins over `--select` and `--extend-select`; command-line options win over the
//!   configuration file's;
//! - `--diff` wins over `--fix` (it writes nothing); `--fix` on stdin prints the fixed text to
//!   stdout and the report to stderr;
//! - `--quiet`: no summary line, and no output at all for a clean run;
//! - `--statistics`: a count per rule instead of the diagnostics (human table, or JSON with
//!   `--format json`).

use crate::configs::{absolute, Overrides, Resolver};
use crate::discover::{discover, display_path, io_message, Target};
use crate::fix::{fix_text, unified_diff, write_atomic};
use crate::input::{read_source, InputError};
use crate::render::{render, FileReport, Format, RenderOptions};
use clap::Args;
use dflint_context::BuildContext;
use dflint_rules::{Applicability, Diagnostic, Model, RuleMeta, Settings, Severity};
use dflint_syntax::LineIndex;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files and folders to lint; `-` reads stdin. Folders are searched for Dockerfile,
    /// Dockerfile.*, *.Dockerfile, *.dockerfile, Containerfile, Containerfile.* (honouring
    /// .gitignore). Default: the current folder.
    pub paths: Vec<PathBuf>,
    /// The name stdin's text is reported under; also where its configuration is looked up.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Use this configuration file instead of the nearest dflint.toml/.dflint.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Rules to run, by code or name (`all` for every rule); replaces the configured set.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Option<Vec<String>>,
    /// Rules to run in addition to the configured set (e.g. off-by-default rules).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub extend_select: Vec<String>,
    /// Rules not to run; wins over --select and --extend-select.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Lowest severity that fails the run [default: the configuration's, else info].
    #[arg(long, value_parser = parse_severity, value_name = "error|warning|info|style")]
    pub failure_threshold: Option<Severity>,
    /// The build context folder [default: each Dockerfile's folder].
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,
    /// Apply safe fixes in place (re-linting until stable).
    #[arg(long)]
    pub fix: bool,
    /// With --fix, apply unsafe fixes too; without it, show them as available.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the unified diff of what --fix would change, and write nothing.
    #[arg(long)]
    pub diff: bool,
    /// No colors (also when NO_COLOR is set, or stdout is not a terminal).
    #[arg(long)]
    pub no_color: bool,
    /// No summary line, and no output at all when nothing is found.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the number of diagnostics per rule instead of the diagnostics.
    #[arg(long)]
    pub statistics: bool,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("`{s}` is not one of error, warning, info, style"))
}

/// One linted file.
struct Linted {
    display: String,
    /// Read from stdin.
    stdin: bool,
    text: String,
    line_index: LineIndex,
    diagnostics: Vec<Diagnostic>,
    threshold: Severity,
    /// Fixes applied (written, or printed for stdin).
    applied: usize,
    /// The fixed text, when `--fix` changed a stdin text.
    stdin_fixed: Option<String>,
    /// `--diff`'s output for this file.
    diff: String,
    /// Warnings that do not change the status (a fix refused).
    notes: Vec<String>,
}

/// A file that could not be linted: exit status 2.
struct Failed(String);

enum Job {
    File(Target),
    Stdin,
}

pub fn run(args: &CheckArgs) -> i32 {
    match run_inner(args) {
        Ok(status) => status,
        Err(message) => {
            eprintln!("error: {message}");
            2
        }
    }
}

fn run_inner(args: &CheckArgs) -> Result<i32, String> {
    if args.statistics && !matches!(args.format, Format::Human | Format::Json) {
        return Err("--statistics works with --format human or json".into());
    }
    let overrides = Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        failure_threshold: args.failure_threshold,
    };
    overrides.validate()?;
    if let Some(c) = &args.context {
        if !c.is_dir() {
            return Err(format!("--context {}: not a folder", c.display()));
        }
    }

    // What to lint.
    let mut failures: Vec<String> = Vec::new();
    let stdin_count = args.paths.iter().filter(|p| *p == Path::new("-")).count();
    if stdin_count > 1 {
        return Err("`-` (stdin) given more than once".into());
    }
    let file_args: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
            .iter()
            .filter(|p| *p != Path::new("-"))
            .cloned()
            .collect()
    };
    let mut jobs = Vec::new();
    if stdin_count == 1 {
        jobs.push(Job::Stdin);
    }
    if !file_args.is_empty() {
        let (targets, errors) = discover(&file_args);
        for e in errors {
            failures.push(format!("{}: {}", e.path.display(), e.message));
        }
        jobs.extend(targets.into_iter().map(Job::File));
    }

    // Settings per file (configuration files are read once per folder, here, in order).
    let mut resolver = Resolver::new(args.config.as_deref(), overrides);
    let stdin_name = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("Dockerfile"));
    let mut config_errors_seen = std::collections::HashSet::new();
    let mut work = Vec::new();
    for job in jobs {
        let path = match &job {
            Job::File(t) => t.path.clone(),
            Job::Stdin => stdin_name.clone(),
        };
        match resolver.settings_for(&path) {
            Ok(s) => work.push((job, s)),
            Err(e) => {
                // One message per bad configuration file, not one per Dockerfile under it.
                if config_errors_seen.insert(e.to_string()) {
                    failures.push(format!("configuration: {e}"));
                }
            }
        }
    }

    let stdin_display = args
        .stdin_filename
        .as_deref()
        .map(display_path)
        .unwrap_or_else(|| "-".to_string());
    let results: Vec<Result<Linted, Failed>> = work
        .into_par_iter()
        .map(|(job, settings)| match job {
            Job::File(t) => lint_file(args, &t.path, display_path(&t.path), false, &settings),
            Job::Stdin => lint_file(args, &stdin_name, stdin_display.clone(), true, &settings),
        })
        .collect();

    let mut linted = Vec::new();
    for r in results {
        match r {
            Ok(l) => linted.push(l),
            Err(Failed(m)) => failures.push(m),
        }
    }
    let status = report(args, &linted)?;
    for f in &failures {
        eprintln!("error: {f}");
    }
    if failures.is_empty() {
        Ok(status)
    } else {
        Ok(2)
    }
}

fn lint_file(
    args: &CheckArgs,
    path: &Path,
    display: String,
    stdin: bool,
    settings: &Settings,
) -> Result<Linted, Failed> {
    let source = if stdin {
        read_source(Path::new("-"))
    } else {
        read_source(path)
    };
    let text = source.map_err(|e| {
        let message = match e {
            InputError::Io(io) => io_message(&io),
            other => other.to_string(),
        };
        Failed(format!("{display}: {message}"))
    })?;
    let context_dir = match &args.context {
        Some(c) => c.clone(),
        None => match absolute(path).parent() {
            Some(p) => p.to_path_buf(),
            None => PathBuf::from("."),
        },
    };
    let cx = BuildContext::open(&context_dir, path);
    let diagnostics = {
        let parse = dflint_syntax::parse(&text);
        let model = Model::new(&text, &parse);
        dflint_rules::check(&model, Some(&cx), settings)
    };
    let mut out = Linted {
        display,
        stdin,
        line_index: LineIndex::new(&text),
        text,
        diagnostics,
        threshold: settings.failure_threshold,
        applied: 0,
        stdin_fixed: None,
        diff: String::new(),
        notes: Vec::new(),
    };
    if !(args.fix || args.diff) {
        return Ok(out);
    }
    let fixed = fix_text(
        &out.text,
        &out.diagnostics,
        Some(&cx),
        settings,
        args.unsafe_fixes,
    );
    if let Some(why) = &fixed.refused {
        out.notes.push(format!("{}: not fixed: {why}", out.display));
    }
    if fixed.applied == 0 || fixed.text == out.text {
        return Ok(out);
    }
    if args.diff {
        out.diff = unified_diff(&out.display, &out.text, &fixed.text);
        return Ok(out);
    }
    if stdin {
        out.stdin_fixed = Some(fixed.text.clone());
    } else {
        write_atomic(path, &fixed.text).map_err(|e| {
            Failed(format!(
                "{}: writing the fix: {}",
                out.display,
                io_message(&e)
            ))
        })?;
    }
    out.applied = fixed.applied;
    out.line_index = LineIndex::new(&fixed.text);
    out.text = fixed.text;
    out.diagnostics = fixed.diagnostics;
    Ok(out)
}

/// Writes the report (or the diffs, or the statistics) and returns the exit status.
fn report(args: &CheckArgs, linted: &[Linted]) -> Result<i32, String> {
    for l in linted {
        for n in &l.notes {
            eprintln!("warning: {n}");
        }
    }
    let stdin_fixed: Vec<&String> = linted
        .iter()
        .filter_map(|l| l.stdin_fixed.as_ref())
        .collect();
    let mut sink: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p)
                .map_err(|e| format!("--output {}: {}", p.display(), io_message(&e)))?,
        )),
        // stdout carries the fixed text of stdin; the report goes to stderr then.
        None if args.fix && !args.diff && linted.iter().any(|l| l.stdin) => {
            Box::new(std::io::stderr())
        }
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    if let Some(text) = stdin_fixed.first() {
        let mut stdout = std::io::stdout().lock();
        ignore_broken_pipe(
            stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush()),
        )?;
    } else if args.fix && !args.diff {
        // stdin with nothing to fix: print it unchanged, so `dflint check --fix -` is a filter.
        if let Some(l) = linted.iter().find(|l| l.stdin) {
            let mut stdout = std::io::stdout().lock();
            ignore_broken_pipe(
                stdout
                    .write_all(l.text.as_bytes())
                    .and_then(|_| stdout.flush()),
            )?;
        }
    }

    if args.diff {
        let mut any = false;
        for l in linted.iter().filter(|l| !l.diff.is_empty()) {
            any = true;
            ignore_broken_pipe(sink.write_all(l.diff.as_bytes()))?;
        }
        ignore_broken_pipe(sink.flush())?;
        return Ok(i32::from(any));
    }

    let failing = linted
        .iter()
        .any(|l| l.diagnostics.iter().any(|d| d.severity >= l.threshold));
    let fixed: usize = linted.iter().map(|l| l.applied).sum();
    if fixed > 0 && !args.quiet {
        let files = linted.iter().filter(|l| l.applied > 0).count();
        eprintln!(
            "Fixed {fixed} {} in {files} {}.",
            if fixed == 1 { "problem" } else { "problems" },
            if files == 1 { "file" } else { "files" }
        );
    }
    let clean = linted.iter().all(|l| l.diagnostics.is_empty());
    if args.quiet && clean {
        return Ok(i32::from(failing));
    }

    let rules: Vec<RuleMeta> = dflint_rules::registry::all()
        .iter()
        .map(|r| *r.meta())
        .collect();
    let result = if args.statistics {
        statistics(args.format, linted, &mut sink)
    } else {
        let reports: Vec<FileReport<'_>> = linted
            .iter()
            .map(|l| FileReport {
                path: &l.display,
                text: &l.text,
                line_index: &l.line_index,
                diagnostics: &l.diagnostics,
            })
            .collect();
        let opts = RenderOptions {
            color: use_color(args),
            show_fixes: true,
            unsafe_fixes: args.unsafe_fixes,
        };
        if args.quiet && args.format == Format::Human {
            // The human report ends with its summary line; --quiet drops it.
            let mut buf = Vec::new();
            render(args.format, &reports, &rules, &opts, &mut buf).map_err(|e| e.to_string())?;
            let keep = match buf[..buf.len().saturating_sub(1)]
                .iter()
                .rposition(|&b| b == b'\n')
            {
                Some(i) => i + 1,
                None => 0,
            };
            sink.write_all(&buf[..keep])
        } else {
            render(args.format, &reports, &rules, &opts, &mut sink)
        }
    };
    ignore_broken_pipe(result.and_then(|_| sink.flush()))?;
    Ok(i32::from(failing))
}

fn ignore_broken_pipe(r: std::io::Result<()>) -> Result<(), String> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("writing the report: {e}")),
        Ok(()) => Ok(()),
    }
}

fn use_color(args: &CheckArgs) -> bool {
    let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    args.format == Format::Human
        && !args.no_color
        && !no_color_env
        && args.output.is_none()
        && std::io::stdout().is_terminal()
}

/// `--statistics`: diagnostics per rule, most frequent first.
fn statistics(format: Format, linted: &[Linted], out: &mut dyn Write) -> std::io::Result<()> {
    #[derive(serde::Serialize)]
    struct Row {
        code: &'static str,
        name: &'static str,
        count: usize,
        fixable: usize,
    }
    let mut counts: BTreeMap<&'static str, Row> = BTreeMap::new();
    for d in linted.iter().flat_map(|l| &l.diagnostics) {
        let row = counts.entry(d.code).or_insert(Row {
            code: d.code,
            name: d.name,
            count: 0,
            fixable: 0,
        });
        row.count += 1;
        if d.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe)
        {
            row.fixable += 1;
        }
    }
    let mut rows: Vec<Row> = counts.into_values().collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        return writeln!(out);
    }
    let width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let name_width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    for r in &rows {
        let line = format!("{:>width$}  {}  {:name_width$}", r.count, r.code, r.name);
        if r.fixable > 0 {
            writeln!(out, "{line}  [*] {} fixable", r.fixable)?;
        } else {
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    let total: usize = rows.iter().map(|r| r.count).sum();
    writeln!(
        out,
        "Found {total} {}.",
        if total == 1 { "problem" } else { "problems" }
    )
}
