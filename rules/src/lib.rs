//! dflint-rules: the semantic model, configuration, suppressions and the rule registry.
//!
//! `check(&Model, Option<&BuildContext>, &Settings) -> Vec<Diagnostic>` is the one entry point;
//! the CLI and the language server both call it.

mod check;
pub mod config;
mod declare;
pub mod diagnostic;
pub(crate) mod label_value;
pub mod meta;
pub mod model;
pub(crate) mod pkg;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod shell;
pub mod suppress;
#[cfg(test)]
pub(crate) mod testing;

pub use check::{check, check_text, CheckCache};
pub use config::{Config, ConfigError, Settings};
pub use diagnostic::{apply_edits, Applicability, Diagnostic, Edit, Fix, Related, Severity};
pub use meta::{Category, FixKind, RuleMeta};
pub use model::Model;
pub use rule::{Rule, RuleContext, Scope};

/// What a rule file needs, in one import.
#[allow(unused_imports)]
pub(crate) mod prelude {
    pub use crate::declare_rule;
    pub use crate::model::Model;
    pub use crate::rule::{Rule, RuleContext, Scope};
    pub use crate::{Applicability, Category, Diagnostic, Edit, Fix, FixKind, RuleMeta, Severity};
    pub use dflint_syntax::ast::{Instruction, Word};
    pub use dflint_syntax::{SyntaxKind, TextRange, TextSize};
}
