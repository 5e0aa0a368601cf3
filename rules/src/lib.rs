//! dflint-rules: the semantic model, configuration, suppressions and the rule registry.

pub mod diagnostic;
pub mod meta;

pub use diagnostic::{apply_edits, Applicability, Diagnostic, Edit, Fix, Related, Severity};
pub use meta::{Category, FixKind, RuleMeta};
