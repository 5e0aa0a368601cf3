//! dflint-server: the language server behind `dflint lsp`.
//!
//! The server holds documents and versions, schedules re-checks and converts positions; every
//! answer about the Dockerfile itself comes from `dflint-syntax`, the semantic model and the rules
//! (`dflint-rules`), so the editor and `dflint check` cannot disagree. One file per feature under
//! `handlers/`.

mod analysis;
mod backend;
mod checker;
mod convert;
mod diagnostics;
pub mod docs;
mod document;
mod handlers;
mod ingress;
mod names;
mod settings;
mod stdio;
mod transport;
mod verify;

pub use backend::Backend;

use tower_lsp_server::{LspService, Server};

/// Serves; `shared` holds the documents and the output queue the transport also uses.
async fn serve_with<I, O>(input: I, output: O, shared: std::sync::Arc<ingress::Shared>)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = LspService::build(move |client| Backend::new(client, shared.clone()))
        .custom_method("dflint/debugPanic", Backend::debug_panic)
        .finish();
    Server::new(input, output, socket).serve(service).await;
}

/// Caps glibc's malloc at two arenas. By default every thread that allocates may get its own
/// arena, and memory freed in one is not reused by another: with the runtime's workers, the
/// blocking pool and the analysis thread, the peak resident size on a 5,000-line file was
/// 39-43 MB, and 35 MB with two arenas at the same speed (docs/performance.md). Also keeps
/// large blocks (a 0.9 MB symbols answer, a 342 KB publication) on the heap instead of a fresh
/// mmap each time, and freed memory for the next check instead of handing it back: same peak
/// (20 MB), fewer page faults per keystroke. Must run before any thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    const M_ARENA_MAX: i32 = -8;
    const M_TRIM_THRESHOLD: i32 = -1;
    const M_MMAP_THRESHOLD: i32 = -3;
    unsafe extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    // SAFETY: mallopt only changes allocator tuning; called before other threads exist.
    unsafe {
        mallopt(M_ARENA_MAX, 2);
        mallopt(M_TRIM_THRESHOLD, 64 << 20);
        mallopt(M_MMAP_THRESHOLD, 64 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

/// Runs the server over stdin/stdout on a small tokio runtime; returns the exit status.
pub fn run_stdio() -> i32 {
    limit_malloc_arenas();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dflint lsp: cannot start the runtime: {e}");
            return 2;
        }
    };
    runtime.block_on(transport::serve_guarded(stdio::input(), stdio::output()));
    // Do not wait for the blocking read of stdin that may still be pending.
    runtime.shutdown_background();
    0
}
