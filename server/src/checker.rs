//! One thread that checks documents and publishes their diagnostics.
//!
//! It keeps a [`CheckCache`] per document, so an edit re-runs the stage-scoped rules on the
//! stages it touched only, and it takes the latest version of each document from its queue
//! (older pending versions are skipped, never published). Publishing happens under the
//! documents lock after checking that the version is still the current one, so a result can
//! never overtake a newer one or a close.

use crate::diagnostics::JsonCache;
use crate::document::{Docs, SnapshotRef};
use crate::settings::{lock, Environment};
use crate::transport::Raw;
use dflint_context::BuildContext;
use dflint_rules::model::ModelCache;
use dflint_rules::{CheckCache, Model, Settings};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc, OnceLock};
use std::time::Instant;

/// `DFLINT_LSP_TRACE=1`: each check's phases on stderr (for profiling the server).
pub fn trace() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("DFLINT_LSP_TRACE").is_some())
}

pub enum Job {
    /// Check this version and publish it (when `push`).
    Check {
        snap: SnapshotRef,
        env: Environment,
        push: bool,
    },
    /// Files of build contexts or configuration changed: every unit must be checked again.
    Invalidate,
    /// The document was closed.
    Forget(String),
}

pub struct Checker {
    tx: mpsc::Sender<Job>,
}

/// What a document's cache was built for.
struct DocCache {
    cache: CheckCache,
    model: ModelCache,
    json: JsonCache,
    settings: Arc<Settings>,
    context: Option<Arc<BuildContext>>,
}

impl Checker {
    pub fn start(docs: Docs, raw: Raw) -> Checker {
        let (tx, rx) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("dflint-checker".into())
            .spawn(move || serve(rx, docs, raw));
        if let Err(e) = spawned {
            eprintln!("dflint lsp: cannot start the checker thread: {e}");
        }
        Checker { tx }
    }

    pub fn submit(&self, job: Job) {
        let _ = self.tx.send(job);
    }
}

fn serve(rx: mpsc::Receiver<Job>, docs: Docs, raw: Raw) {
    let mut caches: HashMap<String, DocCache> = HashMap::new();
    while let Ok(first) = rx.recv() {
        // Everything queued so far, in order; of several checks of one document, the last.
        let mut jobs = vec![first];
        jobs.extend(rx.try_iter());
        let mut latest: HashMap<String, usize> = HashMap::new();
        for (i, j) in jobs.iter().enumerate() {
            if let Job::Check { snap, .. } = j {
                latest.insert(snap.uri.as_str().to_string(), i);
            }
        }
        for (i, job) in jobs.into_iter().enumerate() {
            match job {
                Job::Invalidate => caches.values_mut().for_each(|c| c.cache.clear()),
                Job::Forget(uri) => {
                    caches.remove(&uri);
                }
                Job::Check { snap, env, push } => {
                    let uri = snap.uri.as_str().to_string();
                    if latest.get(&uri) != Some(&i) || !is_current(&docs, &snap) {
                        continue;
                    }
                    let outcome = catch_unwind(AssertUnwindSafe(|| {
                        check_one(&mut caches, &docs, &raw, &snap, &env, push)
                    }));
                    if outcome.is_err() {
                        eprintln!("dflint lsp: panic while checking {uri}");
                        caches.remove(&uri);
                    }
                }
            }
        }
    }
}

fn is_current(docs: &Docs, snap: &SnapshotRef) -> bool {
    lock(docs)
        .get(snap.uri.as_str())
        .is_some_and(|e| e.snap.version == snap.version)
}

fn check_one(
    caches: &mut HashMap<String, DocCache>,
    docs: &Docs,
    raw: &Raw,
    snap: &SnapshotRef,
    env: &Environment,
    push: bool,
) {
    let entry = caches
        .entry(snap.uri.as_str().to_string())
        .or_insert_with(|| DocCache {
            cache: CheckCache::default(),
            model: ModelCache::default(),
            json: JsonCache::default(),
            settings: env.settings.clone(),
            context: env.context.clone(),
        });
    let same_context = match (&entry.context, &env.context) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    };
    if !same_context || *entry.settings != *env.settings {
        entry.cache.clear();
        entry.settings = env.settings.clone();
        entry.context = env.context.clone();
    }
    let t0 = Instant::now();
    let json = &mut entry.json;
    let model = Model::with_cache(
        &snap.text,
        &snap.parse,
        snap.line_index.clone(),
        &mut entry.model,
    );
    entry.cache.check_then(
        model,
        env.context.as_deref(),
        &env.settings,
        |diags| {
            let t1 = Instant::now();
            let message = push.then(|| json.publish_message(snap, &diags, Some(snap.version)));
            if trace() {
                eprintln!(
                    "dflint lsp: checked version {}: queued {:?}, model and rules {:?}, to LSP {:?}",
                    snap.version,
                    t0 - snap.created,
                    t1 - t0,
                    t1.elapsed()
                );
            }
            // The previous version's diagnostics are freed after the lock is released.
            let _previous;
            let mut docs = lock(docs);
            if let Some(e) = docs
                .get_mut(snap.uri.as_str())
                .filter(|e| e.snap.version == snap.version)
            {
                _previous = e.diags.replace((snap.version, Arc::new(diags)));
                if let Some(m) = message {
                    raw.send_buffer(m);
                }
            }
        },
    );
}
