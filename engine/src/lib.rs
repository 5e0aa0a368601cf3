//! dflint-engine: every contact dflint has with a Docker engine.
//!
//! - [`Engine::connect`] honours `DOCKER_HOST` (unix socket by default; `tcp://`, `http://`,
//!   `ssh://`), negotiates the API version, and when nothing answers fails with
//!   [`EngineError::NoEngine`]: "no Docker engine at ...; start one or set DOCKER_HOST". The CLI
//!   exits with status 2 ([`EngineError::EXIT_STATUS`]) on any [`EngineError`].
//! - [`Engine::build`] sends a [`ContextTar`] (streamed, see [`context_tar`]) to the classic
//!   builder with network mode `none` unless asked, a per-build timeout, `rm`/`forcerm`, and the
//!   label `dflint.verify=<run id>`; it returns a [`BuildOutcome`] with the error message, the
//!   log, the image id and size, and the [`Step`]s (cached or ran again).
//! - [`Engine::inspect_config`] returns the [`ImageConfig`] a fix must preserve.
//! - [`Engine::cleanup`] removes the run's labelled images and containers and the intermediate
//!   images its builds committed, and nothing else; [`Engine::cleanup_guard`] and
//!   [`Engine::cleanup_on_ctrl_c`] make sure it happens.
//!
//! - [`verify`]: `dflint verify`: lint, then confirm or refute each diagnostic and fix with
//!   real builds ([`verify::lint`], [`verify::verify`], [`verify::Report`]).
//!
//! A private test engine: `scripts/engine-start.sh` / `scripts/engine-stop.sh`.

mod client;
mod context;
mod error;
mod guard;
mod steps;
pub mod verify;

pub use client::{
    docker_host, new_run_id, BuildOptions, BuildOutcome, CleanupReport, Engine, ImageConfig,
    Labelled, DEFAULT_HOST, LABEL,
};
pub use context::{context_tar, ContextStream, ContextTar, ContextWriter};
pub use error::{EngineError, Result};
pub use guard::CleanupGuard;
pub use steps::{count_steps, Step, StepCounts, StepParser, StepStatus};
