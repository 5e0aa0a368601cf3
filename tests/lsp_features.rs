//! Protocol tests of the editing features: the real `dflint lsp` over stdio, one snapshot of the
//! responses per feature, on `tests/fixtures/lsp/features.Dockerfile`.

#[path = "lsp_client.rs"]
mod lsp_client;

use lsp_client::{pos, workspace, Client};
use serde_json::{json, Value};

const FIXTURE: &str = include_str!("fixtures/lsp/features.Dockerfile");

fn line_of(needle: &str) -> u32 {
    FIXTURE
        .lines()
        .position(|l| l.starts_with(needle))
        .unwrap_or_else(|| panic!("{needle}")) as u32
}

fn col_of(needle: &str, within: &str) -> u32 {
    FIXTURE
        .lines()
        .nth(line_of(needle) as usize)
        .unwrap()
        .find(within)
        .unwrap() as u32
}

/// A server with the fixture open and checked.
fn session() -> (tempfile::TempDir, Client, String) {
    let dir = workspace();
    let mut c = Client::start(dir.path(), Value::Null);
    let uri = c.open_file("Dockerfile", FIXTURE);
    c.diagnostics(&uri, 1);
    (dir, c, uri)
}

fn at(c: &mut Client, uri: &str, method: &str, line: u32, ch: u32) -> Value {
    let r = c.request(
        method,
        json!({"textDocument": {"uri": uri}, "position": pos(line, ch)}),
    );
    c.redact(&r)
}

fn labels(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn hover() {
    let (_d, mut c, uri) = session();
    let l_from = line_of("FROM ${BASE}");
    let l_run = line_of("RUN --mount");
    let l_echo = line_of("RUN echo");
    let l_copy = line_of("COPY --from");
    let out = json!({
        "keyword": at(&mut c, &uri, "textDocument/hover", l_from, 1),
        "flag": at(&mut c, &uri, "textDocument/hover", l_run, 6),
        "arg_in_from": at(&mut c, &uri, "textDocument/hover", l_from, 7),
        "env_value": at(&mut c, &uri, "textDocument/hover", line_of("WORKDIR"), 10),
        "arg_in_run": at(&mut c, &uri, "textDocument/hover", l_echo, col_of("RUN echo", "$VERSION") + 2),
        "stage_ref": at(&mut c, &uri, "textDocument/hover", l_copy, 14),
        "stage_base": at(&mut c, &uri, "textDocument/hover", line_of("FROM build"), 6),
        "nothing": at(&mut c, &uri, "textDocument/hover", line_of("RUN <<EOF") + 1, 2),
    });
    insta::assert_json_snapshot!(out);
}

#[test]
fn hover_on_a_diagnostic_shows_the_rule_docs() {
    let dir = workspace();
    let mut c = Client::start(dir.path(), Value::Null);
    let uri = c.open_file("Dockerfile", "RUN echo hi\nFROM alpine:3.19\n");
    let diags = c.diagnostics(&uri, 1);
    let d = diags["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["data"]["name"] == "from-first")
        .expect("from-first reported")
        .clone();
    let h = at(&mut c, &uri, "textDocument/hover", 0, 1);
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("DF002") && text.contains("## What it does"),
        "{text}"
    );
    assert!(
        text.contains(d["codeDescription"]["href"].as_str().unwrap()),
        "{text}"
    );
}

#[test]
fn completion() {
    let (_d, mut c, uri) = session();
    // Edit a scratch copy so that partial input is in the document.
    let text = format!("{FIXTURE}COPY --\nRUN --mount=type=\nFROM --platform=\nCOPY --from=\nRUN --mount=type=bind,from=\nRUN --network=\nCOPY --chmod=\nRUN echo ${{\n\n");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
    );
    let n = FIXTURE.lines().count() as u32;
    let mut get = |line: u32, ch: u32| {
        let r = c.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": pos(line, ch)}),
        );
        labels(&r)
    };
    let out = json!({
        "blank_line": get(n + 8, 0),
        "top_of_file": get(0, 0),
        "copy_flags": get(n, 7),
        "mount_type": get(n + 1, 17),
        "platform": get(n + 2, 16),
        "from_stage": get(n + 3, 12),
        "mount_from_stage": get(n + 4, 27),
        "network": get(n + 5, 14),
        "chmod": get(n + 6, 13),
        "variables_braced": get(n + 7, 11),
        "variables_in_from": get(line_of("FROM ${BASE}"), 7),
        "variables_in_stage": get(line_of("RUN echo"), col_of("RUN echo", "$VERSION") + 1),
    });
    insta::assert_json_snapshot!(out);
    let r = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": pos(n + 8, 0)}),
    );
    let copy = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "COPY")
        .unwrap();
    insta::assert_json_snapshot!("completion_item_copy", c.redact(copy));
}

