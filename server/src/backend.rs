//! The `LanguageServer` implementation: documents, versions, scheduling and dispatch. No
//! Dockerfile knowledge here; each feature lives in `handlers/<feature>.rs`.

use crate::checker::Job;
use crate::diagnostics;
use crate::document::{Snapshot, SnapshotRef};
use crate::handlers;
use crate::ingress::Shared;
use crate::settings::{lock, ClientSettings};
use crate::verify;
use dflint_rules::Diagnostic;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

#[derive(Default, Clone)]
struct ClientCaps {
    configuration: bool,
    watch_dynamic: bool,
    snippets: bool,
    work_done_progress: bool,
}

pub struct Backend {
    client: Client,
    /// Documents, the analysis thread and the output queue, shared with the transport.
    shared: Arc<Shared>,
    caps: RwLock<ClientCaps>,
    result_ids: AtomicU64,
}

/// Runs a handler body; a panic becomes an internal error and the server keeps serving.
pub(crate) fn guard<T>(what: &str, f: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        eprintln!("dflint lsp: panic in {what}: {msg}");
        Error {
            code: ErrorCode::InternalError,
            message: format!("dflint: internal error in {what}: {msg}").into(),
            data: None,
        }
    })
}

impl Backend {
    pub fn new(client: Client, shared: Arc<Shared>) -> Backend {
        Backend {
            shared,
            client,
            caps: RwLock::new(ClientCaps::default()),
            result_ids: AtomicU64::new(1),
        }
    }

    /// `dflint/debugPanic`: panics inside a handler when `DFLINT_LSP_DEBUG_PANIC=1`, so that
    /// tests can check the server survives; otherwise an error.
    pub async fn debug_panic(&self, _params: Option<serde_json::Value>) -> Result<()> {
        guard("dflint/debugPanic", || {
            if std::env::var_os("DFLINT_LSP_DEBUG_PANIC").is_some() {
                panic!("deliberate panic for testing");
            }
        })?;
        Err(Error::method_not_found())
    }

    fn snapshot(&self, uri: &Uri) -> Option<SnapshotRef> {
        lock(&self.shared.docs)
            .get(uri.as_str())
            .map(|d| d.snap.clone())
    }

    fn client_settings(&self) -> ClientSettings {
        self.shared.client_settings()
    }

    fn caps(&self) -> ClientCaps {
        self.caps.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn environment(&self, snap: &Snapshot) -> crate::settings::Environment {
        self.shared.environment(snap)
    }

    /// The diagnostics of this snapshot: cached when already checked, computed otherwise.
    fn diagnostics_of(&self, snap: &SnapshotRef) -> Arc<Vec<Diagnostic>> {
        if let Some(d) = lock(&self.shared.docs)
            .get(snap.uri.as_str())
            .and_then(|e| e.diags.as_ref())
            .filter(|(v, _)| *v == snap.version)
        {
            return d.1.clone();
        }
        let env = self.environment(snap);
        Arc::new(diagnostics::check(snap, &env))
    }

    async fn check_and_publish(&self, snap: SnapshotRef) {
        self.shared.schedule_check(snap);
    }

    /// Checks every open document again, from scratch (configuration or context files changed).
    async fn recheck_all(&self) {
        self.shared.checker.submit(Job::Invalidate);
        let snaps: Vec<SnapshotRef> = lock(&self.shared.docs)
            .values()
            .map(|e| e.snap.clone())
            .collect();
        for s in snaps {
            self.check_and_publish(s).await;
        }
    }

    /// Asks the client for its settings; true if they changed.
    async fn pull_configuration(&self) -> bool {
        if !self.caps().configuration {
            return false;
        }
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("dflint".into()),
        }];
        if let Ok(values) = self.client.configuration(items).await {
            if let Some(s) = values.first().and_then(ClientSettings::from_json) {
                if s != self.client_settings() {
                    self.shared.set_client_settings(s);
                    self.shared.cache.clear_configs();
                    return true;
                }
            }
        }
        false
    }
}

