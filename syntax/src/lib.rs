//! dflint-syntax: a lossless syntax tree for Dockerfiles that follows BuildKit's parser.
//!
//! Text in, tree out: no I/O, no rules. Never panics on any input.

mod line_index;

pub use line_index::{LineCol, LineIndex};
pub use rowan::{TextRange, TextSize};
