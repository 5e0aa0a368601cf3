//! One file per rule. Each file: the rule's docs (its doc comment), its metadata, its check, and
//! its tests next to it (fixture in `rules/fixtures/<name>.Dockerfile`, snapshot in `snapshots/`).

pub mod from_first;
pub mod syntax_error;
