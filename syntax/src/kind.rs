//! One `SyntaxKind` enum for every token and node of the tree.

/// Kinds of tokens (leaves) and nodes of the Dockerfile syntax tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u16)]
#[allow(non_camel_case_types)]
pub enum SyntaxKind {
    // ---- tokens ----
    /// Spaces and tabs (and other non-newline whitespace) that separate words.
    WHITESPACE = 0,
    /// A line terminator: `\n`, with any `\r` before it.
    NEWLINE,
    /// A comment line's text from `#` to the end of the line (without the terminator).
    COMMENT,
    /// The escape character at the end of a line, the blanks after it and the line terminator.
    CONTINUATION,
    /// A UTF-8 byte-order mark at the very start of the file.
    BOM,
    /// The instruction keyword, as written (`FROM`, `run`, ...).
    KEYWORD,
    /// An argument word (or a piece of one, when a line continuation splits it).
    WORD,
    /// `--name` of an instruction flag.
    FLAG_NAME,
    /// `=` between a flag name, key or ARG name and its value.
    EQ,
    /// The value of a flag, ENV/LABEL pair or ARG default, raw (quotes kept).
    VALUE,
    /// The key of an ENV/LABEL pair or the name of an ARG.
    KEY,
    /// `[` of an exec-form array.
    L_BRACK,
    /// `]` of an exec-form array.
    R_BRACK,
    /// `,` of an exec-form array.
    COMMA,
    /// A JSON string of an exec-form array, quotes included.
    JSON_STRING,
    /// A heredoc marker word in the instruction line (`<<EOF`, `<<-"EOF"`).
    HEREDOC_MARKER,
    /// The lines of a heredoc body, terminators included.
    HEREDOC_BODY,
    /// The line that ends a heredoc (without its terminator).
    HEREDOC_END,
    /// Shell-form command text (a RUN's script), not split into words.
    TEXT,
    /// Text the parser could not place (kept so that the tree stays lossless).
    ERROR_TOKEN,

    // ---- nodes ----
    SOURCE_FILE,
    /// A parser directive line: `# syntax=...`, `# escape=...`, `# check=...`.
    DIRECTIVE,
    /// A comment or blank line inside a line continuation; BuildKit drops it.
    SKIPPED_LINE,
    /// `--name[=value]`.
    FLAG,
    /// A `[ "a", "b" ]` exec-form argument list.
    EXEC_FORM,
    /// The shell-form command text of RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK CMD.
    SHELL_FORM,
    /// `key=value` or the legacy `key value` of ENV and LABEL.
    KEY_VALUE,
    /// `name` or `name=default` of ARG.
    ARG_DECL,
    /// A heredoc body and its end line, after the instruction line.
    HEREDOC,

    FROM_INSTR,
    RUN_INSTR,
    CMD_INSTR,
    LABEL_INSTR,
    MAINTAINER_INSTR,
    EXPOSE_INSTR,
    ENV_INSTR,
    ADD_INSTR,
    COPY_INSTR,
    ENTRYPOINT_INSTR,
    VOLUME_INSTR,
    USER_INSTR,
    WORKDIR_INSTR,
    ARG_INSTR,
    ONBUILD_INSTR,
    STOPSIGNAL_INSTR,
    HEALTHCHECK_INSTR,
    SHELL_INSTR,
    /// An instruction BuildKit does not know; the parser keeps it, the builder rejects it.
    UNKNOWN_INSTR,
}

use SyntaxKind::*;

impl SyntaxKind {
    pub fn is_instruction(self) -> bool {
        (FROM_INSTR as u16..=UNKNOWN_INSTR as u16).contains(&(self as u16))
    }

    /// Tokens that BuildKit removes when it joins continued lines.
    pub fn is_continuation_trivia(self) -> bool {
        matches!(self, CONTINUATION | SKIPPED_LINE)
    }

