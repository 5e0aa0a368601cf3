//! The engine's error type.
//!
//! Every variant means "the build could not be verified", never "the Dockerfile is wrong": a
//! Dockerfile the engine rejects is a *build outcome* ([`crate::BuildOutcome`] with `ok: false`),
//! not an error. The CLI maps every [`EngineError`] to exit status 2 ([`EngineError::EXIT_STATUS`]), except
//! [`EngineError::Interrupted`] (130).

use std::fmt;
use std::io;

/// Why talking to the Docker engine failed.
#[derive(Debug)]
pub enum EngineError {
    /// Nothing answered at the address (socket missing, connection refused, timed out, or the
    /// other end does not speak the Engine API).
    NoEngine {
        /// The address tried, as given (`unix:///var/run/docker.sock`, `tcp://host:2375`, ...).
        addr: String,
        /// What went wrong underneath, for the curious.
        cause: String,
    },
    /// `DOCKER_HOST` has a form this build cannot use.
    UnsupportedHost {
        /// The address as given.
        addr: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// The engine answered, but an API call failed.
    Api {
        /// What dflint was doing (`inspect image abc`, `list images`, ...).
        action: String,
        /// The engine's (or the transport's) message.
        message: String,
    },
    /// Reading the build context failed (a file vanished, permission denied, ...).
    Context(io::Error),
    /// The run was interrupted (Ctrl-C); its images were removed. Exit status 130.
    Interrupted,
}

impl EngineError {
    /// The process exit status the CLI uses for any engine error.
    pub const EXIT_STATUS: i32 = 2;

    /// The process exit status for this error: [`Self::EXIT_STATUS`], or 130 (the shell's
    /// status for SIGINT) for [`EngineError::Interrupted`].
    pub fn exit_status(&self) -> i32 {
        match self {
            EngineError::Interrupted => 130,
            _ => Self::EXIT_STATUS,
        }
    }

    /// True when no engine answered at all (as opposed to a failing call).
    pub fn is_no_engine(&self) -> bool {
        matches!(self, EngineError::NoEngine { .. })
    }

    pub(crate) fn api(action: impl Into<String>, err: impl fmt::Display) -> Self {
        EngineError::Api {
            action: action.into(),
            message: err.to_string(),
        }
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::NoEngine { addr, cause } => write!(
                f,
                "no Docker engine at {addr}; start one or set DOCKER_HOST ({cause})"
            ),
            EngineError::UnsupportedHost { addr, reason } => {
                write!(f, "cannot use DOCKER_HOST={addr}: {reason}")
            }
            EngineError::Api { action, message } => {
                write!(f, "Docker engine error ({action}): {message}")
            }
            EngineError::Context(e) => write!(f, "cannot read the build context: {e}"),
            EngineError::Interrupted => write!(f, "interrupted"),
        }
    }
}

impl std::error::Error for EngineError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EngineError::Context(e) => Some(e),
            _ => None,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = EngineError> = std::result::Result<T, E>;
