//! Cleanup when a run ends, however it ends.

use crate::client::{CleanupReport, Engine};
use crate::error::Result;

/// Removes a run's images and containers when dropped: after an early return, an error or a
/// panic. Call [`CleanupGuard::cleanup`] to do it explicitly (and see the report), or
/// [`CleanupGuard::keep`] for `--keep`.
///
/// Dropping runs the cleanup on a separate thread with its own runtime and connection (a
/// destructor cannot await, and the caller's runtime may be shutting down), and waits for it.
#[derive(Debug)]
pub struct CleanupGuard {
    engine: Engine,
    run_id: String,
    armed: bool,
}

impl CleanupGuard {
    pub(crate) fn new(engine: Engine, run_id: String) -> Self {
        CleanupGuard {
            engine,
            run_id,
            armed: true,
        }
    }

    /// The run this guard cleans up.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Cleans up now and disarms the guard.
    pub async fn cleanup(mut self) -> Result<CleanupReport> {
        self.armed = false;
        self.engine.cleanup(&self.run_id).await
    }

    /// Disarms the guard: the run's images stay (`--keep`).
    pub fn keep(mut self) {
        self.armed = false;
    }
}

impl Drop for CleanupGuard {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let engine = self.engine.clone();
        let run_id = self.run_id.clone();
        let worker = std::thread::spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("dflint: cannot clean up run {run_id}: {e}");
                    return;
                }
            };
            rt.block_on(async {
                let result = match engine.reconnect().await {
                    Ok(fresh) => fresh.cleanup(&run_id).await,
                    Err(e) => Err(e),
                };
                if let Err(e) = result {
                    eprintln!("dflint: cannot clean up run {run_id}: {e}");
                }
            });
        });
        let _ = worker.join();
    }
}
