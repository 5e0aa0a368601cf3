use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports what makes BuildKit reject the Dockerfile: errors of its parser (bad parser
    /// directives, a JSON array of non-strings, an unterminated heredoc, `ENV key` without a value,
    /// a file without instructions) and of its instructions layer (unknown instructions, wrong
    /// number of arguments, unknown or malformed flags, HEALTHCHECK and ONBUILD misuse).
    ///
    /// ## Why it matters
    /// The build fails at once, often with a message that points at the wrong line.
    ///
    /// ## Example
    /// ```dockerfile
    /// FORM alpine
    /// COPY --form=build /app /app
    /// ```
    ///
    /// ## Fix
    /// Correct the instruction; the message says what BuildKit expects.
    pub struct SyntaxErrorRule;
}

static META: RuleMeta = RuleMeta {
    code: "DF001",
    name: "syntax-error",
    severity: Severity::Error,
    category: Category::Syntax,
    summary: "BuildKit rejects this Dockerfile",
    docs: SyntaxErrorRule::DOCS,
    hadolint: &["DL1000", "DL3043"],
    buildkit: &[],
    fix: FixKind::None,
    default_enabled: true,
};

impl Rule for SyntaxErrorRule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn scope(&self) -> Scope {
        Scope::Stage
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let model = cx.model;
        // The parser's errors in the text of the span: from its first instruction (the file's
        // start for the first one) to the next instruction, or to the end of the file inclusive.
        let (start, end) = (
            unit_start(model, cx.span.start),
            unit_start(model, cx.span.end),
        );
        let last = cx.span.end >= model.instructions.len();
        let errors = model.parse.errors().iter().filter(|e| {
            let at = e.range.start();
            start <= at && (at < end || last)
        });
        let errors = errors.cloned().chain(validate(model, cx.span.clone()));
        for e in errors {
            out.push(Diagnostic::new(&META, e.range, e.message));
        }
    }
}

/// Where the text of the unit starting at instruction `i` starts.
fn unit_start(model: &Model, i: usize) -> TextSize {
    match i {
        0 => TextSize::from(0),
        i => model
            .instructions
            .get(i)
            .map_or(TextSize::of(model.text), |ins| ins.range().start()),
    }
}

/// The instruction-level errors of `model.instructions[span]`: the whole tree validated at once,
/// or for a part of it a tree made of those instructions only (the same green nodes, so the
/// same errors, at offsets from the first one).
fn validate(model: &Model, span: std::ops::Range<usize>) -> Vec<dflint_syntax::SyntaxError> {
    use dflint_syntax::{ast::Dockerfile, validate::validate, DockerfileLanguage, SyntaxNode};
    use rowan::{GreenNode, Language};
    if span == (0..model.instructions.len()) {
        return validate(&model.tree);
    }
    let (Some(first), Some(last)) = (
        model.instructions.get(span.start),
        span.end
            .checked_sub(1)
            .and_then(|l| model.instructions.get(l)),
    ) else {
        return Vec::new();
    };
    let (a, b) = (first.syntax().index(), last.syntax().index());
    let root = model.tree.syntax().green();
    let children = root
        .children()
        .skip(a)
        .take(b + 1 - a)
        .map(|c| c.to_owned());
    let green = GreenNode::new(
        DockerfileLanguage::kind_to_raw(SyntaxKind::SOURCE_FILE),
        children,
    );
    let Some(part) = Dockerfile::cast(SyntaxNode::new_root(green)) else {
        return Vec::new();
    };
    let offset = first.range().start();
    let mut errors = validate(&part);
    for e in &mut errors {
        e.range += offset;
    }
    errors
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("syntax-error");
    }
}
