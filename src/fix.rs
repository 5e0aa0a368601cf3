//! `--fix` and `--diff`: apply fixes, re-lint, repeat until nothing changes.
//!
//! A fix is data (edits plus an applicability). Each round applies every applicable fix that does
//! not overlap one taken earlier in the round, re-parses, and checks again, so that fixes which
//! touch the same text land in later rounds. At most [`MAX_ROUNDS`] rounds: a pair of rules that
//! undo each other cannot loop forever. A file that does not parse is never fixed, and a round
//! whose result would not parse is dropped, so `--fix` never writes a broken Dockerfile.

use dflint_context::BuildContext;
use dflint_rules::{apply_edits, Applicability, Diagnostic, Edit, Model, Settings};
use std::io::Write;
use std::path::Path;

pub const MAX_ROUNDS: usize = 10;

/// What fixing one text did.
#[derive(Debug)]
pub struct Fixed {
    /// The fixed text (equal to the input when nothing applied).
    pub text: String,
    /// Fixes applied, over all rounds.
    pub applied: usize,
    /// Why fixing stopped early, if it did (not parsing, or a fix that would break parsing).
    pub refused: Option<String>,
    /// The diagnostics of the fixed text.
    pub diagnostics: Vec<Diagnostic>,
}

/// Syntax errors of a text: the parser's and the instruction layer's (what DF001 reports).
pub fn syntax_errors(text: &str) -> usize {
    let parse = dflint_syntax::parse(text);
    parse.errors().len() + dflint_syntax::validate::validate(&parse.tree()).len()
}

fn lint(text: &str, cx: Option<&BuildContext>, settings: &Settings) -> Vec<Diagnostic> {
    let parse = dflint_syntax::parse(text);
    let model = Model::new(text, &parse);
    dflint_rules::check(&model, cx, settings)
}

/// Applies fixes to `text` until it is stable. `diags` are the diagnostics of `text` (already
/// computed by the caller), `unsafe_fixes` admits unsafe fixes too.
pub fn fix_text(
    text: &str,
    diags: &[Diagnostic],
    cx: Option<&BuildContext>,
    settings: &Settings,
    unsafe_fixes: bool,
) -> Fixed {
    let unchanged = |refused: Option<String>| Fixed {
        text: text.to_string(),
        applied: 0,
        refused,
        diagnostics: diags.to_vec(),
    };
    if !has_applicable(diags, unsafe_fixes) {
        return unchanged(None);
    }
    if syntax_errors(text) > 0 {
        return unchanged(Some(
            "the file does not parse; fix its syntax errors first".into(),
        ));
    }
    let mut current = text.to_string();
    let mut applied = 0;
    let mut refused = None;
    let mut diags = diags.to_vec();
    for _ in 0..MAX_ROUNDS {
        let (edits, n) = choose(&diags, unsafe_fixes);
        if n == 0 {
            break;
        }
        let Some(next) = apply_edits(&current, &edits) else {
            refused = Some("a fix's edits fall outside the text".into());
            break;
        };
        if syntax_errors(&next) > 0 {
            refused = Some("a fix would make the file unparsable; left as it was".into());
            break;
        }
        if next == current {
            break;
        }
        applied += n;
        current = next;
        diags = lint(&current, cx, settings);
    }
    Fixed {
        text: current,
        applied,
        refused,
        diagnostics: diags,
    }
}

fn allowed(a: Applicability, unsafe_fixes: bool) -> bool {
    a == Applicability::Safe || unsafe_fixes
}

fn has_applicable(diags: &[Diagnostic], unsafe_fixes: bool) -> bool {
    diags
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .any(|f| allowed(f.applicability, unsafe_fixes) && !f.edits.is_empty())
}

