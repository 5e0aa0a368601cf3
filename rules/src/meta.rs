//! What the registry knows about each rule, independent of any file.

use crate::Severity;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The build fails or does something other than what the file says.
    Correctness,
    /// Builds that are slower or rebuild more than they need to.
    Performance,
    /// Images that are less safe than they could be.
    Security,
    /// Builds that give different results on different days.
    Reproducibility,
    /// Readability and consistency.
    Style,
    /// Malformed syntax.
    Syntax,
}

/// Whether a rule offers fixes, and how safe they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixKind {
    None,
    Safe,
    Unsafe,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct RuleMeta {
    /// `DF` and three digits; never reused.
    pub code: &'static str,
    /// Kebab-case name, accepted wherever a code is.
    pub name: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// The full documentation (Markdown): what it does, why it matters, example, fix.
    #[serde(skip)]
    pub docs: &'static str,
    /// Equivalent hadolint codes (`DL3006`, `SC2086`, ...).
    pub hadolint: &'static [&'static str],
    /// Equivalent BuildKit build-check names (`FromAsCasing`, ...).
    pub buildkit: &'static [&'static str],
    pub fix: FixKind,
    /// Off-by-default rules run only when selected.
    pub default_enabled: bool,
}

impl RuleMeta {
    /// Where the rule's documentation is published.
    pub fn url(&self) -> String {
        format!("https://dflint.dev/rules/{}", self.name)
    }
}
