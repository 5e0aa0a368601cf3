use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a comment directly above an `ARG` or a named `FROM ... AS name` whose first word
    /// is not the ARG's or the stage's name: tools read such a comment as the definition's
    /// description (`# VERSION the release to build`). Off by default, as BuildKit's
    /// experimental `InvalidDefinitionDescription` check.
    ///
    /// ## Why it matters
    /// `docker buildx build --call=outline` and editors show these comments as descriptions; a
    /// comment that is not one shows up as a wrong description.
    ///
    /// ## Example
    /// ```dockerfile
    /// # the version to build
    /// ARG VERSION=1.0
    /// ```
    ///
    /// ## Fix
    /// Start the comment with the name (`# VERSION the version to build`), or put an empty line
    /// between the comment and the instruction.
    pub struct InvalidDefinitionDescription;
}

static META: RuleMeta = RuleMeta {
    code: "DF027",
    name: "invalid-definition-description",
    severity: Severity::Info,
    category: Category::Style,
    summary: "A comment above an ARG or stage does not start with its name",
    docs: InvalidDefinitionDescription::DOCS,
    hadolint: &[],
    buildkit: &["InvalidDefinitionDescription"],
    fix: FixKind::None,
    default_enabled: false,
};

impl Rule for InvalidDefinitionDescription {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    // File: the comment above a FROM is in the text of the unit before it.

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        for (_, instr) in cx.instructions() {
            if !matches!(instr.kind(), SyntaxKind::ARG_INSTR | SyntaxKind::FROM_INSTR) {
                continue;
            }
            // Most definitions have no comment above them: look there first.
            let Some(comment) = description_comment(instr) else {
                continue;
            };
            let words: Vec<Word> = match instr.kind() {
                SyntaxKind::ARG_INSTR => instr.arg_decls().filter_map(|d| d.name()).collect(),
                SyntaxKind::FROM_INSTR => instr.stage_name().into_iter().collect(),
                _ => continue,
            };
            let Some(first_word) = words.first() else {
                continue;
            };
            let (what, names): (&str, Vec<String>) = if instr.kind() == SyntaxKind::FROM_INSTR {
                ("FROM", vec![first_word.text.to_lowercase()])
            } else {
                ("ARG", words.iter().map(|w| w.text.clone()).collect())
            };
            let text = comment.text().trim_start_matches('#').trim();
            let first = text.split(' ').next().unwrap_or("");
            if names.iter().any(|n| n == first) {
                continue;
            }
            let example = if names.len() > 1 {
                "<arg_key>"
            } else {
                names[0].as_str()
            };
            // Reported at the definition (as BuildKit does), with the comment as related.
            out.push(
                Diagnostic::new(
                    &META,
                    first_word.range,
                    format!(
                        "Comment for {what} should follow the format: `# {example} <description>`"
                    ),
                )
                .with_related(comment.text_range(), "the comment read as its description"),
            );
        }
    }
}

/// The last non-empty line of the comment block right above `instr` (no blank line between).
fn description_comment(instr: &Instruction) -> Option<dflint_syntax::SyntaxToken> {
    let mut el = instr.syntax().prev_sibling_or_token();
    let mut newline_seen = false;
    while let Some(e) = el {
        let tok = e.as_token()?.clone();
        match tok.kind() {
            SyntaxKind::WHITESPACE => {}
            SyntaxKind::NEWLINE => {
                if newline_seen {
                    return None; // a blank line ends the block
                }
                newline_seen = true;
            }
            SyntaxKind::COMMENT => {
                if !tok.text().trim_start_matches('#').trim().is_empty() {
                    return Some(tok);
                }
                newline_seen = false;
            }
            _ => return None,
        }
        el = tok.prev_sibling_or_token();
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        crate::testing::assert_fixture("invalid-definition-description");
    }
}
