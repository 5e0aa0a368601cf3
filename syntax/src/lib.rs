//! dflint-syntax: a lossless syntax tree for Dockerfiles that follows BuildKit's parser.
//!
//! Text in, tree out: no I/O, no rules. Never panics on any input. Every byte of the input is in
//! the tree (`parse(text).syntax().to_string() == text`), including what BuildKit drops: comment
//! and blank lines inside continuations, continuation markers, heredoc bodies.

pub mod ast;
pub mod buildkit;
pub mod format;
mod green;
mod instr;
mod kind;
mod lexer;
mod line_index;
mod parser;
mod reparse;
pub mod validate;
pub mod vars;
mod words;

pub use kind::{DockerfileLanguage, SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken};
pub use line_index::{LineCol, LineIndex};
pub use rowan::{TextRange, TextSize};

/// A problem that makes BuildKit reject the file, with the exact range it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub range: TextRange,
}

/// The result of parsing: the tree and the errors found on the way.
#[derive(Clone, Debug)]
pub struct Parse {
    pub(crate) green: rowan::GreenNode,
    pub(crate) errors: Vec<SyntaxError>,
}

impl Parse {
    pub fn syntax(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }

    /// The typed root of the tree.
    pub fn tree(&self) -> ast::Dockerfile {
        ast::Dockerfile::cast(self.syntax()).expect("the root is always a SOURCE_FILE")
    }

    pub fn green(&self) -> &rowan::GreenNode {
        &self.green
    }

    /// Errors of BuildKit's parser: directives, JSON, heredocs, ENV/LABEL form, empty file.
    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }
}

#[doc(hidden)]
pub use reparse::incremental as reparse_incremental;
pub use reparse::reparse;

/// Parses a Dockerfile. Never fails: problems are in [`Parse::errors`].
pub fn parse(text: &str) -> Parse {
    let out = parser::parse_text(text);
    Parse {
        green: out.green,
        errors: out.errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_awkward_input() {
        for text in [
            "",
            "\u{feff}FROM a\r\nRUN b \\\r\n  # c\r\n\r\n  d\r\n",
            "FROM a\nRUN <<EOF\nbody\nEOF\n",
            "RUN <<EOF",
            "# escape=`\nFROM a\nRUN b `\n c",
            "ONBUILD RUN <<X cat\nhi\nX\n",
            "COPY [\"a\", 1] /b\n",
            "   \n\t\n",
            "ENV a=1 b c\n",
            "\\",
            "RUN a\\\n",
        ] {
            let p = parse(text);
            assert_eq!(p.syntax().to_string(), text, "{text:?}");
        }
    }

    #[test]
    fn whitespace_around_skipped_comment_lines_is_whitespace() {
        let text = "RUN a \\\n  # c\n  b\n";
        let tree = parse(text).syntax();
        let kinds: Vec<_> = tree
            .descendants_with_tokens()
            .filter_map(|e| e.into_token())
            .map(|t| t.kind())
            .collect();
        assert!(!kinds.contains(&SyntaxKind::ERROR_TOKEN), "{kinds:?}");
        assert!(
            kinds.contains(&SyntaxKind::SKIPPED_LINE)
                || tree
                    .descendants()
                    .any(|n| n.kind() == SyntaxKind::SKIPPED_LINE)
        );
    }
}
