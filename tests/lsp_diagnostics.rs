//! Protocol tests of diagnostics: versions, ordering under rapid edits, push and pull, the
//! nearest dflint.toml (reloaded on change), editor settings, and build-context awareness.

#[path = "lsp_client.rs"]
mod lsp_client;

use lsp_client::{pos, workspace, Client};
use serde_json::{json, Value};

fn names(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["data"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn published_with_version_code_name_and_link() {
    let dir = workspace();
    let mut c = Client::start(dir.path(), Value::Null);
    let uri = c.open_file("Dockerfile", "RUN echo hi\nFROM alpine:3.19\nRUNN x\n");
    let d = c.diagnostics(&uri, 1);
    assert_eq!(d["version"], 1);
    insta::assert_json_snapshot!(c.redact(&d));
    // Pull diagnostics give the same items.
    let pulled = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(pulled["kind"], "full");
    assert_eq!(pulled["items"], d["diagnostics"]);
}

#[test]
fn rapid_incremental_edits_arrive_in_order_and_none_is_lost() {
    let dir = workspace();
    let mut c = Client::start(dir.path(), Value::Null);
    let uri = c.open_file("Dockerfile", "FROM alpine:3.19\n");
    c.diagnostics(&uri, 1);
    // Type "RUN x" before the FROM one character at a time, without waiting.
    for (i, ch) in "RUN x\n".chars().enumerate() {
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2 + i},
                   "contentChanges": [{"range": {"start": pos(0, i as u32), "end": pos(0, i as u32)}, "text": ch.to_string()}]}),
        );
    }
    let last = c.diagnostics(&uri, 7);
    assert_eq!(last["version"], 7);
    assert!(names(&last).contains(&"from-first".to_string()), "{last}");
    // The text the server holds is exactly what was typed: formatting it shows it.
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(edits, json!([]), "text was RUN x / FROM alpine:3.19");
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(1, 1)}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("FROM"),
        "{hover}"
    );
    // No publish for an older version came after a newer one.
    let versions: Vec<i64> = c
        .notifications
        .iter()
        .filter(|n| n["method"] == "textDocument/publishDiagnostics")
        .filter_map(|n| n["params"]["version"].as_i64())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] <= w[1]), "{versions:?}");
}

#[test]
fn nearest_config_applies_and_reloads_when_it_changes() {
    let dir = workspace();
    std::fs::write(
        dir.path().join("dflint.toml"),
        "ignore = [\"from-first\"]\n",
    )
    .unwrap();
    let mut c = Client::start(dir.path(), Value::Null);
    let uri = c.open_file("sub/Dockerfile", "RUN echo hi\nFROM alpine:3.19\n");
    let d = c.diagnostics(&uri, 1);
    assert!(!names(&d).contains(&"from-first".to_string()), "{d}");
    // The watcher registration covers configuration files.
    let reg = c.wait_server_request("client/registerCapability");
    let globs = reg["params"]["registrations"][0]["registerOptions"]["watchers"].to_string();
    assert!(
        globs.contains("dflint.toml") && globs.contains(".dockerignore"),
        "{globs}"
    );
    std::fs::write(dir.path().join("dflint.toml"), "ignore = []\n").unwrap();
    let cfg_uri = lsp_client::file_uri(&dir.path().join("dflint.toml"));
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": cfg_uri, "type": 2}]}),
    );
    let d = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["diagnostics"].to_string().contains("from-first")
    });
    assert_eq!(d["version"], 1);
}

#[test]
fn editor_settings_from_initialization_options_and_configuration() {
    let dir = workspace();
    let mut c = Client::start(
        dir.path(),
        json!({"ignore": ["from-first"], "severity": {"syntax-error": "warning"}}),
    );
    let uri = c.open_file("Dockerfile", "RUN echo hi\nFROM alpine:3.19\nRUNN x\n");
    let d = c.diagnostics(&uri, 1);
    assert!(!names(&d).contains(&"from-first".to_string()), "{d}");
    let syntax = d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["data"]["name"] == "syntax-error")
        .unwrap()
        .clone();
    assert_eq!(syntax["severity"], 2, "warning: {syntax}");
    // workspace/didChangeConfiguration with new settings.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"dflint": {"ignore": ["syntax-error"]}}}),
    );
    let d = c.wait_notification("textDocument/publishDiagnostics", |p| {
        !p["diagnostics"].to_string().contains("syntax-error")
    });
    assert!(names(&d).contains(&"from-first".to_string()), "{d}");
    // Pulled through workspace/configuration when the client says "changed" without values.
    c.settings = json!({"select": ["from-first"]});
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    let d = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["diagnostics"]
            .as_array()
            .is_some_and(|a| a.len() == 1 && a[0]["data"]["name"] == "from-first")
    });
    assert_eq!(names(&d), vec!["from-first"]);
}

#[test]
fn missing_context_follows_the_files_of_the_build_context() {
    let dir = workspace();
    let mut c = Client::start(dir.path(), Value::Null);
    let uri = c.open_file("Dockerfile", "FROM alpine:3.19\nCOPY app.txt /app/\n");
    let d = c.diagnostics(&uri, 1);
    assert!(names(&d).contains(&"missing-context".to_string()), "{d}");
    let file = dir.path().join("app.txt");
    std::fs::write(&file, "hi").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": lsp_client::file_uri(&file), "type": 1}]}),
    );
    c.wait_notification("textDocument/publishDiagnostics", |p| {
        !p["diagnostics"].to_string().contains("missing-context")
    });
    // Ignored by .dockerignore: missing again.
    let ignore = dir.path().join(".dockerignore");
    std::fs::write(&ignore, "app.txt\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": lsp_client::file_uri(&ignore), "type": 1}]}),
    );
    c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["diagnostics"].to_string().contains("missing-context")
    });
    std::fs::remove_file(&ignore).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": lsp_client::file_uri(&ignore), "type": 3}]}),
    );
    c.wait_notification("textDocument/publishDiagnostics", |p| {
        !p["diagnostics"].to_string().contains("missing-context")
    });
}

#[test]
fn closing_clears_diagnostics() {
    let dir = workspace();
    let mut c = Client::start(dir.path(), Value::Null);
    let uri = c.open_file("Dockerfile", "RUN echo\n");
    c.diagnostics(&uri, 1);
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let u = uri.clone();
    let d = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == u.as_str() && p["diagnostics"] == json!([])
    });
    assert_eq!(d["diagnostics"], json!([]));
    assert_eq!(c.shutdown(), Some(0));
}

/// A close and a reopen right after it (same URI, version 1 again, other text) are applied in
/// that order: the document stays open with the new text, and its symbols are the new ones.
#[test]
fn a_document_closed_and_opened_again_keeps_its_new_text() {
    let dir = workspace();
    let mut c = Client::start(dir.path(), Value::Null);
    let uri = c.open_file("Dockerfile", "FROM alpine:3.19 AS old\n");
    c.diagnostics(&uri, 1);
    let old = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(old[0]["name"], "old", "{old}");
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    c.open(&uri, "RUN x\nFROM alpine:3.19 AS new\n");
    let published = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && names(p).contains(&"from-first".to_string())
    });
    assert_eq!(published["version"], 1);
    let new = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let stage = new
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == 2)
        .cloned();
    assert_eq!(
        stage.map(|s| s["name"].clone()),
        Some(json!("new")),
        "{new}"
    );
    // Nothing cleared the reopened document afterwards.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(1, 1)}),
    );
    assert!(hover["contents"]["value"].is_string(), "{hover}");
}
