//! `dflint verify`: lint a Dockerfile, then check what the linter said with real builds.
//!
//! 1. [`lint`] runs the rules over the file (with its `dflint.toml` and `--select`).
//! 2. [`verify`] builds the original (the baseline) from a tar of the context (the user's
//!    files are never written: edits and fixed Dockerfiles go into the tar only, see
//!    [`ContextTar::with_file`]), then gives every diagnostic a [`Status`]:
//!    - `missing-context`: confirmed when the build fails on that instruction and the engine's
//!      error names the source; refuted when the engine copied it.
//!    - `from-first`: confirmed when the engine rejects the file before running any step.
//!    - `cache-busting-order`: measured. One byte is appended to a context file the fixed
//!      Dockerfile does not copy before its install step; the original and the fixed file are
//!      each rebuilt with that edit and the steps that ran again are counted. Confirmed when
//!      the fix makes fewer steps run again.
//!    - any fix: the fixed Dockerfile must build and keep the image configuration
//!      ([`ImageConfig`]); otherwise the diagnostic is refuted. Image sizes are reported.
//! 3. Every image and container of the run carries the `dflint.verify=<run id>` label and is
//!    removed at the end (unless `keep`), also after an error, a panic or Ctrl-C.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use dflint_context::{BuildContext, SourceResolution, Walk};
use dflint_rules::{apply_edits, check, Config, Diagnostic, Model, Settings, Severity};
use serde::Serialize;

use crate::client::{new_run_id, BuildOptions, BuildOutcome, Engine, ImageConfig};
use crate::context::{context_tar, ContextTar};
use crate::error::{EngineError, Result};
use crate::steps::{Step, StepStatus};

/// What to verify and how to build.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The Dockerfile on disk.
    pub dockerfile: PathBuf,
    /// The build context folder.
    pub context: PathBuf,
    /// `--target` stage.
    pub target: Option<String>,
    /// `--select`: rules to run instead of the configured set.
    pub select: Option<Vec<String>>,
    /// Network mode of RUN steps (`none` unless asked).
    pub network: String,
    /// Per-build timeout.
    pub timeout: Duration,
    /// Leave the run's images in place.
    pub keep: bool,
    /// Clean up and exit with status 130 on Ctrl-C (the CLI; not for library callers that
    /// handle signals themselves).
    pub handle_ctrl_c: bool,
    /// Print a line to stderr as each build starts.
    pub progress: bool,
}

impl VerifyOptions {
    /// Defaults: context = the Dockerfile's folder, network `none`, 600 s per build.
    pub fn new(dockerfile: impl Into<PathBuf>) -> Self {
        let dockerfile = dockerfile.into();
        let context = match dockerfile.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        VerifyOptions {
            dockerfile,
            context,
            target: None,
            select: None,
            network: "none".into(),
            timeout: Duration::from_secs(600),
            keep: false,
            handle_ctrl_c: false,
            progress: false,
        }
    }
}

/// The verdict on one diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The engine showed the problem.
    Confirmed,
    /// The engine showed the opposite, or the fix breaks the build or changes the image.
    Refuted,
    /// The builds could not tell (e.g. the build failed earlier).
    Inconclusive,
    /// No build can show what this rule reports.
    NotVerifiable,
}

impl Status {
    /// `confirmed`, `refuted`, `inconclusive`, `not-verifiable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Confirmed => "confirmed",
            Status::Refuted => "refuted",
            Status::Inconclusive => "inconclusive",
            Status::NotVerifiable => "not-verifiable",
        }
    }
}

/// One diagnostic's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyResult {
    /// `DF003`.
    pub code: String,
    /// `missing-context`.
    pub name: String,
    /// 1-based line of the diagnostic.
    pub line: u32,
    /// The verdict.
    pub status: Status,
    /// What the engine showed (its error line, step counts, the configuration difference).
    pub evidence: String,
    /// The diagnostic's severity (for the exit status; not in the JSON).
    #[serde(skip)]
    pub severity: Severity,
}

/// A cache measurement of a `cache-busting-order` diagnostic.
#[derive(Debug, Clone, Serialize)]
pub struct CacheResult {
    /// Line of the diagnostic.
    pub line: u32,
    /// Steps of the original build (without `FROM`).
    pub steps: usize,
    /// Steps that ran again after the source edit, original Dockerfile.
    pub rebuilt_before: usize,
    /// Steps that ran again after the same edit, fixed Dockerfile.
    pub rebuilt_after: usize,
    /// The context file that was edited.
    #[serde(skip)]
    pub edited: String,
    /// Steps of the fixed build (without `FROM`).
    #[serde(skip)]
    pub steps_after: usize,
}