#[test]
fn signature_help() {
    let (_d, mut c, uri) = session();
    let l = line_of("COPY --chown");
    let out = json!({
        "copy_dest": at(&mut c, &uri, "textDocument/signatureHelp", l, col_of("COPY --chown", "./src/") + 1),
        "from_image": at(&mut c, &uri, "textDocument/signatureHelp", line_of("FROM scratch"), 6),
    });
    insta::assert_json_snapshot!(out);
}

#[test]
fn definition_references_highlight() {
    let (_d, mut c, uri) = session();
    let l_copy = line_of("COPY --from");
    let l_echo = line_of("RUN echo");
    let ver = col_of("RUN echo", "$VERSION") + 2;
    let refs = |c: &mut Client, line: u32, ch: u32| {
        let r = c.request("textDocument/references", json!({"textDocument": {"uri": uri}, "position": pos(line, ch), "context": {"includeDeclaration": true}}));
        c.redact(&r)
    };
    let out = json!({
        "definition_stage": at(&mut c, &uri, "textDocument/definition", l_copy, 14),
        "definition_arg": at(&mut c, &uri, "textDocument/definition", l_echo, ver),
        "definition_global_arg": at(&mut c, &uri, "textDocument/definition", line_of("FROM ${BASE}"), 8),
        "references_stage": refs(&mut c, line_of("FROM ${BASE}"), 17),
        "references_env": refs(&mut c, line_of("ENV APP_HOME"), 5),
        "highlight_stage": at(&mut c, &uri, "textDocument/documentHighlight", l_copy, 14),
    });
    insta::assert_json_snapshot!(out);
}

#[test]
fn rename() {
    let (_d, mut c, uri) = session();
    let l_copy = line_of("COPY --from");
    let prepare = at(&mut c, &uri, "textDocument/prepareRename", l_copy, 14);
    let stage = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": pos(l_copy, 14), "newName": "builder"}),
    );
    let var = c.request("textDocument/rename", json!({"textDocument": {"uri": uri}, "position": pos(line_of("ARG BASE"), 5), "newName": "BASE_IMAGE"}));
    let bad = c.request_raw("textDocument/rename", json!({"textDocument": {"uri": uri}, "position": pos(line_of("ARG BASE"), 5), "newName": "1bad name"}));
    let nothing = at(
        &mut c,
        &uri,
        "textDocument/prepareRename",
        line_of("RUN <<EOF") + 1,
        1,
    );
    assert!(bad.get("error").is_some(), "{bad}");
    insta::assert_json_snapshot!(json!({
        "prepare": prepare,
        "stage": c.redact(&stage),
        "variable": c.redact(&var),
        "not_renamable": nothing,
    }));
}

fn doc_request(c: &mut Client, uri: &str, method: &str, extra: Value) -> Value {
    let mut params = json!({"textDocument": {"uri": uri}});
    for (k, v) in extra.as_object().unwrap() {
        params[k] = v.clone();
    }
    let r = c.request(method, params);
    c.redact(&r)
}

