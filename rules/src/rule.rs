//! The rule trait and what a rule sees.

use crate::config::Settings;
use crate::model::Model;
use crate::{Diagnostic, Fix, Related, RuleMeta};
use dflint_context::BuildContext;
use dflint_syntax::TextRange;

/// What a rule sees: the semantic model of one file, the build context (when there is one on
/// disk or in the editor), and the settings that apply to the file.
pub struct RuleContext<'a> {
    pub model: &'a Model<'a>,
    pub build_context: Option<&'a BuildContext>,
    pub settings: &'a Settings,
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>);
}

impl Diagnostic {
    /// A diagnostic of `meta`'s rule at its default severity.
    pub fn new(
        meta: &'static RuleMeta,
        range: TextRange,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code: meta.code,
            name: meta.name,
            severity: meta.severity,
            message: message.into(),
            range,
            related: Vec::new(),
            notes: Vec::new(),
            fix: None,
        }
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fix = Some(fix);
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_related(mut self, range: TextRange, message: impl Into<String>) -> Diagnostic {
        self.related.push(Related {
            range,
            message: message.into(),
        });
        self
    }
}