/// One build of the run.
#[derive(Debug, Clone, Serialize)]
pub struct BuildRecord {
    /// `original`, `fixed DF004 (line 3)`, `original, src/index.js edited`, ...
    pub what: String,
    /// The build produced an image.
    pub ok: bool,
    /// Wall time.
    pub seconds: f64,
    /// Image size in bytes.
    pub image_size: Option<i64>,
    /// The engine's error, when it failed.
    #[serde(skip)]
    pub error: Option<String>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The Dockerfile as given.
    pub file: String,
    /// One per diagnostic, in file order.
    pub results: Vec<VerifyResult>,
    /// One per measured `cache-busting-order` diagnostic.
    pub cache: Vec<CacheResult>,
    /// Every build, in order.
    pub builds: Vec<BuildRecord>,
}

impl Report {
    /// 1 when an error-level diagnostic is confirmed, else 0.
    pub fn exit_status(&self) -> i32 {
        let confirmed_error = self
            .results
            .iter()
            .any(|r| r.status == Status::Confirmed && r.severity == Severity::Error);
        i32::from(confirmed_error)
    }
}

/// A linted file.
#[derive(Debug, Clone)]
pub struct Linted {
    /// The Dockerfile's text.
    pub text: String,
    /// What the rules reported.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and lints the Dockerfile of `opts` against its build context: the nearest
/// `dflint.toml`, then `--select`. Errors are usage errors (unreadable file, bad config).
pub fn lint(opts: &VerifyOptions) -> std::result::Result<Linted, String> {
    let text = std::fs::read_to_string(&opts.dockerfile)
        .map_err(|e| format!("cannot read {}: {e}", opts.dockerfile.display()))?;
    if !opts.context.is_dir() {
        return Err(format!(
            "the build context {} is not a folder",
            opts.context.display()
        ));
    }
    let settings = settings_for(opts)?;
    let parse = dflint_syntax::parse(&text);
    let model = Model::new(&text, &parse);
    let context = BuildContext::open(&opts.context, &opts.dockerfile);
    let diagnostics = check(&model, Some(&context), &settings);
    Ok(Linted { text, diagnostics })
}

fn settings_for(opts: &VerifyOptions) -> std::result::Result<Settings, String> {
    let abs = std::fs::canonicalize(&opts.dockerfile).unwrap_or_else(|_| opts.dockerfile.clone());
    let dir = abs.parent().unwrap_or(Path::new("."));
    let mut settings = match Config::find(dir) {
        Some(path) => {
            let config = Config::load(&path).map_err(|e| e.to_string())?;
            let base = path.parent().unwrap_or(Path::new(""));
            let rel = abs.strip_prefix(base).unwrap_or(&abs);
            config.settings_for(rel)?
        }
        None => Settings::default(),
    };
    if let Some(select) = &opts.select {
        settings.apply(Some(select), &[], &BTreeMap::new())?;
    }
    Ok(settings)
}

/// Verifies `diagnostics` of the Dockerfile text `text` (see the module docs).
///
/// `Err` only when the engine or the context failed (exit status 2); everything the builds
/// show, including failed builds, is in the [`Report`].
pub async fn verify(
    engine: &Engine,
    opts: &VerifyOptions,
    text: &str,
    diagnostics: &[Diagnostic],
) -> Result<Report> {
    let run_id = new_run_id();
    let guard = engine.cleanup_guard(run_id.clone());
    let mut run = Run::new(engine, opts, run_id.clone(), text);
    let result = if opts.handle_ctrl_c {
        // On Ctrl-C the run's future is dropped, which drops the build request (the engine
        // cancels the build and removes its container); then everything the run made goes.
        tokio::select! {
            r = run.all(diagnostics) => r,
            _ = tokio::signal::ctrl_c() => {
                eprintln!("dflint verify: interrupted; removing the images of run {run_id}");
                if let Err(e) = guard.cleanup().await {
                    eprintln!("dflint verify: cleanup failed: {e}");
                }
                return Err(EngineError::Interrupted);
            }
        }
    } else {
        run.all(diagnostics).await
    };
    if opts.keep {
        guard.keep();
    } else {
        let report = guard.cleanup().await;
        // A failed cleanup after a successful run is an engine error too.
        if let (Ok(_), Err(e)) = (&result, report) {
            return Err(e);
        }
    }
    let (results, cache) = result?;
    Ok(Report {
        file: opts.dockerfile.display().to_string(),
        results,
        cache,
        builds: run.builds,
    })
}

/// The state of one verify run.
struct Run<'a> {
    engine: &'a Engine,
    opts: &'a VerifyOptions,
    run_id: String,
    text: &'a str,
    /// The Dockerfile's path inside the context tar.
    dockerfile: String,
    builds: Vec<BuildRecord>,
}

