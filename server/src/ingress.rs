//! What the transport does itself before tower-lsp-server sees a message.
//!
//! - Text synchronization (`didOpen`, `didChange`) is applied here, in the order messages
//!   arrive, and the new version goes to the checker thread at once. Every message read
//!   afterwards, whichever task handles it, sees the edit.
//! - `textDocument/documentSymbol` is answered here: on a 5,000-line file its answer is 0.9 MB,
//!   and tower-lsp-server turns every result into a `serde_json::Value` tree before writing it,
//!   which cost three quarters of the request's time. Here the typed result is serialized once,
//!   on the analysis thread, and written to the output queue as it is.

use crate::analysis::Analysis;
use crate::checker::{Checker, Job};
use crate::document::{DocEntry, Docs, Snapshot, SnapshotRef};
use crate::handlers;
use crate::handlers::symbols::SymbolCache;
use crate::settings::lock;
use crate::settings::{Cache, ClientSettings, Environment};
use crate::transport::Raw;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tower_lsp_server::ls_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DocumentSymbolParams,
};

/// State shared by the transport and the server's handlers.
pub struct Shared {
    pub docs: Docs,
    pub analysis: Analysis,
    pub raw: Raw,
    /// Checks documents and publishes their diagnostics.
    pub checker: Checker,
    /// Configuration files and build contexts.
    pub cache: Cache,
    settings: RwLock<ClientSettings>,
    last_config_error: Mutex<Option<String>>,
    /// The client takes nested document symbols (set at `initialize`).
    pub hierarchical_symbols: AtomicBool,
    /// Serialized document symbols per stage, per document.
    pub symbols: Mutex<HashMap<String, SymbolCache>>,
    /// The runtime, for work started by the transport's reader thread.
    runtime: tokio::runtime::Handle,
}

impl Shared {
    pub fn new(raw: Raw, runtime: tokio::runtime::Handle) -> Shared {
        let docs = Docs::default();
        Shared {
            checker: Checker::start(docs.clone(), raw.clone()),
            docs,
            analysis: Analysis::start(),
            raw,
            cache: Cache::default(),
            settings: RwLock::new(ClientSettings::default()),
            last_config_error: Mutex::new(None),
            hierarchical_symbols: AtomicBool::new(false),
            symbols: Mutex::new(HashMap::new()),
            runtime,
        }
    }

