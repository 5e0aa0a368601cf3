//! A tiny LSP client for the protocol tests: starts the real `dflint lsp` over stdio and
//! exchanges JSON-RPC messages. Included by the `lsp_*.rs` tests with `#[path]`.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else.
    pub notifications: Vec<Value>,
    /// Requests the server sent us (method names), in order.
    pub server_requests: Vec<Value>,
    /// What `workspace/configuration` answers.
    pub settings: Value,
    pub root: PathBuf,
    /// Our ends of the server's stdin and stdout pipes (for [`Client::pipe_sizes`]).
    pipe_fds: (i32, i32),
}

pub fn file_uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

impl Client {
    /// Starts the server in `root` (no handshake yet).
    pub fn spawn(root: &Path, envs: &[(&str, &str)]) -> Client {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dflint"));
        cmd.args(["lsp", "--stdio"])
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start dflint lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let pipe_fds = {
            use std::os::fd::AsRawFd;
            (stdin.as_raw_fd(), stdout.as_raw_fd())
        };
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; len];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                if let Ok(v) = serde_json::from_slice::<Value>(&body) {
                    if tx.send(v).is_err() {
                        return;
                    }
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 1,
            notifications: Vec::new(),
            server_requests: Vec::new(),
            settings: Value::Null,
            root: root.to_path_buf(),
            pipe_fds,
        }
    }

    /// The buffer sizes of the server's stdin and stdout pipes (`F_GETPIPE_SZ`), as the
    /// server left them.
    #[cfg(target_os = "linux")]
    pub fn pipe_sizes(&self) -> (i32, i32) {
        const F_GETPIPE_SZ: i32 = 1032;
        unsafe extern "C" {
            fn fcntl(fd: i32, cmd: i32, ...) -> i32;
        }
        // SAFETY: F_GETPIPE_SZ only reads; both descriptors stay open while `self` lives
        // (stdin here, stdout in the reader thread, which ends only when the server does).
        unsafe {
            (
                fcntl(self.pipe_fds.0, F_GETPIPE_SZ),
                fcntl(self.pipe_fds.1, F_GETPIPE_SZ),
            )
        }
    }

    /// Starts the server and completes the handshake with the given capabilities and options.
    pub fn start(root: &Path, init_options: Value) -> Client {
        let mut c = Client::spawn(root, &[]);
        c.initialize(init_options, default_caps());
        c
    }

    pub fn initialize(&mut self, init_options: Value, caps: Value) -> Value {
        let root_uri = file_uri(&self.root);
        let res = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "root"}],
                "capabilities": caps,
                "initializationOptions": init_options,
            }),
        );
        self.notify("initialized", json!({}));
        res
    }

    pub fn send_raw(&mut self, body: &[u8]) {
        let mut msg = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        msg.extend_from_slice(body);
        self.stdin.write_all(&msg).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, v: &Value) {
        let body = serde_json::to_vec(v).unwrap();
        self.send_raw(&body);
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message, answering server requests on the way (they are returned too, and
    /// kept in `server_requests`, so that a caller waiting for one sees it arrive). `None` on
    /// timeout or exit.
    fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = self.rx.recv_timeout(left).ok()?;
        if is_server_request(&msg) {
            let result = match msg["method"].as_str() {
                Some("workspace/configuration") => {
                    let n = msg["params"]["items"].as_array().map_or(0, |a| a.len());
                    Value::Array(vec![self.settings.clone(); n])
                }
                _ => Value::Null,
            };
            self.server_requests.push(msg.clone());
            let id = msg["id"].clone();
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
        }
        Some(msg)
    }

    /// Sends a request and returns the whole response message (`result` or `error`).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_response(json!(id))
    }

    pub fn wait_response(&mut self, id: Value) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self
                .next_message(deadline)
                .unwrap_or_else(|| panic!("no response to request {id}"));
            if msg.get("id") == Some(&id) && msg.get("method").is_none() {
                return msg;
            }
            if !is_server_request(&msg) {
                self.notifications.push(msg);
            }
        }
    }

    /// Sends a request and returns its result, failing the test on an error.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let msg = self.request_raw(method, params);
        assert!(msg.get("error").is_none(), "{method}: {msg}");
        msg["result"].clone()
    }

    /// Waits for a notification matching `pred` (looking at those already received first).
    pub fn wait_notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self
            .notifications
            .iter()
            .position(|n| n["method"] == method && pred(&n["params"]))
        {
            return self.notifications.remove(i)["params"].clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self
                .next_message(deadline)
                .unwrap_or_else(|| panic!("no {method} notification"));
            if is_server_request(&msg) {
                continue;
            }
            if msg["method"] == method && pred(&msg["params"]) {
                return msg["params"].clone();
            }
            self.notifications.push(msg);
        }
    }

    /// Like `wait_notification`, but `None` when none came within `TIMEOUT`.
    pub fn try_wait_notification(
        &mut self,
        method: &str,
        pred: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        if let Some(i) = self
            .notifications
            .iter()
            .position(|n| n["method"] == method && pred(&n["params"]))
        {
            return Some(self.notifications.remove(i)["params"].clone());
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self.next_message(deadline)?;
            if is_server_request(&msg) {
                continue;
            }
            if msg["method"] == method && pred(&msg["params"]) {
                return Some(msg["params"].clone());
            }
            self.notifications.push(msg);
        }
    }

    /// Waits until the server has sent a request `method` (answered on the way), and returns
    /// it; notifications that arrive meanwhile are kept.
    pub fn wait_server_request(&mut self, method: &str) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(r) = self.server_requests.iter().find(|r| r["method"] == method) {
                return r.clone();
            }
            let msg = self.next_message(deadline).unwrap_or_else(|| {
                panic!(
                    "no {method} request from the server; requests: {:?}; notifications: {:?}",
                    self.server_requests
                        .iter()
                        .map(|r| r["method"].clone())
                        .collect::<Vec<_>>(),
                    self.notifications
                        .iter()
                        .map(|r| r["method"].clone())
                        .collect::<Vec<_>>()
                )
            });
            if !is_server_request(&msg) {
                self.notifications.push(msg);
            }
        }
    }

    /// The diagnostics published for `uri` at `version` (or later).
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Value {
        let uri = uri.to_string();
        self.wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p["version"].as_i64().is_some_and(|v| v >= version)
        })
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}}),
        );
    }

    /// Writes `name` under the root with `text` and opens it; returns its URI.
    pub fn open_file(&mut self, name: &str, text: &str) -> String {
        let path = self.root.join(name);
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(&path, text).unwrap();
        let uri = file_uri(&path);
        self.open(&uri, text);
        uri
    }

    /// Ends the session; returns the exit code.
    pub fn shutdown(mut self) -> Option<i32> {
        let _ = self.request_raw("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(st)) = self.child.try_wait() {
                return st.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        None
    }

    /// Replaces the root's path in a response so that snapshots do not depend on it.
    pub fn redact(&self, v: &Value) -> Value {
        let s = serde_json::to_string(v).unwrap();
        let s = s.replace(&file_uri(&self.root), "file:///ROOT");
        serde_json::from_str(&s).unwrap()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_server_request(msg: &Value) -> bool {
    msg.get("method").is_some() && msg.get("id").is_some()
}

pub fn default_caps() -> Value {
    json!({
        "workspace": {
            "configuration": true,
            "didChangeWatchedFiles": {"dynamicRegistration": true},
            "workspaceEdit": {"documentChanges": false}
        },
        "textDocument": {
            "publishDiagnostics": {"versionSupport": true},
            "completion": {"completionItem": {"snippetSupport": true}},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
            "diagnostic": {}
        }
    })
}

pub fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

/// A temporary workspace folder (canonical path, so URIs match what the server sees).
pub fn workspace() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let canon = d.path().canonicalize().unwrap();
    assert_eq!(canon, d.path(), "temp dir must be canonical");
    d
}