/// The original's baseline build and configuration.
struct Baseline {
    outcome: BuildOutcome,
    config: Option<ImageConfig>,
}

/// What building a diagnostic's fix showed.
enum FixCheck {
    /// The fixed file builds and keeps the configuration.
    Kept { outcome: BuildOutcome, text: String },
    /// The fixed file does not build.
    Broken(String),
    /// It builds but the configuration differs.
    Changed(Vec<String>),
    /// The fix could not be applied, or there is no original image to compare with.
    Unknown(String),
}

impl<'a> Run<'a> {
    fn new(engine: &'a Engine, opts: &'a VerifyOptions, run_id: String, text: &'a str) -> Self {
        let dockerfile = tar_path(&opts.context, &opts.dockerfile);
        Run {
            engine,
            opts,
            run_id,
            text,
            dockerfile,
            builds: Vec::new(),
        }
    }

    /// The context with `dockerfile_text` as the Dockerfile.
    fn context(&self, dockerfile_text: &str) -> Result<ContextTar> {
        Ok(context_tar(&self.opts.context, &self.opts.dockerfile)
            .map_err(EngineError::Context)?
            .with_file(&self.dockerfile, dockerfile_text))
    }

    async fn build(&mut self, what: String, context: ContextTar) -> Result<BuildOutcome> {
        let mut options = BuildOptions::new(self.run_id.clone());
        options.network = self.opts.network.clone();
        options.timeout = self.opts.timeout;
        options.target = self.opts.target.clone();
        if self.opts.progress {
            eprintln!("dflint verify: building {what}");
        }
        let outcome = self
            .engine
            .build(context, &self.dockerfile, &options)
            .await?;
        self.builds.push(BuildRecord {
            what,
            ok: outcome.ok,
            seconds: (outcome.seconds * 100.0).round() / 100.0,
            image_size: outcome.image_size,
            error: outcome.error.clone(),
        });
        Ok(outcome)
    }

    async fn all(
        &mut self,
        diagnostics: &[Diagnostic],
    ) -> Result<(Vec<VerifyResult>, Vec<CacheResult>)> {
        let ctx = self.context(self.text)?;
        let outcome = self.build("original".into(), ctx).await?;
        let config = match &outcome.image_id {
            Some(id) if outcome.ok => Some(self.engine.inspect_config(id).await?),
            _ => None,
        };
        let baseline = Baseline { outcome, config };
        let mut results = Vec::new();
        let mut cache = Vec::new();
        for d in diagnostics {
            let (result, measured) = self.one(d, &baseline).await?;
            results.push(result);
            cache.extend(measured);
        }
        Ok((results, cache))
    }

    async fn one(
        &mut self,
        d: &Diagnostic,
        baseline: &Baseline,
    ) -> Result<(VerifyResult, Option<CacheResult>)> {
        let line = line_of(self.text, usize::from(d.range.start()));
        let (mut status, mut evidence) = match d.name {
            "missing-context" => self.missing_context(d, &baseline.outcome),
            "from-first" => from_first(&baseline.outcome),
            "cache-busting-order" => (Status::Inconclusive, String::new()),
            _ => (
                Status::NotVerifiable,
                "no build can show what this rule reports".to_string(),
            ),
        };
        let mut measured = None;
        if d.fix.is_some() {
            let check = self.check_fix(d, line, baseline).await?;
            match check {
                FixCheck::Broken(error) => {
                    status = Status::Refuted;
                    evidence = join(
                        &evidence,
                        &format!("the fixed Dockerfile does not build: {error}"),
                    );
                }
                FixCheck::Changed(diffs) => {
                    status = Status::Refuted;
                    evidence = join(
                        &evidence,
                        &format!(
                            "the fix changes the image configuration: {}",
                            diffs.join("; ")
                        ),
                    );
                }
                FixCheck::Unknown(why) => {
                    if d.name == "cache-busting-order" {
                        status = Status::Inconclusive;
                    }
                    evidence = join(&evidence, &why);
                }
                FixCheck::Kept { outcome, text } => {
                    let sizes = size_change(baseline.outcome.image_size, outcome.image_size);
                    if d.name == "cache-busting-order" {
                        let (s, e, m) = self.measure(line, baseline, &text).await?;
                        status = s;
                        evidence = e;
                        measured = m;
                    }
                    evidence = join(
                        &evidence,
                        &format!("the fixed Dockerfile builds and keeps the image configuration ({sizes})"),
                    );
                }
            }
        } else if d.name == "cache-busting-order" {
            evidence = "the diagnostic has no fix to compare with".into();
        }
        Ok((
            VerifyResult {
                code: d.code.to_string(),
                name: d.name.to_string(),
                line,
                status,
                evidence,
                severity: d.severity,
            },
            measured,
        ))
    }