/// The edits of every applicable fix that overlaps no fix taken before it (in file order), and
/// how many fixes that is. Two insertions at the same offset count as overlapping: their order
/// would be arbitrary, so the second waits for the next round.
fn choose(diags: &[Diagnostic], unsafe_fixes: bool) -> (Vec<Edit>, usize) {
    let mut taken: Vec<(u32, u32)> = Vec::new();
    let mut edits = Vec::new();
    let mut n = 0;
    for fix in diags.iter().filter_map(|d| d.fix.as_ref()) {
        if !allowed(fix.applicability, unsafe_fixes) || fix.edits.is_empty() {
            continue;
        }
        let spans: Vec<(u32, u32)> = fix
            .edits
            .iter()
            .map(|e| (e.range.start().into(), e.range.end().into()))
            .collect();
        let clash = spans
            .iter()
            .any(|&(s, e)| taken.iter().any(|&(ts, te)| (s < te && ts < e) || s == ts));
        if clash {
            continue;
        }
        taken.extend(spans);
        edits.extend(fix.edits.iter().cloned());
        n += 1;
    }
    (edits, n)
}

/// Replaces `path` with `text` atomically: a temporary file in the same folder, the original's
/// permissions, then a rename over it. A reader sees the old file or the new one, never half.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let perms = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::Builder::new()
        .prefix(".dflint-fix-")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    std::fs::set_permissions(tmp.path(), perms)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A unified diff from the old text to the new, with `a/` and `b/` headers; empty when equal.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dflint_rules::{Fix, Severity};
    use dflint_syntax::{TextRange, TextSize};

    fn diag(start: u32, end: u32, content: &str, a: Applicability) -> Diagnostic {
        Diagnostic {
            code: "DF999",
            name: "test",
            severity: Severity::Warning,
            message: String::new(),
            range: TextRange::new(TextSize::from(start), TextSize::from(end)),
            related: vec![],
            notes: vec![],
            fix: Some(Fix {
                message: String::new(),
                applicability: a,
                edits: vec![Edit::replace(
                    TextRange::new(TextSize::from(start), TextSize::from(end)),
                    content,
                )],
            }),
        }
    }

    #[test]
    fn choose_skips_overlaps_and_unsafe() {
        let d = [
            diag(0, 4, "a", Applicability::Safe),
            diag(2, 6, "b", Applicability::Safe),
            diag(6, 8, "c", Applicability::Unsafe),
            diag(9, 9, "d", Applicability::Safe),
            diag(9, 9, "e", Applicability::Safe),
        ];
        let (edits, n) = choose(&d, false);
        assert_eq!(n, 2);
        assert_eq!(edits.len(), 2);
        assert_eq!(edits[1].content, "d");
        let (_, n) = choose(&d, true);
        assert_eq!(n, 3);
    }

    #[test]
    fn refuses_text_that_does_not_parse() {
        let text = "FROM alpine\nCOPY --form=x a b\n";
        assert!(syntax_errors(text) > 0);
        let d = [diag(0, 4, "FROM", Applicability::Safe)];
        let fixed = fix_text(text, &d, None, &Settings::default(), false);
        assert_eq!(fixed.text, text);
        assert_eq!(fixed.applied, 0);
        assert!(fixed.refused.is_some());
    }

    #[test]
    fn refuses_a_fix_that_breaks_parsing() {
        let text = "FROM alpine\nRUN echo hi\n";
        let d = [diag(0, 4, "FORM", Applicability::Safe)];
        let fixed = fix_text(text, &d, None, &Settings::default(), false);
        assert_eq!(fixed.text, text);
        assert_eq!(fixed.applied, 0);
        assert!(fixed.refused.unwrap().contains("unparsable"));
    }

    #[test]
    fn diff_has_headers_and_is_empty_when_equal() {
        assert_eq!(unified_diff("D", "a\n", "a\n"), "");
        let d = unified_diff("D", "a\nb\n", "a\nc\n");
        assert!(d.starts_with("--- a/D\n+++ b/D\n"), "{d}");
        assert!(d.contains("-b\n+c\n"), "{d}");
    }
}
