//! One thread that answers the read-only requests (hover, completion, symbols, tokens, ...)
//! with a semantic model built once per document version.
//!
//! `Model` borrows the text and the parse and holds syntax nodes that cannot leave their
//! thread, so it cannot be stored in the shared document table. Instead this thread keeps the
//! model of the snapshot it last served as a local of its loop, and answers every following
//! job on that same snapshot with it; a job on another snapshot (a newer version, another
//! document) ends the inner loop and the model is built for that one. No self-reference, no
//! unsafe: the snapshot (an `Arc`) and the model borrowing it live in the same stack frame.
//!
//! Jobs are short (a few milliseconds on a 5,000-line file), so one thread serves them in
//! order; diagnostics are computed elsewhere (the blocking pool) and never wait here.

use crate::backend::guard;
use crate::document::{Snapshot, SnapshotRef};
use dflint_rules::Model;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::Arc;
use tower_lsp_server::jsonrpc::{Error, Result};

type Run = Box<dyn FnOnce(&Snapshot, &Model) + Send>;

struct Job {
    snap: SnapshotRef,
    run: Run,
}

pub struct Analysis {
    tx: mpsc::Sender<Job>,
}

impl Analysis {
    pub fn start() -> Analysis {
        let (tx, rx) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("dflint-analysis".into())
            .spawn(move || serve(rx));
        if let Err(e) = spawned {
            eprintln!("dflint lsp: cannot start the analysis thread: {e}");
        }
        Analysis { tx }
    }

    /// Runs `f` on the analysis thread with the model of `snap`; a panic inside `f` becomes an
    /// internal error (named `what`) and the thread keeps serving.
    pub async fn with_model<T, F>(&self, what: &'static str, snap: SnapshotRef, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Snapshot, &Model) -> T + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let run: Run = Box::new(move |s, m| {
            let _ = tx.send(guard(what, || f(s, m)));
        });
        self.tx
            .send(Job { snap, run })
            .map_err(|_| internal(what))?;
        rx.await.map_err(|_| internal(what))?
    }
}

fn internal(what: &str) -> Error {
    let mut e = Error::internal_error();
    e.message = format!("dflint: the analysis thread stopped during {what}").into();
    e
}

fn serve(rx: mpsc::Receiver<Job>) {
    let mut next = rx.recv().ok();
    while let Some(job) = next.take() {
        // A panic while building the model drops the job (its caller gets an error) and the
        // loop goes on with the next one.
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let snap = job.snap.clone();
            let t = std::time::Instant::now();
            let model = Model::with_line_index(&snap.text, &snap.parse, snap.line_index.clone());
            if crate::checker::trace() {
                eprintln!(
                    "dflint lsp: analysis model for version {}: {:?}",
                    snap.version,
                    t.elapsed()
                );
            }
            (job.run)(&snap, &model);
            loop {
                match rx.recv() {
                    Ok(j) if Arc::ptr_eq(&j.snap, &snap) => (j.run)(&snap, &model),
                    Ok(j) => return Some(j),
                    Err(_) => return None,
                }
            }
        }));
        next = match outcome {
            Ok(j) => j,
            Err(_) => rx.recv().ok(),
        };
    }
}