    /// `missing-context`: the build must fail on this instruction, and the engine's error
    /// must name the source (a wildcard source fails with "no source files").
    fn missing_context(&self, d: &Diagnostic, outcome: &BuildOutcome) -> (Status, String) {
        let start = usize::from(d.range.start());
        let end = usize::from(d.range.end()).min(self.text.len());
        let source = source_name(self.text.get(start..end).unwrap_or(""));
        let step = step_of(self.text, start);
        if outcome.ok {
            return (
                Status::Refuted,
                format!("the build succeeded: the engine found `{source}` in the context"),
            );
        }
        let error = first_line(outcome.error.as_deref().unwrap_or("the build failed"));
        let failed = outcome
            .steps
            .iter()
            .find(|s| matches!(s.status, StepStatus::Failed | StepStatus::Incomplete));
        let Some(failed) = failed else {
            return (
                Status::Inconclusive,
                format!("the engine rejected the file before any step ran: {error}"),
            );
        };
        let where_ = format!(
            "step {}/{}, line {}",
            failed.number,
            failed.total,
            step_line(self.text, failed.number).unwrap_or(0)
        );
        let names_it = !source.is_empty()
            && (error.contains(&source)
                || error.contains(base_name(&source))
                || (has_wildcards(&source) && error.contains("no source files")));
        match step {
            Some(n) if n == failed.number && names_it => {
                (Status::Confirmed, format!("{error} ({where_})"))
            }
            Some(n) if n == failed.number => (
                Status::Inconclusive,
                format!("the step failed, but not on `{source}`: {error} ({where_})"),
            ),
            Some(n) if n < failed.number => (
                Status::Refuted,
                format!(
                    "the engine ran step {n} with `{source}`; the build failed later: {error} ({where_})"
                ),
            ),
            Some(_) => (
                Status::Inconclusive,
                format!("the build failed earlier: {error} ({where_})"),
            ),
            None if names_it => (Status::Confirmed, format!("{error} ({where_})")),
            None => (
                Status::Inconclusive,
                format!("the build failed elsewhere: {error} ({where_})"),
            ),
        }
    }

    /// Builds the diagnostic's fix and compares its image with the original's.
    async fn check_fix(
        &mut self,
        d: &Diagnostic,
        line: u32,
        baseline: &Baseline,
    ) -> Result<FixCheck> {
        let Some(fix) = &d.fix else {
            return Ok(FixCheck::Unknown("no fix".into()));
        };
        let Some(fixed) = apply_edits(self.text, &fix.edits) else {
            return Ok(FixCheck::Unknown(
                "the fix's edits overlap; not built".into(),
            ));
        };
        let ctx = self.context(&fixed)?;
        let outcome = self
            .build(format!("fixed {} (line {line})", d.code), ctx)
            .await?;
        if !outcome.ok {
            let error = first_line(outcome.error.as_deref().unwrap_or("the build failed"));
            if baseline.outcome.ok {
                return Ok(FixCheck::Broken(error));
            }
            return Ok(FixCheck::Unknown(format!(
                "neither the original nor the fixed Dockerfile builds: {error}"
            )));
        }
        let Some(original) = &baseline.config else {
            return Ok(FixCheck::Unknown(
                "the fixed Dockerfile builds, but the original does not, so there is no configuration to compare".into(),
            ));
        };
        let id = outcome.image_id.clone().unwrap_or_default();
        let config = self.engine.inspect_config(&id).await?;
        let diffs = config_differences(original, &config);
        if diffs.is_empty() {
            Ok(FixCheck::Kept {
                outcome,
                text: fixed,
            })
        } else {
            Ok(FixCheck::Changed(diffs))
        }
    }

