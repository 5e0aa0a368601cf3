//! A guard in front of the JSON-RPC transport: tower-lsp-server's reader stops for good after a
//! body that is not JSON (its framed reader ends on the first decode error), so bodies are
//! checked here first. A malformed one is answered with a JSON-RPC parse error (-32700, id
//! null) and dropped; everything else passes through unchanged. Outgoing messages are written
//! whole, so an error reply never lands inside another message.

use crate::ingress::{self, Route, Shared};
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// The header block of a framed message, read line by line.
#[derive(Default)]
struct Header {
    len: Option<usize>,
    seen: bool,
}

impl Header {
    /// Takes one header line; true when the block is complete (the empty line after it).
    fn line(&mut self, line: &str) -> bool {
        let t = line.trim();
        if t.is_empty() {
            return self.seen; // blank lines before a header block are skipped
        }
        self.seen = true;
        if let Some((k, v)) = t.split_once(':') {
            if k.trim().eq_ignore_ascii_case("content-length") {
                self.len = v.trim().parse().ok();
            }
        }
        false
    }
}

/// Reads one framed message: `Ok(None)` at the end of the stream, `Err(())` for a header block
/// without a usable Content-Length (skipped).
async fn read_frame<R: AsyncRead + Unpin>(r: &mut BufReader<R>) -> Result<Option<Vec<u8>>, ()> {
    let mut header = Header::default();
    loop {
        let mut line = String::new();
        match r.read_line(&mut line).await {
            Ok(0) | Err(_) => return Ok(None),
            Ok(_) if header.line(&line) => break,
            Ok(_) => {}
        }
    }
    let len = header.len.ok_or(())?;
    let mut body = vec![0; len];
    if r.read_exact(&mut body).await.is_err() {
        return Ok(None);
    }
    Ok(Some(body))
}

/// A way to send notifications that are already serialized, past tower-lsp-server's
/// `serde_json::Value` round trip (which costs more than computing a large diagnostics list).
/// Whole frames go into the same queue as everything else, so messages never interleave.
#[derive(Clone)]
pub struct Raw(mpsc::UnboundedSender<Frame>);

/// A whole message as it goes out: `buf[start..]`.
pub struct Frame {
    buf: Vec<u8>,
    start: usize,
}

impl Frame {
    fn bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

/// Room left at the start of a body built with [`body_buffer`], for its header.
pub(crate) const HEADER_ROOM: usize = 32;

/// An empty buffer for a large message body, with room for the header in front, so that
/// [`Raw::send_buffer`] sends it without copying the body (a publication on a 5,000-line file
/// is 342 KB).
pub fn body_buffer(capacity: usize) -> Vec<u8> {
    let mut buf = Vec::with_capacity(capacity + HEADER_ROOM);
    buf.resize(HEADER_ROOM, b' ');
    buf
}

impl Raw {
    /// Sends a JSON-RPC message body; false when the output is gone.
    pub fn send(&self, body: &[u8]) -> bool {
        self.0.send(frame(body)).is_ok()
    }

