//! The `dflint.verify` command over the protocol: offered as a code action on verifiable
//! diagnostics, run in the background against a real Docker engine, statuses reported as
//! `window/showMessage` and `window/logMessage`, progress through `window/workDoneProgress`.
//!
//! ```sh
//! eval "$(scripts/engine-start.sh)"   # sets DOCKER_HOST
//! cargo test -p dflint --test lsp_verify
//! scripts/engine-stop.sh
//! ```
//!
//! Without `DOCKER_HOST` the engine test fails under `CI=true` (a missing engine is a failure
//! in CI, never a skip) and prints a loud skip notice otherwise. The no-engine test always runs.

#[path = "lsp_client.rs"]
mod lsp_client;

mod engine_common;
use engine_common::have_engine;
use lsp_client::{default_caps, file_uri, Client};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/verify")
        .join(name)
        .canonicalize()
        .unwrap()
}

/// Starts the server in the `missing` fixture with progress support, opens its Dockerfile
/// and returns the client, the URI and the missing-context diagnostic.
fn open_missing(envs: &[(&str, &str)]) -> (Client, String, Value) {
    let dir = fixture("missing");
    let mut c = Client::spawn(&dir, envs);
    let mut caps = default_caps();
    caps["window"] = json!({"workDoneProgress": true});
    c.initialize(Value::Null, caps);
    let path = dir.join("Dockerfile");
    let uri = file_uri(&path);
    c.open(&uri, &std::fs::read_to_string(&path).unwrap());
    let diags = c.diagnostics(&uri, 1);
    let missing = diags["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["data"]["name"] == "missing-context")
        .unwrap_or_else(|| panic!("no missing-context diagnostic: {diags}"))
        .clone();
    (c, uri, missing)
}

/// The code action offered on `diag`: "Verify with a real build", running `dflint.verify`.
fn verify_action(c: &mut Client, uri: &str, diag: &Value) -> Value {
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": diag["range"],
            "context": {"diagnostics": [diag]},
        }),
    );
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Verify with a real build")
        .unwrap_or_else(|| panic!("no verify action: {actions}"))
        .clone();
    assert_eq!(action["command"]["command"], "dflint.verify", "{action}");
    assert_eq!(action["command"]["arguments"], json!([uri]), "{action}");
    action
}

#[test]
fn verify_is_advertised_and_not_offered_on_other_rules() {
    let dir = lsp_client::workspace();
    let mut c = Client::spawn(dir.path(), &[]);
    let init = c.initialize(Value::Null, default_caps());
    assert_eq!(
        init["capabilities"]["executeCommandProvider"]["commands"],
        json!(["dflint.verify"]),
        "{init}"
    );
    // maintainer-deprecated is not something a build can show: no verify action.
    let uri = c.open_file("Dockerfile", "FROM busybox:1.36\nMAINTAINER me\n");
    let d = c.diagnostics(&uri, 1);
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}},
            "context": {"diagnostics": []},
        }),
    );
    assert!(
        !actions.to_string().contains("dflint.verify"),
        "{d}\n{actions}"
    );
    // An unknown command is an error.
    let r = c.request_raw(
        "workspace/executeCommand",
        json!({"command": "dflint.nothing", "arguments": []}),
    );
    assert!(r.get("error").is_some(), "{r}");
}

#[test]
fn verify_confirms_missing_context_in_the_background() {
    if !have_engine() {
        return;
    }
    let (mut c, uri, missing) = open_missing(&[]);
    let action = verify_action(&mut c, &uri, &missing);
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": action["command"]["command"], "arguments": action["command"]["arguments"]}),
    );
    assert!(r.is_null(), "{r}");
    // Other requests are answered while the builds run.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}}),
    );
    assert!(hover.to_string().contains("FROM"), "{hover}");
    let early = c
        .notifications
        .iter()
        .any(|n| n["method"] == "window/showMessage");
    assert!(!early, "the verify result came before the hover answer");
    // Progress: a token was created, then begin ... end.
    let create = c.wait_server_request("window/workDoneProgress/create");
    let token = create["params"]["token"].clone();
    let begin = c.wait_notification("$/progress", |p| {
        p["token"] == token && p["value"]["kind"] == "begin"
    });
    assert!(
        begin["value"]["title"]
            .as_str()
            .unwrap()
            .contains("dflint verify"),
        "{begin}"
    );
    // Builds can take a while on a cold engine: wait up to a few minutes.
    let mut shown = None;
    for _ in 0..12 {
        if let Some(m) = c.try_wait_notification("window/showMessage", |_| true) {
            shown = Some(m);
            break;
        }
    }
    let shown = shown.expect("no showMessage with the verify result");
    let text = shown["message"].as_str().unwrap();
    eprintln!("{text}");
    assert!(
        text.contains("missing-context (DF003) confirmed"),
        "{shown}"
    );
    assert!(
        text.contains("missing.txt"),
        "the evidence names the file: {shown}"
    );
    // A confirmed error is shown as a warning.
    assert_eq!(shown["type"], 2, "{shown}");
    let end = c.wait_notification("$/progress", |p| {
        p["token"] == token && p["value"]["kind"] == "end"
    });
    assert!(
        end["value"]["message"]
            .as_str()
            .unwrap()
            .contains("confirmed"),
        "{end}"
    );
    let log = c.wait_notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("missing-context") && m.contains("confirmed"))
    });
    assert!(
        log["message"].as_str().unwrap().contains("Dockerfile:3"),
        "{log}"
    );
    c.shutdown();
}

#[test]
fn verify_without_an_engine_shows_an_error() {
    let (mut c, uri, missing) = open_missing(&[("DOCKER_HOST", "unix:///nonexistent")]);
    let action = verify_action(&mut c, &uri, &missing);
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": action["command"]["command"], "arguments": action["command"]["arguments"]}),
    );
    assert!(r.is_null(), "{r}");
    let shown = c.wait_notification("window/showMessage", |_| true);
    let text = shown["message"].as_str().unwrap();
    assert_eq!(shown["type"], 1, "an error: {shown}");
    assert!(
        text.contains("no Docker engine at unix:///nonexistent")
            && text.contains("start one or set DOCKER_HOST"),
        "{shown}"
    );
    c.shutdown();
}
