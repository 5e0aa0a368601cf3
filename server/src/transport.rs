//! A guard in front of the JSON-RPC transport: tower-lsp-server's reader stops for good after a
//! body that is not JSON (its framed reader ends on the first decode error), so bodies are
//! checked here first. A malformed one is answered with a JSON-RPC parse error (-32700, id
//! null) and dropped; everything else passes through unchanged. Outgoing messages are written
//! whole, so an error reply never lands inside another message.

use crate::ingress::{self, Route, Shared};
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// Reads one framed message: `Ok(None)` at the end of the stream, `Err(())` for a header block
/// without a usable Content-Length (skipped).
async fn read_frame<R: AsyncRead + Unpin>(r: &mut BufReader<R>) -> Result<Option<Vec<u8>>, ()> {
    let mut len: Option<usize> = None;
    let mut saw_header = false;
    loop {
        let mut line = String::new();
        match r.read_line(&mut line).await {
            Ok(0) | Err(_) => return Ok(None),
            Ok(_) => {}
        }
        let t = line.trim();
        if t.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((k, v)) = t.split_once(':') {
            if k.trim().eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().ok();
            }
        }
    }
    let Some(len) = len else {
        return Err(());
    };
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
pub struct Raw(mpsc::UnboundedSender<Vec<u8>>);

impl Raw {
    /// Sends a JSON-RPC message body; false when the output is gone.
    pub fn send(&self, body: &[u8]) -> bool {
        self.0.send(frame(body)).is_ok()
    }
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

const PARSE_ERROR: &[u8] =
    br#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}"#;

/// Serves over `input`/`output` with the guard in between.
pub async fn serve_guarded<I, O>(input: I, mut output: O)
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let (mut to_server, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let shared = Arc::new(Shared::new(Raw(tx.clone())));
    let shared_in = shared.clone();

    let tx_in = tx.clone();
    let reader = tokio::spawn(async move {
        let mut r = BufReader::new(input);
        loop {
            match read_frame(&mut r).await {
                Ok(None) => break,
                Ok(Some(body)) => {
                    // Checked for well-formed JSON without building a value (didOpen carries the
                    // whole file).
                    if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_ok() {
                        if let Route::Answered = ingress::route(&shared_in, &body) {
                            continue;
                        }
                        if to_server.write_all(&frame(&body)).await.is_err() {
                            break;
                        }
                    } else {
                        let _ = tx_in.send(frame(PARSE_ERROR));
                    }
                }
                Err(()) => {
                    let _ = tx_in.send(frame(PARSE_ERROR));
                }
            }
        }
        // Dropping `to_server` ends the server's input.
    });
    let tx_out = tx.clone();
    let framer = tokio::spawn(async move {
        let mut r = BufReader::new(from_server);
        while let Ok(Some(body)) = read_frame(&mut r).await {
            if tx_out.send(frame(&body)).is_err() {
                break;
            }
        }
    });
    drop(tx);
    let writer = tokio::spawn(async move {
        while let Some(msg) = rx.recv().await {
            if output.write_all(&msg).await.is_err() {
                break;
            }
            let _ = output.flush().await;
        }
    });
    crate::serve_with(server_in, server_out, shared).await;
    let _ = framer.await;
    reader.abort();
    let _ = reader.await;
    let _ = writer.await;
}