fn position_params(p: &TextDocumentPositionParams) -> (&Uri, Position) {
    (&p.text_document.uri, p.position)
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let c = &params.capabilities;
        let caps = ClientCaps {
            configuration: c
                .workspace
                .as_ref()
                .and_then(|w| w.configuration)
                .unwrap_or(false),
            watch_dynamic: c
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            snippets: c
                .text_document
                .as_ref()
                .and_then(|t| t.completion.as_ref())
                .and_then(|c| c.completion_item.as_ref())
                .and_then(|i| i.snippet_support)
                .unwrap_or(false),
            work_done_progress: c
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
        };
        // Read by the transport, which answers documentSymbol itself.
        let nested = c
            .text_document
            .as_ref()
            .and_then(|t| t.document_symbol.as_ref())
            .and_then(|d| d.hierarchical_document_symbol_support)
            .unwrap_or(false);
        self.shared
            .hierarchical_symbols
            .store(nested, Ordering::Relaxed);
        *self.caps.write().unwrap_or_else(|e| e.into_inner()) = caps;
        if let Some(s) = params
            .initialization_options
            .as_ref()
            .and_then(ClientSettings::from_json)
        {
            self.shared.set_client_settings(s);
        }
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "dflint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: handlers::capabilities(),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if self.caps().watch_dynamic {
            let watchers = handlers::watchers();
            let reg = Registration {
                id: "dflint-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                    watchers,
                })
                .ok(),
            };
            if let Err(e) = self.client.register_capability(vec![reg]).await {
                eprintln!("dflint lsp: cannot register file watchers: {e}");
            }
        }
        // Documents opened before this point were checked with the settings then known.
        if self.pull_configuration().await {
            self.recheck_all().await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    // didOpen, didChange and didClose never reach the backend: the transport applies them to
    // the documents and schedules their check as they arrive, in order (see `ingress`).
    // Malformed ones are passed on, and tower-lsp-server reports them.
    async fn did_open(&self, _: DidOpenTextDocumentParams) {}

    async fn did_change(&self, _: DidChangeTextDocumentParams) {}

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    // Like didOpen and didChange, applied by the transport (`ingress::close`).
    async fn did_close(&self, _: DidCloseTextDocumentParams) {}

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if let Some(s) = ClientSettings::from_json(&params.settings) {
            self.shared.set_client_settings(s);
        } else {
            let _ = self.pull_configuration().await;
        }
        self.shared.cache.clear_configs();
        self.recheck_all().await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        for change in &params.changes {
            let name = change.uri.as_str().rsplit('/').next().unwrap_or("");
            if name == "dflint.toml" || name == ".dflint.toml" {
                self.shared.cache.clear_configs();
            }
            if name.ends_with("dockerignore") {
                self.shared.cache.clear_contexts();
            }
        }
        // Any file may be a COPY source: check again (the context view reads the disk live).
        self.recheck_all().await;
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let items = match self.snapshot(&params.text_document.uri) {
            Some(snap) => {
                let diags = self.diagnostics_of(&snap);
                guard("diagnostic", || {
                    diags
                        .iter()
                        .map(|d| diagnostics::to_lsp(&snap, d))
                        .collect()
                })?
            }
            None => Vec::new(),
        };
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let diags = self.diagnostics_of(&snap);
        let env = self.environment(&snap);
        // Not on the analysis thread: "fix all" checks the file again (possibly several
        // times), and hover or completion must not wait for that.
        tokio::task::spawn_blocking(move || {
            guard("codeAction", || {
                let model = dflint_rules::Model::new(&snap.text, &snap.parse);
                handlers::code_action::code_actions(&snap, &model, &diags, &env, &params)
            })
        })
        .await
        .unwrap_or_else(|_| Err(Error::internal_error()))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let (uri, pos) = position_params(&params.text_document_position_params);
        let Some(snap) = self.snapshot(uri) else {
            return Ok(None);
        };
        let diags = self.diagnostics_of(&snap);
        self.shared
            .analysis
            .with_model("hover", snap, move |s, m| {
                handlers::hover::hover(s, m, pos, &diags)
            })
            .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let (uri, pos) = position_params(&params.text_document_position);
        let Some(snap) = self.snapshot(uri) else {
            return Ok(None);
        };
        let snippets = self.caps().snippets;
        self.shared
            .analysis
            .with_model("completion", snap, move |s, m| {
                handlers::completion::completion(s, m, pos, snippets)
            })
            .await
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let (uri, pos) = position_params(&params.text_document_position_params);
        let Some(snap) = self.snapshot(uri) else {
            return Ok(None);
        };
        self.shared
            .analysis
            .with_model("signatureHelp", snap, move |s, m| {
                handlers::signature_help::signature_help(s, m, pos)
            })
            .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let (uri, pos) = position_params(&params.text_document_position_params);
        let Some(snap) = self.snapshot(uri) else {
            return Ok(None);
        };
        self.shared
            .analysis
            .with_model("definition", snap, move |s, m| {
                handlers::navigation::definition(s, m, pos)
            })
            .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let (uri, pos) = position_params(&params.text_document_position);
        let Some(snap) = self.snapshot(uri) else {
            return Ok(None);
        };
        let include_decl = params.context.include_declaration;
        self.shared
            .analysis
            .with_model("references", snap, move |s, m| {
                handlers::navigation::references(s, m, pos, include_decl)
            })
            .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let (uri, pos) = position_params(&params.text_document_position_params);
        let Some(snap) = self.snapshot(uri) else {
            return Ok(None);
        };
        self.shared
            .analysis
            .with_model("documentHighlight", snap, move |s, m| {
                handlers::navigation::highlight(s, m, pos)
            })
            .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let (uri, pos) = position_params(&params);
        let Some(snap) = self.snapshot(uri) else {
            return Ok(None);
        };
        self.shared
            .analysis
            .with_model("prepareRename", snap, move |s, m| {
                handlers::navigation::prepare_rename(s, m, pos)
            })
            .await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let (uri, pos) = position_params(&params.text_document_position);
        let Some(snap) = self.snapshot(uri) else {
            return Ok(None);
        };
        let new_name = params.new_name;
        self.shared
            .analysis
            .with_model("rename", snap, move |s, m| {
                handlers::navigation::rename(s, m, pos, &new_name)
            })
            .await?
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        self.shared
            .analysis
            .with_model("foldingRange", snap, |s, m| {
                handlers::folding::folding_ranges(s, m)
            })
            .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let data = self
            .shared
            .analysis
            .with_model("semanticTokens", snap.clone(), |s, m| {
                handlers::semantic_tokens::tokens(s, m, None)
            })
            .await?;
        let id = self.result_ids.fetch_add(1, Ordering::Relaxed).to_string();
        if let Some(e) = lock(&self.shared.docs).get_mut(snap.uri.as_str()) {
            e.tokens = Some((id.clone(), data.clone()));
        }
        Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
            result_id: Some(id),
            data,
        })))
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let data = self
            .shared
            .analysis
            .with_model("semanticTokens", snap.clone(), |s, m| {
                handlers::semantic_tokens::tokens(s, m, None)
            })
            .await?;
        let id = self.result_ids.fetch_add(1, Ordering::Relaxed).to_string();
        let previous = lock(&self.shared.docs)
            .get_mut(snap.uri.as_str())
            .and_then(|e| e.tokens.replace((id.clone(), data.clone())));
        Ok(Some(match previous {
            Some((prev_id, prev)) if prev_id == params.previous_result_id => {
                SemanticTokensFullDeltaResult::TokensDelta(SemanticTokensDelta {
                    result_id: Some(id),
                    edits: handlers::semantic_tokens::delta(&prev, &data),
                })
            }
            _ => SemanticTokensFullDeltaResult::Tokens(SemanticTokens {
                result_id: Some(id),
                data,
            }),
        }))
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let range = params.range;
        let data = self
            .shared
            .analysis
            .with_model("semanticTokens", snap, move |s, m| {
                handlers::semantic_tokens::tokens(s, m, Some(range))
            })
            .await?;
        Ok(Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
            result_id: None,
            data,
        })))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let range = params.range;
        self.shared
            .analysis
            .with_model("inlayHint", snap, move |s, m| {
                handlers::inlay_hints::inlay_hints(s, m, range)
            })
            .await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        self.shared
            .analysis
            .with_model("documentLink", snap, |s, m| {
                handlers::links::document_links(s, m)
            })
            .await
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<serde_json::Value>> {
        if params.command != verify::COMMAND {
            return Err(Error::invalid_params(format!(
                "unknown command `{}`",
                params.command
            )));
        }
        let uri = params
            .arguments
            .first()
            .and_then(|v| v.as_str())
            .and_then(|s| Uri::from_str(s).ok())
            .ok_or_else(|| {
                Error::invalid_params("dflint.verify: the argument is the document's URI")
            })?;
        let Some(path) = uri.to_file_path().map(|p| p.into_owned()) else {
            return Err(Error::invalid_params(
                "dflint.verify: the document must be a file on disk (save it first)",
            ));
        };
        // Verify builds the saved file; say so when the editor's text differs.
        let unsaved = self.snapshot(&uri).is_some_and(|snap| {
            std::fs::read_to_string(&path).map_or(true, |disk| disk != snap.text)
        });
        let progress = self.caps().work_done_progress;
        // In the background: the reply comes at once, the statuses when the builds are done.
        tokio::spawn(verify::run(self.client.clone(), path, unsaved, progress));
        Ok(None)
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        guard("formatting", || {
            handlers::formatting::format(&snap, &params.options)
        })
    }
}