    /// Sends a body built in a [`body_buffer`].
    pub fn send_buffer(&self, mut buf: Vec<u8>) -> bool {
        let header = format!("Content-Length: {}\r\n\r\n", buf.len() - HEADER_ROOM);
        let start = HEADER_ROOM - header.len();
        buf[start..HEADER_ROOM].copy_from_slice(header.as_bytes());
        self.0.send(Frame { buf, start }).is_ok()
    }
}

fn frame(body: &[u8]) -> Frame {
    let mut buf = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    buf.extend_from_slice(body);
    Frame { buf, start: 0 }
}

const PARSE_ERROR: &[u8] =
    br#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}"#;

/// Reads one framed message from a blocking reader (see [`read_frame`]).
fn read_frame_blocking<R: std::io::BufRead>(r: &mut R) -> Result<Option<Vec<u8>>, ()> {
    let mut header = Header::default();
    loop {
        let mut line = String::new();
        match r.read_line(&mut line) {
            Ok(0) | Err(_) => return Ok(None),
            Ok(_) if header.line(&line) => break,
            Ok(_) => {}
        }
    }
    let len = header.len.ok_or(())?;
    let mut body = vec![0; len];
    if r.read_exact(&mut body).is_err() {
        return Ok(None);
    }
    Ok(Some(body))
}

/// Serves over `input`/`output` with the guard in between.
///
/// Reading and writing happen on two threads of their own with blocking I/O: an edit goes
/// from the input straight to the document table and the checker thread, and diagnostics from
/// the checker thread straight to the writer, without the runtime's blocking-pool hand-offs
/// that tokio's stdin and stdout make for every read and write.
pub async fn serve_guarded<I, O>(input: I, mut output: O)
where
    I: std::io::Read + Send + 'static,
    O: std::io::Write + Send + 'static,
{
    let (mut to_server, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);
    let (tx, mut rx) = mpsc::unbounded_channel::<Frame>();
    let shared = Arc::new(Shared::new(
        Raw(tx.clone()),
        tokio::runtime::Handle::current(),
    ));

    // Messages for tower-lsp-server, written into its input by a task.
    let (fwd_tx, mut fwd_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let forwarder = tokio::spawn(async move {
        while let Some(body) = fwd_rx.recv().await {
            if to_server.write_all(frame(&body).bytes()).await.is_err() {
                break;
            }
        }
        // Dropping `to_server` ends the server's input.
    });
    let shared_in = shared.clone();
    let tx_in = tx.clone();
    let (exit_tx, exit_rx) = tokio::sync::oneshot::channel::<()>();
    let reader = std::thread::Builder::new()
        .name("dflint-reader".into())
        .spawn(move || {
            let mut r = std::io::BufReader::with_capacity(1 << 16, input);
            loop {
                match read_frame_blocking(&mut r) {
                    Ok(None) => break,
                    Ok(Some(body)) => {
                        let t0 = std::time::Instant::now();
                        // Checked for well-formed JSON without building a value (didOpen
                        // carries the whole file).
                        if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
                            let _ = tx_in.send(frame(PARSE_ERROR));
                            continue;
                        }
                        let checked = t0.elapsed();
                        let route = ingress::route(&shared_in, &body);
                        if crate::checker::trace() && body.len() > 100_000 {
                            eprintln!(
                                "dflint lsp: {} KB message checked in {checked:?}, routed after {:?}",
                                body.len() / 1000,
                                t0.elapsed()
                            );
                        }
                        if let Route::Answered = route {
                            continue;
                        }
                        if fwd_tx.send(body).is_err() {
                            break;
                        }
                        if let Route::Exit = route {
                            let _ = exit_tx.send(());
                            break;
                        }
                    }
                    Err(()) => {
                        let _ = tx_in.send(frame(PARSE_ERROR));
                    }
                }
            }
        });
    if let Err(e) = reader {
        eprintln!("dflint lsp: cannot start the reader thread: {e}");
        return;
    }
    let tx_out = tx.clone();
    let framer = tokio::spawn(async move {
        let mut r = BufReader::new(from_server);
        while let Ok(Some(body)) = read_frame(&mut r).await {
            if tx_out.send(frame(&body)).is_err() {
                break;
            }
        }
    });
    // An empty message ends the writer once everything before it is written.
    let tx_close = tx.clone();
    drop(tx);
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let writer = std::thread::Builder::new()
        .name("dflint-writer".into())
        .spawn(move || {
            while let Some(msg) = rx.blocking_recv() {
                if msg.bytes().is_empty() || output.write_all(msg.bytes()).is_err() {
                    break;
                }
                let _ = output.flush();
            }
            let _ = done_tx.send(());
        });
    if let Err(e) = writer {
        eprintln!("dflint lsp: cannot start the writer thread: {e}");
        return;
    }
    // The server exits right after `exit` (the protocol says so), even with a handler still
    // waiting for a client that no longer answers (tower-lsp-server waits for every handler).
    tokio::select! {
        _ = crate::serve_with(server_in, server_out, shared) => {}
        _ = async {
            if exit_rx.await.is_ok() {
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            } else {
                std::future::pending::<()>().await;
            }
        } => {}
    }
    framer.abort();
    let _ = framer.await;
    forwarder.abort();
    // The reader may stay blocked on input (the process exits anyway); the writer finishes
    // what is queued, then stops.
    let _ = tx_close.send(Frame {
        buf: Vec::new(),
        start: 0,
    });
    let _ = tokio::task::spawn_blocking(move || {
        done_rx.recv_timeout(std::time::Duration::from_secs(2))
    })
    .await;
}
