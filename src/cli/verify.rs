//! `dflint verify`: confirm diagnostics and fixes with real builds through the Docker Engine
//! API. The work is in `dflint_engine::verify`; this module parses the arguments, starts a
//! runtime, and prints the report (a table for people, or JSON).
//!
//! Exit status: 0 when no error-level diagnostic is confirmed, 1 when one is, 2 on a usage or
//! engine error (no engine, unreadable file, bad `--select`).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use dflint_engine::verify::{self, human_size, Report, VerifyOptions};
use dflint_engine::{Engine, EngineError};

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The Dockerfile to verify.
    #[arg(default_value = "Dockerfile")]
    pub dockerfile: PathBuf,
    /// The build context folder (default: the Dockerfile's folder).
    #[arg(long)]
    pub context: Option<PathBuf>,
    /// Build only up to this stage.
    #[arg(long)]
    pub target: Option<String>,
    /// Rules to run (codes or names, comma-separated, or `all`) instead of the configured set.
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Network mode of RUN steps during the builds.
    #[arg(long, value_enum, default_value_t = Network::None)]
    pub network: Network,
    /// Give up on a build after this many seconds.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Keep the images the builds made (they carry the label `dflint.verify=<run id>`).
    #[arg(long)]
    pub keep: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Network {
    /// No network (the default).
    None,
    /// The engine's default network.
    Default,
}

pub fn run(args: &VerifyArgs) -> i32 {
    let mut opts = VerifyOptions::new(&args.dockerfile);
    if let Some(context) = &args.context {
        opts.context = context.clone();
    }
    opts.target = args.target.clone();
    opts.select = args.select.clone();
    opts.network = match args.network {
        Network::None => "none",
        Network::Default => "default",
    }
    .to_string();
    opts.timeout = Duration::from_secs(args.timeout);
    opts.keep = args.keep;
    opts.handle_ctrl_c = true;
    opts.progress = true;

    let linted = match verify::lint(&opts) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("dflint verify: {e}");
            return 2;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dflint verify: cannot start the async runtime: {e}");
            return 2;
        }
    };
    let result: Result<(Engine, Report), EngineError> = runtime.block_on(async {
        let engine = Engine::connect().await?;
        let report = verify::verify(&engine, &opts, &linted.text, &linted.diagnostics).await?;
        Ok((engine, report))
    });
    let (engine, report) = match result {
        Ok(r) => r,
        Err(e) => {
            // An interrupted run has already said so (and what it removed).
            if !matches!(e, EngineError::Interrupted) {
                eprintln!("dflint verify: {e}");
            }
            return e.exit_status();
        }
    };
    match args.format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("dflint verify: {e}");
                return 2;
            }
        },
        Format::Human => print!("{}", human(&report, &engine, &opts)),
    }
    report.exit_status()
}

/// The report as tables for people.
pub fn human(report: &Report, engine: &Engine, opts: &VerifyOptions) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "dflint verify {} (context {}, engine {} API {}, network {})\n\n",
        report.file,
        opts.context.display(),
        engine.addr(),
        engine.api_version(),
        opts.network
    ));
    if report.results.is_empty() {
        out.push_str("No diagnostics to verify.\n");
    } else {
        let rows: Vec<Vec<String>> = report
            .results
            .iter()
            .map(|r| {
                vec![
                    r.line.to_string(),
                    r.code.clone(),
                    r.name.clone(),
                    r.status.as_str().to_string(),
                    r.evidence.clone(),
                ]
            })
            .collect();
        out.push_str(&table(
            &["LINE", "CODE", "RULE", "STATUS", "EVIDENCE"],
            &rows,
        ));
    }
    if !report.cache.is_empty() {
        out.push_str("\nCache: steps that ran again after a one-byte source edit\n");
        let rows: Vec<Vec<String>> = report
            .cache
            .iter()
            .map(|c| {
                vec![
                    c.line.to_string(),
                    c.edited.clone(),
                    c.steps.to_string(),
                    c.rebuilt_before.to_string(),
                    c.rebuilt_after.to_string(),
                ]
            })
            .collect();
        out.push_str(&table(
            &["LINE", "EDITED", "STEPS", "BEFORE FIX", "AFTER FIX"],
            &rows,
        ));
    }
    if !report.builds.is_empty() {
        out.push_str("\nBuilds\n");
        let rows: Vec<Vec<String>> = report
            .builds
            .iter()
            .map(|b| {
                vec![
                    b.what.clone(),
                    if b.ok { "ok" } else { "failed" }.to_string(),
                    format!("{:.2}s", b.seconds),
                    b.image_size.map(human_size).unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        out.push_str(&table(&["BUILD", "RESULT", "TIME", "SIZE"], &rows));
    }
    out
}

/// Left-aligned columns; the last column is not padded.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let last = cells.len() - 1;
        for (i, cell) in cells.iter().enumerate() {
            if i == last {
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        out.push('\n');
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
    out
}