    /// The instruction kind for a keyword (case-insensitive), `UNKNOWN_INSTR` otherwise.
    pub fn from_keyword(word: &str) -> SyntaxKind {
        const TABLE: &[(&str, SyntaxKind)] = &[
            ("from", FROM_INSTR),
            ("run", RUN_INSTR),
            ("cmd", CMD_INSTR),
            ("label", LABEL_INSTR),
            ("maintainer", MAINTAINER_INSTR),
            ("expose", EXPOSE_INSTR),
            ("env", ENV_INSTR),
            ("add", ADD_INSTR),
            ("copy", COPY_INSTR),
            ("entrypoint", ENTRYPOINT_INSTR),
            ("volume", VOLUME_INSTR),
            ("user", USER_INSTR),
            ("workdir", WORKDIR_INSTR),
            ("arg", ARG_INSTR),
            ("onbuild", ONBUILD_INSTR),
            ("stopsignal", STOPSIGNAL_INSTR),
            ("healthcheck", HEALTHCHECK_INSTR),
            ("shell", SHELL_INSTR),
        ];
        TABLE
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(word))
            .map_or(UNKNOWN_INSTR, |&(_, kind)| kind)
    }

    /// The canonical upper-case keyword of an instruction kind.
    pub fn keyword(self) -> Option<&'static str> {
        Some(match self {
            FROM_INSTR => "FROM",
            RUN_INSTR => "RUN",
            CMD_INSTR => "CMD",
            LABEL_INSTR => "LABEL",
            MAINTAINER_INSTR => "MAINTAINER",
            EXPOSE_INSTR => "EXPOSE",
            ENV_INSTR => "ENV",
            ADD_INSTR => "ADD",
            COPY_INSTR => "COPY",
            ENTRYPOINT_INSTR => "ENTRYPOINT",
            VOLUME_INSTR => "VOLUME",
            USER_INSTR => "USER",
            WORKDIR_INSTR => "WORKDIR",
            ARG_INSTR => "ARG",
            ONBUILD_INSTR => "ONBUILD",
            STOPSIGNAL_INSTR => "STOPSIGNAL",
            HEALTHCHECK_INSTR => "HEALTHCHECK",
            SHELL_INSTR => "SHELL",
            _ => return None,
        })
    }

    pub const ALL_KEYWORDS: [&'static str; 18] = [
        "FROM",
        "RUN",
        "CMD",
        "LABEL",
        "MAINTAINER",
        "EXPOSE",
        "ENV",
        "ADD",
        "COPY",
        "ENTRYPOINT",
        "VOLUME",
        "USER",
        "WORKDIR",
        "ARG",
        "ONBUILD",
        "STOPSIGNAL",
        "HEALTHCHECK",
        "SHELL",
    ];
}

impl From<SyntaxKind> for rowan::SyntaxKind {
    fn from(kind: SyntaxKind) -> Self {
        rowan::SyntaxKind(kind as u16)
    }
}

#[derive(Debug, Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DockerfileLanguage {}

impl rowan::Language for DockerfileLanguage {
    type Kind = SyntaxKind;
    fn kind_from_raw(raw: rowan::SyntaxKind) -> SyntaxKind {
        assert!(raw.0 <= UNKNOWN_INSTR as u16);
        // SAFETY: SyntaxKind is repr(u16) with contiguous discriminants 0..=UNKNOWN_INSTR,
        // and the assertion above keeps `raw.0` in that range.
        unsafe { std::mem::transmute::<u16, SyntaxKind>(raw.0) }
    }
    fn kind_to_raw(kind: SyntaxKind) -> rowan::SyntaxKind {
        kind.into()
    }
}

pub type SyntaxNode = rowan::SyntaxNode<DockerfileLanguage>;
pub type SyntaxToken = rowan::SyntaxToken<DockerfileLanguage>;
pub type SyntaxElement = rowan::SyntaxElement<DockerfileLanguage>;