#[test]
fn document_symbols() {
    let (_d, mut c, uri) = session();
    let first = doc_request(&mut c, &uri, "textDocument/documentSymbol", json!({}));
    // Asked again for the same version: answered from the kept answer, the same.
    let again = doc_request(&mut c, &uri, "textDocument/documentSymbol", json!({}));
    assert_eq!(first, again);
    insta::assert_json_snapshot!(first);
}

#[test]
fn folding_ranges() {
    let (_d, mut c, uri) = session();
    insta::assert_json_snapshot!(doc_request(
        &mut c,
        &uri,
        "textDocument/foldingRange",
        json!({})
    ));
}

#[test]
fn semantic_tokens() {
    let (_d, mut c, uri) = session();
    let full = doc_request(&mut c, &uri, "textDocument/semanticTokens/full", json!({}));
    let range = doc_request(
        &mut c,
        &uri,
        "textDocument/semanticTokens/range",
        json!({"range": {"start": pos(2, 0), "end": pos(3, 0)}}),
    );
    // An edit, then a delta against the full result.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": pos(3, 4), "end": pos(3, 4)}, "text": "NEW_"}]}));
    let delta = doc_request(
        &mut c,
        &uri,
        "textDocument/semanticTokens/full/delta",
        json!({"previousResultId": full["resultId"]}),
    );
    assert!(delta.get("edits").is_some(), "{delta}");
    let stale = doc_request(
        &mut c,
        &uri,
        "textDocument/semanticTokens/full/delta",
        json!({"previousResultId": "no-such-id"}),
    );
    assert!(
        stale.get("data").is_some(),
        "an unknown id gets full tokens: {stale}"
    );
    insta::assert_json_snapshot!(
        json!({"full": full["data"], "range": range, "delta": delta["edits"]})
    );
}

#[test]
fn inlay_hints_and_links() {
    let (_d, mut c, uri) = session();
    let hints = doc_request(
        &mut c,
        &uri,
        "textDocument/inlayHint",
        json!({"range": {"start": pos(0, 0), "end": pos(30, 0)}}),
    );
    let links = doc_request(&mut c, &uri, "textDocument/documentLink", json!({}));
    insta::assert_json_snapshot!(json!({"inlay_hints": hints, "links": links}));
}

#[test]
fn formatting() {
    let dir = workspace();
    let mut c = Client::start(dir.path(), Value::Null);
    let uri = c.open_file("Dockerfile", "from alpine:3.19   AS  base  \nrun apk add \\\n  curl \\\n      git\ncopy   a  b\nRUN echo \"a   b\"\n");
    c.diagnostics(&uri, 1);
    let edits = doc_request(
        &mut c,
        &uri,
        "textDocument/formatting",
        json!({"options": {"tabSize": 4, "insertSpaces": true}}),
    );
    insta::assert_json_snapshot!(edits);
}

#[test]
fn code_actions() {
    let dir = workspace();
    let mut c = Client::start(dir.path(), Value::Null);
    let uri = c.open_file(
        "Dockerfile",
        "FROM alpine:3.19\nmaintainer me@example.com\nRUN echo hi\n",
    );
    let diags = c.diagnostics(&uri, 1)["diagnostics"].clone();
    let d = diags
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["data"]["fixable"] == true)
        .unwrap_or_else(|| panic!("a fixable diagnostic: {diags}"))
        .clone();
    let actions = doc_request(
        &mut c,
        &uri,
        "textDocument/codeAction",
        json!({"range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.iter().any(|t| t.starts_with("Ignore ")),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Fix all safe problems (dflint)"),
        "{titles:?}"
    );
    let only_fix_all = doc_request(
        &mut c,
        &uri,
        "textDocument/codeAction",
        json!({"range": {"start": pos(0, 0), "end": pos(0, 0)}, "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    assert_eq!(only_fix_all.as_array().unwrap().len(), 1, "{only_fix_all}");
    insta::assert_json_snapshot!(json!({"for_diagnostic": actions, "fix_all": only_fix_all}));
}
