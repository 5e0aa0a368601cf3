//! The diagnostic type every rule produces and every front end renders.
//!
//! Positions are byte ranges into the Dockerfile's text; conversion to lines and columns happens
//! in the renderers (CLI) and in the language server.

use dflint_syntax::TextRange;
use serde::Serialize;

/// How serious a diagnostic is. Ordered: `Style < Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Style,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Style => "style",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "style" => Severity::Style,
            "info" => Severity::Info,
            "warning" => Severity::Warning,
            "error" => Severity::Error,
            _ => return None,
        })
    }
}

/// Whether a fix can be applied without a human looking at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the meaning of the Dockerfile; `--fix` applies it.
    Safe,
    /// May change the build's result; only with `--unsafe-fixes`.
    Unsafe,
}

/// Replace `range` of the original text with `content`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    #[serde(serialize_with = "ser_range")]
    pub range: TextRange,
    pub content: String,
}

impl Edit {
    pub fn replace(range: TextRange, content: impl Into<String>) -> Edit {
        Edit {
            range,
            content: content.into(),
        }
    }
    pub fn insert(offset: dflint_syntax::TextSize, content: impl Into<String>) -> Edit {
        Edit {
            range: TextRange::empty(offset),
            content: content.into(),
        }
    }
    pub fn delete(range: TextRange) -> Edit {
        Edit {
            range,
            content: String::new(),
        }
    }
}

/// A set of non-overlapping edits that together make one fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// A secondary location that explains the primary one (e.g. the earlier definition).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    #[serde(serialize_with = "ser_range")]
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code, `DF` and three digits.
    pub code: &'static str,
    /// Kebab-case rule name.
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The offending text itself, as a byte range of the file.
    #[serde(serialize_with = "ser_range")]
    pub range: TextRange,
    pub related: Vec<Related>,
    pub notes: Vec<String>,
    pub fix: Option<Fix>,
}

fn ser_range<S: serde::Serializer>(r: &TextRange, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = s.serialize_struct("Range", 2)?;
    st.serialize_field("start", &u32::from(r.start()))?;
    st.serialize_field("end", &u32::from(r.end()))?;
    st.end()
}

/// Applies edits (sorted by start, non-overlapping) to `text`. Returns `None` when edits overlap
/// or fall outside the text, so callers never write a corrupted file.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start(), e.range.end()));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0usize;
    for e in sorted {
        let (start, end) = (usize::from(e.range.start()), usize::from(e.range.end()));
        if start < pos
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            return None;
        }
        out.push_str(&text[pos..start]);
        out.push_str(&e.content);
        pos = end;
    }
    out.push_str(&text[pos..]);
    Some(out)
}