    /// `cache-busting-order`: edit one file the fixed Dockerfile's install step does not need,
    /// rebuild original and fixed, count the steps that ran again.
    async fn measure(
        &mut self,
        line: u32,
        baseline: &Baseline,
        fixed: &str,
    ) -> Result<(Status, String, Option<CacheResult>)> {
        let Some(file) = file_to_edit(
            &self.opts.context,
            &self.opts.dockerfile,
            fixed,
            &self.dockerfile,
        ) else {
            return Ok((
                Status::Inconclusive,
                "no context file outside the fixed Dockerfile's early COPY sources to edit".into(),
                None,
            ));
        };
        let path = self.opts.context.join(&file);
        let mut bytes = std::fs::read(&path).map_err(EngineError::Context)?;
        bytes.push(b'\n');
        let ctx = self.context(self.text)?.with_file(&file, bytes.clone());
        let before = self.build(format!("original, {file} edited"), ctx).await?;
        let ctx = self.context(fixed)?.with_file(&file, bytes);
        let after = self.build(format!("fixed, {file} edited"), ctx).await?;
        if !before.ok || !after.ok {
            let error = before.error.or(after.error).unwrap_or_default();
            return Ok((
                Status::Inconclusive,
                format!(
                    "a rebuild after editing {file} failed: {}",
                    first_line(&error)
                ),
                None,
            ));
        }
        let total = |o: &BuildOutcome| {
            let c = o.counts();
            c.total - c.base
        };
        let fixed_total = total(&after);
        let result = CacheResult {
            line,
            steps: total(&baseline.outcome),
            rebuilt_before: before.counts().ran,
            rebuilt_after: after.counts().ran,
            edited: file.clone(),
            steps_after: fixed_total,
        };
        let evidence = format!(
            "after one byte appended to {file}, {} of {} steps ran again ({}); with the fix {} of {} ({})",
            result.rebuilt_before,
            result.steps,
            ran_list(&before.steps),
            result.rebuilt_after,
            fixed_total,
            ran_list(&after.steps),
        );
        let status = if result.rebuilt_after < result.rebuilt_before {
            Status::Confirmed
        } else {
            Status::Refuted
        };
        let evidence = if status == Status::Refuted {
            format!("the fix saves no rebuilt steps: {evidence}")
        } else {
            evidence
        };
        Ok((status, evidence, Some(result)))
    }
}

/// `from-first`: the engine must reject the file.
fn from_first(outcome: &BuildOutcome) -> (Status, String) {
    if outcome.ok {
        return (Status::Refuted, "the engine built the file".to_string());
    }
    let error = first_line(outcome.error.as_deref().unwrap_or("the build failed"));
    let ran = outcome.steps.iter().any(|s| {
        matches!(
            s.status,
            StepStatus::Ran | StepStatus::Cached | StepStatus::Base
        )
    });
    if !ran || error.contains("no build stage") {
        (
            Status::Confirmed,
            format!("the engine rejected the file: {error}"),
        )
    } else {
        (
            Status::Inconclusive,
            format!("the engine accepted the file and failed later: {error}"),
        )
    }
}

/// Differences between two image configurations, one readable line per field.
pub fn config_differences(a: &ImageConfig, b: &ImageConfig) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = |name: &str, x: String, y: String| {
        if x != y {
            out.push(format!("{name} {x} -> {y}"));
        }
    };
    field("Cmd", format!("{:?}", a.cmd), format!("{:?}", b.cmd));
    field(
        "Entrypoint",
        format!("{:?}", a.entrypoint),
        format!("{:?}", b.entrypoint),
    );
    field("Env", format!("{:?}", a.env), format!("{:?}", b.env));
    field("User", format!("{:?}", a.user), format!("{:?}", b.user));
    field(
        "WorkingDir",
        format!("{:?}", a.working_dir),
        format!("{:?}", b.working_dir),
    );
    field(
        "ExposedPorts",
        format!("{:?}", a.exposed_ports),
        format!("{:?}", b.exposed_ports),
    );
    field(
        "Labels",
        format!("{:?}", a.labels),
        format!("{:?}", b.labels),
    );
    out
}