    pub fn client_settings(&self) -> ClientSettings {
        self.settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_client_settings(&self, s: ClientSettings) {
        *self.settings.write().unwrap_or_else(|e| e.into_inner()) = s;
    }

    pub fn environment(&self, snap: &Snapshot) -> Environment {
        self.cache
            .environment(&self.client_settings(), snap.path.as_deref())
    }

    /// Has the checker thread check a snapshot and publish the result unless the document
    /// changed in the meantime. A configuration error is shown once.
    pub fn schedule_check(&self, snap: SnapshotRef) {
        let env = self.environment(&snap);
        if let Some(err) = env.config_error.clone() {
            let new = lock(&self.last_config_error).replace(err.clone()) != Some(err.clone());
            if new {
                let message = serde_json::json!({
                    "jsonrpc": "2.0",
                    "method": "window/showMessage",
                    "params": {"type": 1, "message": format!("dflint: {err}")},
                });
                self.raw.send(message.to_string().as_bytes());
            }
        }
        let push = self.client_settings().push_diagnostics != Some(false);
        self.checker.submit(Job::Check { snap, env, push });
    }
}

/// Whether the server still has to see a message.
pub enum Route {
    Forward,
    /// Handled here (answered, or a notification applied): tower-lsp-server never sees it.
    Answered,
    /// The `exit` notification: forward it, then stop serving.
    Exit,
}

#[derive(Deserialize)]
struct Message {
    method: Option<String>,
    id: Option<serde_json::Value>,
    #[serde(default)]
    params: serde_json::Value,
}

/// Looks at one well-formed message body.
pub fn route(shared: &Arc<Shared>, body: &[u8]) -> Route {
    let Ok(msg) = serde_json::from_slice::<Message>(body) else {
        return Route::Forward;
    };
    match (msg.method.as_deref(), msg.id) {
        (Some("textDocument/didOpen"), None) => {
            if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(msg.params) {
                let t0 = std::time::Instant::now();
                let td = p.text_document;
                let snap = Arc::new(Snapshot::new(td.uri, td.version, td.text));
                let parsed = t0.elapsed();
                lock(&shared.docs).insert(
                    snap.uri.as_str().to_string(),
                    DocEntry {
                        snap: snap.clone(),
                        diags: None,
                        tokens: None,
                    },
                );
                shared.schedule_check(snap.clone());
                if crate::checker::trace() {
                    eprintln!(
                        "dflint lsp: opened version {} parsed in {parsed:?}, scheduled after {:?}",
                        snap.version,
                        t0.elapsed()
                    );
                }
                // Nothing is left for the backend (a second parse of the whole text).
                return Route::Answered;
            }
            Route::Forward
        }
        (Some("textDocument/didChange"), None) => {
            if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(msg.params) {
                apply_change(shared, p);
                return Route::Answered;
            }
            Route::Forward
        }
        (Some("textDocument/didClose"), None) => {
            match serde_json::from_value::<DidCloseTextDocumentParams>(msg.params) {
                Ok(p) => {
                    close(shared, &p.text_document.uri);
                    Route::Answered
                }
                Err(_) => Route::Forward,
            }
        }
        (Some("textDocument/documentSymbol"), Some(id)) => {
            let Ok(p) = serde_json::from_value::<DocumentSymbolParams>(msg.params) else {
                return Route::Forward; // tower-lsp-server answers with the right error
            };
            document_symbols(shared.clone(), id, p);
            Route::Answered
        }
        (Some("exit"), None) => Route::Exit,
        _ => Route::Forward,
    }
}

/// Forgets a closed document, here rather than in the backend so that a close and a reopen
/// right after it are applied in that order.
fn close(shared: &Shared, uri: &tower_lsp_server::ls_types::Uri) {
    let push = shared.client_settings().push_diagnostics != Some(false);
    shared.checker.submit(Job::Forget(uri.as_str().to_string()));
    lock(&shared.symbols).remove(uri.as_str());
    let mut docs = lock(&shared.docs);
    // Sent under the lock: a check finishing now cannot publish after this.
    if docs.remove(uri.as_str()).is_some() && push {
        shared
            .raw
            .send(&crate::diagnostics::publish_message(uri, &[], None));
    }
}

fn apply_change(shared: &Shared, p: DidChangeTextDocumentParams) {
    let t0 = std::time::Instant::now();
    let (next, previous) = {
        let mut docs = lock(&shared.docs);
        let Some(entry) = docs.get_mut(p.text_document.uri.as_str()) else {
            return;
        };
        let applied = crate::backend::guard("didChange", || {
            entry.snap.apply(p.text_document.version, p.content_changes)
        });
        let Ok(next) = applied else { return };
        let previous = std::mem::replace(&mut entry.snap, Arc::new(next));
        (entry.snap.clone(), previous)
    };
    let applied = t0.elapsed();
    shared.schedule_check(next.clone());
    // Freeing the previous version (its tree's root holds every instruction and token of the
    // file) waits until the checker has the new one.
    drop(previous);
    if crate::checker::trace() {
        eprintln!(
            "dflint lsp: applied version {} in {applied:?}, scheduled after {:?}",
            next.version,
            t0.elapsed(),
        );
    }
}

#[derive(Serialize)]
struct Response<T> {
    jsonrpc: &'static str,
    id: serde_json::Value,
    result: T,
}

fn document_symbols(shared: Arc<Shared>, id: serde_json::Value, p: DocumentSymbolParams) {
    let snap = lock(&shared.docs)
        .get(p.text_document.uri.as_str())
        .map(|e| e.snap.clone());
    let nested = shared.hierarchical_symbols.load(Ordering::Relaxed);
    let raw = shared.raw.clone();
    let Some(snap) = snap else {
        send(&raw, id, None::<()>);
        return;
    };
    // Asked again for the same version (outline, breadcrumbs and sticky scroll each ask):
    // answered from here, without the hops to the runtime and the analysis thread.
    if nested {
        let cached = lock(&shared.symbols)
            .get(snap.uri.as_str())
            .and_then(|c| c.answer_for(&snap));
        if let Some(json) = cached {
            send_raw_result(&raw, id, &json);
            return;
        }
    }
    let runtime = shared.runtime.clone();
    runtime.spawn(async move {
        let (id2, raw2, shared2) = (id.clone(), raw.clone(), shared.clone());
        let answer = shared
            .analysis
            .with_model("documentSymbol", snap, move |s, m| {
                let t0 = std::time::Instant::now();
                let t1;
                if nested {
                    let json = {
                        let mut caches = lock(&shared2.symbols);
                        let cache = caches.entry(s.uri.as_str().to_string()).or_default();
                        handlers::symbols::nested_symbols_json(s, m, cache)
                    };
                    t1 = std::time::Instant::now();
                    send_raw_result(&raw2, id2, &json);
                } else {
                    let result = handlers::symbols::document_symbols(s, m, nested);
                    t1 = std::time::Instant::now();
                    send(&raw2, id2, result);
                }
                if crate::checker::trace() {
                    eprintln!(
                        "dflint lsp: documentSymbol: symbols {:?}, serialized and queued {:?}",
                        t1 - t0,
                        t1.elapsed()
                    );
                }
            })
            .await;
        if let Err(e) = answer {
            let body = serde_json::json!({"jsonrpc": "2.0", "id": id, "error": e});
            raw.send(body.to_string().as_bytes());
        }
    });
}

/// A response whose result is already JSON.
fn send_raw_result(raw: &Raw, id: serde_json::Value, result: &[u8]) {
    let mut body = crate::transport::body_buffer(result.len() + 64);
    body.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
    let _ = serde_json::to_writer(&mut body, &id);
    body.extend_from_slice(br#","result":"#);
    body.extend_from_slice(result);
    body.push(b'}');
    raw.send_buffer(body);
}

fn send<T: Serialize>(raw: &Raw, id: serde_json::Value, result: T) {
    let body = serde_json::to_vec(&Response {
        jsonrpc: "2.0",
        id,
        result,
    })
    .unwrap_or_default();
    raw.send(&body);
}
