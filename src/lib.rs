//! The `dflint` command line: argument parsing, file discovery and output renderers.
//! Everything Dockerfile-specific lives in the workspace crates.

pub mod cli;
pub mod configs;
pub mod discover;
pub mod fix;
pub mod input;
pub mod render;
