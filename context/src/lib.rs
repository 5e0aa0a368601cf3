//! dflint-context: what is in a Docker build context.
//!
//! The one implementation shared by the `missing-context` rule, the language
//! server and the engine. It knows nothing of Dockerfile syntax.
//!
//! - [`glob`]: Go's `filepath.Match` and BuildKit's `containsWildcards`.
//! - [`ignore`]: `.dockerignore` parsing and moby/patternmatcher.
//! - [`ContextFs`] with [`DiskContext`] and [`MemoryContext`]: read-only views.
//! - [`BuildContext`]: a view plus its ignore file; [`BuildContext::resolve_source`].
//! - [`Walk`]: the entries BuildKit's client sends, for the engine's tar stream.

mod context;
mod fs;
pub mod glob;
mod gopath;
pub mod ignore;
mod walk;

pub use context::{
    ignore_file_candidates, resolve_wildcards, split_parents, split_wildcards, BuildContext,
    Exclusion, IgnoreFile, SourceResolution,
};
pub use fs::{ContextFs, DiskContext, EntryKind, MemoryContext};
pub use ignore::{PatternError, PatternMatcher};
pub use walk::{Walk, WalkEntry};
