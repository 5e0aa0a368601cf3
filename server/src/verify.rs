//! The `dflint.verify` command: `dflint verify` for the document's file, in the background.
//!
//! The orchestration is `dflint_engine::verify` (the same as the CLI's); this module only runs
//! it off the request path, reports progress (`window/workDoneProgress`) when the client
//! supports it, and reports the statuses as a `window/showMessage` plus `window/logMessage`
//! lines with the evidence. Builds take seconds to minutes, so the run gets its own thread and
//! runtime: the server's workers keep answering other requests meanwhile.

use dflint_engine::verify::{self, Report, Status, VerifyOptions};
use dflint_engine::Engine;
use std::path::PathBuf;
use tower_lsp_server::ls_types::notification::Progress;
use tower_lsp_server::ls_types::request::WorkDoneProgressCreate;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::Client;

pub const COMMAND: &str = "dflint.verify";

/// The rules whose diagnostics a build can confirm or refute (the code action is offered on
/// these).
pub const VERIFIABLE: &[&str] = &["missing-context", "from-first", "cache-busting-order"];

/// Title of the code action.
pub const TITLE: &str = "Verify with a real build";

/// Runs verify for `path` and reports to the client; returns when the run is over.
pub async fn run(client: Client, path: PathBuf, unsaved: bool, progress: bool) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let token = if progress {
        let token = NumberOrString::String(format!("dflint-verify-{}", next_id()));
        let created = client
            .send_request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
                token: token.clone(),
            })
            .await
            .is_ok();
        created.then_some(token)
    } else {
        None
    };
    if let Some(token) = &token {
        send_progress(
            &client,
            token,
            WorkDoneProgress::Begin(WorkDoneProgressBegin {
                title: format!("dflint verify {name}"),
                cancellable: Some(false),
                message: Some("building with the Docker engine".into()),
                percentage: None,
            }),
        )
        .await;
    }
    if unsaved {
        client
            .log_message(
                MessageType::WARNING,
                format!("dflint verify: {name} has unsaved changes; verifying the saved file"),
            )
            .await;
    }
    client
        .log_message(
            MessageType::INFO,
            format!("dflint verify: {} started", path.display()),
        )
        .await;

    // Builds run on their own thread and runtime (they take long and must not hold the
    // server's two workers).
    let (tx, rx) = tokio::sync::oneshot::channel();
    let p = path.clone();
    let spawned = std::thread::Builder::new()
        .name("dflint-verify".into())
        .spawn(move || {
            let outcome = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt.block_on(verify_file(p)),
                Err(e) => Err(format!("cannot start a runtime: {e}")),
            };
            let _ = tx.send(outcome);
        });
    let outcome = match spawned {
        Ok(_) => rx
            .await
            .unwrap_or_else(|_| Err("the verify thread stopped".into())),
        Err(e) => Err(format!("cannot start a thread: {e}")),
    };

    let end_message = match &outcome {
        Ok(report) => summary(report),
        Err(e) => e.clone(),
    };
    if let Some(token) = &token {
        send_progress(
            &client,
            token,
            WorkDoneProgress::End(WorkDoneProgressEnd {
                message: Some(end_message),
            }),
        )
        .await;
    }
    match outcome {
        Ok(report) => {
            for line in log_lines(&report) {
                client.log_message(MessageType::INFO, line).await;
            }
            let confirmed_error = report.exit_status() != 0;
            let kind = if confirmed_error {
                MessageType::WARNING
            } else {
                MessageType::INFO
            };
            client.show_message(kind, message(&name, &report)).await;
        }
        Err(e) => {
            let text = format!("dflint verify {name}: {e}");
            client.log_message(MessageType::ERROR, text.clone()).await;
            client.show_message(MessageType::ERROR, text).await;
        }
    }
}

fn next_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    N.fetch_add(1, Ordering::Relaxed)
}

async fn send_progress(client: &Client, token: &NumberOrString, value: WorkDoneProgress) {
    client
        .send_notification::<Progress>(ProgressParams {
            token: token.clone(),
            value: ProgressParamsValue::WorkDone(value),
        })
        .await;
}

/// Lints the saved file and verifies its diagnostics; `Err` is the message to show (no
/// engine, unreadable file, bad configuration).
async fn verify_file(path: PathBuf) -> Result<Report, String> {
    let opts = VerifyOptions::new(path);
    let linted = {
        let o = opts.clone();
        tokio::task::spawn_blocking(move || verify::lint(&o))
            .await
            .map_err(|e| format!("lint failed: {e}"))??
    };
    let engine = Engine::connect().await.map_err(|e| e.to_string())?;
    verify::verify(&engine, &opts, &linted.text, &linted.diagnostics)
        .await
        .map_err(|e| e.to_string())
}

fn count(report: &Report, status: Status) -> usize {
    report.results.iter().filter(|r| r.status == status).count()
}

fn summary(report: &Report) -> String {
    let parts: Vec<String> = [
        Status::Confirmed,
        Status::Refuted,
        Status::Inconclusive,
        Status::NotVerifiable,
    ]
    .into_iter()
    .filter_map(|s| {
        let n = count(report, s);
        (n > 0).then(|| format!("{n} {}", s.as_str()))
    })
    .collect();
    if parts.is_empty() {
        "nothing to verify".into()
    } else {
        parts.join(", ")
    }
}

/// The showMessage text: the counts, then one line per verified diagnostic.
fn message(name: &str, report: &Report) -> String {
    let mut s = format!("dflint verify {name}: {}", summary(report));
    for r in report
        .results
        .iter()
        .filter(|r| r.status != Status::NotVerifiable)
    {
        s.push_str(&format!(
            "\nline {}: {} ({}) {}: {}",
            r.line,
            r.name,
            r.code,
            r.status.as_str(),
            r.evidence
        ));
    }
    s
}

/// The log: every result with its evidence, the cache measurements and the builds.
fn log_lines(report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    for r in &report.results {
        out.push(format!(
            "dflint verify: {}:{}: {} ({}) {}: {}",
            report.file,
            r.line,
            r.name,
            r.code,
            r.status.as_str(),
            r.evidence
        ));
    }
    for c in &report.cache {
        out.push(format!(
            "dflint verify: cache, line {}: {} steps; after editing {}: {} rebuilt before the fix, {} after",
            c.line, c.steps, c.edited, c.rebuilt_before, c.rebuilt_after
        ));
    }
    for b in &report.builds {
        out.push(format!(
            "dflint verify: build {}: {} in {:.1} s{}{}",
            b.what,
            if b.ok { "ok" } else { "failed" },
            b.seconds,
            b.image_size
                .map(|s| format!(", {}", verify::human_size(s)))
                .unwrap_or_default(),
            b.error
                .as_ref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        ));
    }
    out
}