fn size_change(before: Option<i64>, after: Option<i64>) -> String {
    match (before, after) {
        (Some(a), Some(b)) if a == b => format!("same size, {}", human_size(a)),
        (Some(a), Some(b)) => {
            format!(
                "size {} -> {}, {:+} bytes",
                human_size(a),
                human_size(b),
                b - a
            )
        }
        _ => "size unknown".into(),
    }
}

/// `4.2 MB` style sizes (decimal units, as the docker CLI prints them).
pub fn human_size(bytes: i64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.2} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.1} kB", b / 1e3)
    } else {
        format!("{bytes} B")
    }
}

fn ran_list(steps: &[Step]) -> String {
    let ran: Vec<&str> = steps
        .iter()
        .filter(|s| !s.injected && s.status == StepStatus::Ran)
        .map(|s| s.instruction.as_str())
        .collect();
    if ran.is_empty() {
        "none".into()
    } else {
        ran.join(", ")
    }
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}; {b}")
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> u32 {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u32
        + 1
}

/// The instructions the classic builder numbers as steps: everything from the first `FROM`
/// (global ARGs before it are not steps), in file order, as (start, end) byte ranges.
fn step_ranges(text: &str) -> Vec<(usize, usize)> {
    let parse = dflint_syntax::parse(text);
    let tree = parse.tree();
    let mut out = Vec::new();
    let mut seen_from = false;
    for instr in tree.instructions() {
        seen_from |= instr.name().eq_ignore_ascii_case("FROM");
        if seen_from {
            let r = instr.range();
            out.push((usize::from(r.start()), usize::from(r.end())));
        }
    }
    out
}

/// The step number (1-based) of the instruction containing `offset`.
fn step_of(text: &str, offset: usize) -> Option<usize> {
    step_ranges(text)
        .iter()
        .position(|&(s, e)| s <= offset && offset < e.max(s + 1))
        .map(|i| i + 1)
}

/// The line of step `n`.
fn step_line(text: &str, n: usize) -> Option<u32> {
    let (start, _) = *step_ranges(text).get(n.checked_sub(1)?)?;
    Some(line_of(text, start))
}

