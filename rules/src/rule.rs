//! The rule trait and what a rule sees.

use crate::config::Settings;
use crate::model::{Model, StageInfo};
use crate::{Diagnostic, Fix, Related, RuleMeta};
use dflint_context::BuildContext;
use dflint_syntax::ast::Instruction;
use dflint_syntax::TextRange;
use std::ops::Range;

/// What a rule sees: the semantic model of one file, the build context (when there is one on
/// disk or in the editor), the settings that apply to the file, and the part of the file this
/// run covers.
pub struct RuleContext<'a> {
    pub model: &'a Model<'a>,
    pub build_context: Option<&'a BuildContext>,
    pub settings: &'a Settings,
    /// The instructions this run reports on (indices into [`Model::instructions`]): all of
    /// them, or for a [`Scope::Stage`] rule checked incrementally, one unit (the instructions
    /// before the first FROM, or one stage).
    pub span: Range<usize>,
}

impl<'a> RuleContext<'a> {
    /// A context covering the whole file.
    pub fn whole(
        model: &'a Model<'a>,
        build_context: Option<&'a BuildContext>,
        settings: &'a Settings,
    ) -> RuleContext<'a> {
        RuleContext {
            model,
            build_context,
            settings,
            span: 0..model.instructions.len(),
        }
    }

    /// The instructions of this run, with their indices in [`Model::instructions`].
    pub fn instructions(&self) -> impl Iterator<Item = (usize, &'a Instruction)> + use<'a> {
        let start = self.span.start;
        self.model.instructions[self.span.clone()]
            .iter()
            .enumerate()
            .map(move |(k, i)| (start + k, i))
    }

    /// The stages whose FROM is in this run.
    pub fn stages(&self) -> &'a [StageInfo] {
        let stages = &self.model.stages;
        let lo = stages.partition_point(|s| s.from < self.span.start);
        let hi = stages.partition_point(|s| s.from < self.span.end);
        &stages[lo..hi]
    }
}

/// How much of the file a rule needs to see, so that the language server can check only what
/// an edit touched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Reads across the whole file (or reports somewhere else than where it looks): run over
    /// the whole file on every check.
    File,
    /// Checked one unit at a time (the instructions before the first FROM, or one stage; see
    /// [`RuleContext::span`]). Such a rule reports only inside its unit (from its first
    /// instruction up to the next unit's), and what it reports depends on nothing but the
    /// unit's own text, the text before the first FROM (directives, global ARGs), the names,
    /// images and order of all stages, the text of the stages this one builds on (`FROM
    /// <stage>` chains), whether this is the last stage, the settings and the build context:
    /// a unit whose inputs are unchanged keeps its diagnostics from the previous check. What
    /// one unit cannot decide goes in [`Rule::check_file`].
    Stage,
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// See [`Scope`]; `File` unless the rule says otherwise.
    fn scope(&self) -> Scope {
        Scope::File
    }
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>);
    /// A whole-file part of a [`Scope::Stage`] rule, run over the whole file on every check
    /// (for what one stage cannot decide alone). Nothing by default.
    fn check_file(&self, _cx: &RuleContext<'_>, _out: &mut Vec<Diagnostic>) {}
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
