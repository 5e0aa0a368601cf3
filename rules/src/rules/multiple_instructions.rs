use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that a later one of the same kind in the
    /// same stage overrides. Same as BuildKit's `MultipleInstructionsDisallowed` check (which
    /// also points at the earlier, ignored one) and hadolint's DL4003, DL4004 and DL3012.
    ///
    /// ## Why it matters
    /// Only the last one takes effect; the earlier one is dead code that misleads readers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// CMD ["serve"]
    /// CMD ["serve", "--debug"]
    /// ```
    ///
    /// ## Fix
    /// Delete the earlier instruction, or merge the two.
    pub struct MultipleInstructions;
}

static META: RuleMeta = RuleMeta {
    code: "DF021",
    name: "multiple-instructions",
    severity: Severity::Warning,
    category: Category::Correctness,
    summary: "A CMD, ENTRYPOINT or HEALTHCHECK is overridden later in the stage",
    docs: MultipleInstructions::DOCS,
    hadolint: &["DL3012", "DL4003", "DL4004"],
    buildkit: &["MultipleInstructionsDisallowed"],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for MultipleInstructions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        for stage in cx.stages() {
            let mut last: Vec<(SyntaxKind, &Instruction)> = Vec::new();
            for instr in &model.instructions[stage.from + 1..stage.end] {
                let kind = instr.kind();
                if !matches!(
                    kind,
                    SyntaxKind::CMD_INSTR
                        | SyntaxKind::ENTRYPOINT_INSTR
                        | SyntaxKind::HEALTHCHECK_INSTR
                ) {
                    continue;
                }
                let Some(kw) = instr.keyword() else { continue };
                if let Some(slot) = last.iter_mut().find(|(k, _)| *k == kind) {
                    if let Some(prev_kw) = slot.1.keyword() {
                        out.push(
                            Diagnostic::new(
                                &META,
                                prev_kw.text_range(),
                                format!(
                                    "Multiple {} instructions should not be used in the same stage because only the last one will be used",
                                    kw.text()
                                ),
                            )
                            .with_related(kw.text_range(), "overridden by this one"),
                        );
                    }
                    slot.1 = instr;
                } else {
                    last.push((kind, instr));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("multiple-instructions");
    }
}