fn source_name(raw: &str) -> String {
    let s = raw.trim();
    let s = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(s);
    let mut s = s;
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.trim_end_matches('/').to_string()
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn has_wildcards(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// The Dockerfile's path inside the context tar: its path relative to the context when it is
/// inside, else a name of dflint's own (added to the tar with [`ContextTar::with_file`]).
fn tar_path(context: &Path, dockerfile: &Path) -> String {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (c, d) = (canon(context), canon(dockerfile));
    match d.strip_prefix(&c).ok().and_then(|r| r.to_str()) {
        Some(rel) if !rel.is_empty() => rel.to_string(),
        _ => ".dflint.Dockerfile".to_string(),
    }
}

/// COPY/ADD sources taken from the context, per instruction, in file order.
fn context_sources(text: &str) -> Vec<Vec<String>> {
    let parse = dflint_syntax::parse(text);
    let tree = parse.tree();
    let mut out = Vec::new();
    for instr in tree.instructions() {
        let name = instr.name().to_ascii_uppercase();
        if name != "COPY" && name != "ADD" {
            continue;
        }
        if instr.flag("from").is_some() {
            continue;
        }
        let mut words: Vec<String> = match instr.exec_form() {
            Some(exec) => exec.items().into_iter().map(|(s, _)| s).collect(),
            None => instr
                .args()
                .into_iter()
                .map(|w| dflint_rules::model::unquote(&w.text))
                .collect(),
        };
        words.pop(); // the destination
        out.push(words);
    }
    out
}

/// A context file to edit for the cache measurement: one the fixed Dockerfile copies only
/// through a whole-folder source (`COPY . .`), never by name or pattern, so its install step
/// does not depend on it. Files in subfolders (sources) are preferred; the Dockerfile and
/// the ignore file are never picked.
fn file_to_edit(
    context: &Path,
    dockerfile: &Path,
    fixed: &str,
    dockerfile_rel: &str,
) -> Option<String> {
    let ctx = BuildContext::open(context, dockerfile);
    let mut needed = Vec::new();
    for sources in context_sources(fixed) {
        for src in sources {
            if let SourceResolution::Found { paths } = ctx.resolve_source(&src) {
                for p in paths {
                    if p != "." && !p.is_empty() {
                        needed.push(p);
                    }
                }
            }
        }
    }
    let is_needed = |file: &str| {
        needed
            .iter()
            .any(|n| file == n || file.starts_with(&format!("{n}/")))
    };
    let ignore_name = ctx.ignore().name.clone();
    let mut candidates: Vec<String> = Walk::new(ctx.fs(), "", None, Some(&ctx.ignore().matcher))
        .filter_map(|e| e.ok())
        .filter(|e| e.kind == dflint_context::EntryKind::File)
        .map(|e| e.rel_path)
        .filter(|p| p != dockerfile_rel && *p != ignore_name && !is_needed(p))
        .filter(|p| {
            std::fs::symlink_metadata(context.join(p)).is_ok_and(|m| m.file_type().is_file())
        })
        .collect();
    candidates.sort_by_key(|p| (!p.contains('/'), p.clone()));
    candidates.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_start_at_the_first_from() {
        let text = "ARG V=1\nFROM busybox AS a\nRUN echo \\\n  hi\nFROM a\nCOPY x /\n";
        assert_eq!(step_of(text, text.find("RUN").unwrap()), Some(2));
        assert_eq!(step_of(text, text.find("hi").unwrap()), Some(2));
        assert_eq!(step_of(text, text.find("COPY x").unwrap() + 5), Some(4));
        assert_eq!(step_of(text, 0), None);
        assert_eq!(step_line(text, 4), Some(6));
        assert_eq!(line_of(text, text.find("FROM a").unwrap()), 5);
    }

    #[test]
    fn sources_and_names() {
        let text = "FROM b\nCOPY --from=x /a /b\nCOPY [\"p q\", \"r\", \"/d/\"]\nADD --chown=1 s* ./t /u\n";
        assert_eq!(
            context_sources(text),
            [
                vec!["p q".to_string(), "r".into()],
                vec!["s*".into(), "./t".into()]
            ]
        );
        assert_eq!(source_name("\"./src/a.txt\""), "src/a.txt");
        assert_eq!(source_name("dir/"), "dir");
    }

    #[test]
    fn the_edited_file_is_one_the_install_step_does_not_copy() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for (p, c) in [
            ("Dockerfile", "x"),
            ("package.json", "{}"),
            ("package-lock.json", "{}"),
            ("README.md", "r"),
            ("src/index.js", "i"),
            ("node_modules/x.js", "n"),
            (".dockerignore", "node_modules\n"),
        ] {
            std::fs::create_dir_all(d.join(p).parent().unwrap()).unwrap();
            std::fs::write(d.join(p), c).unwrap();
        }
        let fixed = "FROM b\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n";
        let df = d.join("Dockerfile");
        assert_eq!(
            file_to_edit(d, &df, fixed, "Dockerfile").as_deref(),
            Some("src/index.js")
        );
        let fixed = "FROM b\nCOPY package*.json src ./\nRUN npm ci\nCOPY . .\n";
        assert_eq!(
            file_to_edit(d, &df, fixed, "Dockerfile").as_deref(),
            Some("README.md")
        );
    }

    #[test]
    fn config_differences_name_the_field() {
        let a = ImageConfig {
            working_dir: "/app".into(),
            ..Default::default()
        };
        let mut b = a.clone();
        assert!(config_differences(&a, &b).is_empty());
        b.working_dir = "/srv".into();
        b.cmd = Some(vec!["sh".into()]);
        let d = config_differences(&a, &b);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].starts_with("Cmd None -> "), "{d:?}");
        assert_eq!(d[1], "WorkingDir \"/app\" -> \"/srv\"");
    }

    #[test]
    fn exit_status_needs_a_confirmed_error() {
        let r = |status, severity| VerifyResult {
            code: "DF003".into(),
            name: "missing-context".into(),
            line: 1,
            status,
            evidence: String::new(),
            severity,
        };
        let report = |results| Report {
            file: "Dockerfile".into(),
            results,
            cache: vec![],
            builds: vec![],
        };
        assert_eq!(
            report(vec![r(Status::Confirmed, Severity::Error)]).exit_status(),
            1
        );
        assert_eq!(
            report(vec![r(Status::Refuted, Severity::Error)]).exit_status(),
            0
        );
        assert_eq!(
            report(vec![r(Status::Confirmed, Severity::Warning)]).exit_status(),
            0
        );
    }
}
