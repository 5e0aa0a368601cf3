//! Protocol tests of robustness: malformed JSON-RPC, unknown methods, unopened documents,
//! out-of-range positions, and a panic inside a handler; the server keeps serving.

#[path = "lsp_client.rs"]
mod lsp_client;

use lsp_client::{default_caps, pos, workspace, Client};
use serde_json::{json, Value};

#[test]
fn bad_input_gets_errors_or_empty_results_and_the_server_keeps_serving() {
    let dir = workspace();
    let mut c = Client::spawn(dir.path(), &[("DFLINT_LSP_DEBUG_PANIC", "1")]);
    c.initialize(Value::Null, default_caps());
    let uri = c.open_file("Dockerfile", "FROM alpine:3.19\n");
    c.diagnostics(&uri, 1);

    c.send_raw(b"{this is not json");
    let parse_error = c.wait_response(Value::Null);
    let unknown = c.request_raw("textDocument/noSuchMethod", json!({}));
    let panic = c.request_raw("dflint/debugPanic", json!({}));
    let unopened = c.request_raw(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere/Dockerfile"}, "position": pos(0, 0)}),
    );
    let out_of_range = c.request_raw(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(999, 999)}),
    );
    let past_line_end = c.request_raw(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": pos(0, 999)}),
    );
    let bad_params = c.request_raw("textDocument/hover", json!({"textDocument": 42}));
    // An edit with an out-of-range range clamps instead of failing.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": pos(50, 0), "end": pos(60, 0)}, "text": "RUN echo\n"}]}));
    let d = c.diagnostics(&uri, 2);
    assert_eq!(d["version"], 2);
    let alive = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(1, 1)}),
    );
    assert!(
        alive["contents"]["value"].as_str().unwrap().contains("RUN"),
        "{alive}"
    );

    assert_eq!(parse_error["error"]["code"], -32700, "{parse_error}");
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    assert_eq!(panic["error"]["code"], -32603, "{panic}");
    assert!(
        panic["error"]["message"]
            .as_str()
            .unwrap()
            .contains("deliberate panic"),
        "{panic}"
    );
    assert_eq!(unopened["result"], Value::Null, "{unopened}");
    assert_eq!(out_of_range["result"], Value::Null, "{out_of_range}");
    assert!(past_line_end.get("error").is_none(), "{past_line_end}");
    assert_eq!(bad_params["error"]["code"], -32602, "{bad_params}");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn without_the_debug_switch_the_panic_method_does_nothing() {
    let dir = workspace();
    let mut c = Client::start(dir.path(), Value::Null);
    let r = c.request_raw("dflint/debugPanic", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
}

/// The server grows its stdin and stdout pipes to 1 MB, so a large answer goes out in one write
/// and is read in one (server/src/stdio.rs), and large messages still arrive whole.
#[cfg(target_os = "linux")]
#[test]
fn the_server_grows_its_pipes_and_large_messages_arrive_whole() {
    let dir = workspace();
    let mut c = Client::start(dir.path(), Value::Null);
    let max: i32 = std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(1 << 20);
    let size = max.min(1 << 20);
    assert_eq!(c.pipe_sizes(), (size, size));
    // 2,000 stages, each with an unpinned package: one large publication.
    let text: String = (0..2000)
        .map(|i| format!("FROM alpine:3.19 AS s{i}\nRUN apk add --no-cache curl\n"))
        .collect();
    let uri = c.open_file("Dockerfile", &text);
    let diags = c.diagnostics(&uri, 1);
    let pinned = diags["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["data"]["name"] == "apk-version-not-pinned")
        .count();
    assert_eq!(pinned, 2000);
    assert_eq!(c.shutdown(), Some(0));
}
