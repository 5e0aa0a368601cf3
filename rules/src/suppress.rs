//! Suppression comments: ours, hadolint's and BuildKit's, so that a project can migrate without
//! editing its Dockerfiles.
//!
//! - `# dflint ignore=CODE-or-name[,...]` in the comment block above an instruction;
//!   `# dflint global ignore=...` anywhere for the whole file.
//! - `# hadolint ignore=DL3006,...` / `# hadolint global ignore=...`, through each rule's
//!   hadolint equivalents.
//! - BuildKit's `# check=skip=RuleName,...` directive (whole file) and the same comment above an
//!   instruction (that instruction only), through each rule's BuildKit equivalents.

use crate::model::Model;
use crate::registry;
use crate::{Diagnostic, RuleMeta};
use dflint_syntax::{DockerfileLanguage, SyntaxElement, SyntaxKind, TextRange, TextSize};
use rowan::{Language, NodeOrToken};
use std::ops::Range;

#[derive(Clone, Debug)]
pub struct Suppression {
    /// Codes of the rules this suppresses.
    pub codes: Vec<&'static str>,
    /// The comment that says so.
    pub range: TextRange,
    /// Index of the instruction it applies to; `None` for the whole file.
    pub instr: Option<usize>,
    /// Names in the comment that match no rule (reported by `unused-suppression`).
    pub unknown: Vec<String>,
}

/// BuildKit checks that only the file-level `# check=` directive can skip.
const WHOLE_FILE_CHECKS: &[&str] = &[
    "NoEmptyContinuation",
    "ConsistentInstructionCasing",
    "DuplicateStageName",
    "ReservedStageName",
    "InvalidDefaultArgInFrom",
];

enum Tool {
    Dflint,
    Hadolint,
    Buildkit,
}

fn codes_for(tool: &Tool, name: &str) -> Vec<&'static RuleMeta> {
    let rules = registry::all().iter().map(|r| r.meta());
    match tool {
        Tool::Dflint => registry::lookup(name).into_iter().collect(),
        Tool::Hadolint => rules
            .filter(|m| m.hadolint.iter().any(|h| h.eq_ignore_ascii_case(name)))
            .collect(),
        Tool::Buildkit => rules.filter(|m| m.buildkit.contains(&name)).collect(),
    }
}

/// Parses one comment: `(global, tool, names)`.
fn parse_comment(text: &str) -> Option<(bool, Tool, Vec<String>)> {
    let body = text.strip_prefix('#')?.trim();
    let (tool, rest) = if let Some(r) = body.strip_prefix("dflint") {
        (Tool::Dflint, r.trim_start_matches(':'))
    } else if let Some(r) = body.strip_prefix("hadolint") {
        (Tool::Hadolint, r)
    } else if let Some(r) = body.strip_prefix("check") {
        let r = r.trim_start().strip_prefix('=')?;
        let list = r.split([' ', ';']).find_map(|p| p.strip_prefix("skip="))?;
        return Some((
            false,
            Tool::Buildkit,
            list.split(',').map(|s| s.trim().to_string()).collect(),
        ));
    } else {
        return None;
    };
    let rest = rest.trim();
    let (global, rest) = match rest.strip_prefix("global") {
        Some(r) => (true, r.trim()),
        None => (false, rest),
    };
    let list = rest
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    let list = list.split_whitespace().next().unwrap_or("");
    Some((
        global,
        tool,
        list.split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.trim().to_string())
            .collect(),
    ))
}

/// Every suppression in the file.
pub fn collect(model: &Model) -> Vec<Suppression> {
    let mut out = Vec::new();
    let cd = &model.check_directive;
    if let Some(range) = cd.range {
        let mut codes = Vec::new();
        let mut unknown = Vec::new();
        for name in &cd.skip {
            if name == "all" {
                codes.extend(
                    registry::all()
                        .iter()
                        .map(|r| r.meta())
                        .filter(|m| !m.buildkit.is_empty())
                        .map(|m| m.code),
                );
                continue;
            }
            let found = codes_for(&Tool::Buildkit, name);
            if found.is_empty() {
                unknown.push(name.clone());
            }
            codes.extend(found.iter().map(|m| m.code));
        }
        if !codes.is_empty() || !unknown.is_empty() {
            out.push(Suppression {
                codes,
                range,
                instr: None,
                unknown,
            });
        }
    }
    // Comments between instructions are tokens of the root: read from its green children, which
    // costs no allocation per element (a 5,000-line file has 20,000 of them).
    let comment = DockerfileLanguage::kind_to_raw(SyntaxKind::COMMENT);
    let mut at = TextSize::from(0);
    for child in model.parse.green().children() {
        let start = at;
        at += child.text_len();
        let NodeOrToken::Token(tok) = child else {
            continue;
        };
        if tok.kind() != comment {
            continue;
        }
        let range = TextRange::new(start, at);
        let Some((global, tool, names)) = parse_comment(tok.text()) else {
            continue;
        };
        let mut codes = Vec::new();
        let mut unknown = Vec::new();
        let buildkit_per_instruction = matches!(tool, Tool::Buildkit) && !global;
        for name in names {
            let found: Vec<&'static RuleMeta> = if matches!(tool, Tool::Buildkit) && name == "all" {
                registry::all()
                    .iter()
                    .map(|r| r.meta())
                    .filter(|m| !m.buildkit.is_empty())
                    .collect()
            } else {
                codes_for(&tool, &name)
            };
            // BuildKit applies a per-instruction `# check=skip=` only to per-instruction checks.
            let found: Vec<&'static RuleMeta> = if buildkit_per_instruction {
                found
                    .into_iter()
                    .filter(|m| !m.buildkit.iter().any(|b| WHOLE_FILE_CHECKS.contains(b)))
                    .collect()
            } else {
                found
            };
            if found.is_empty() {
                unknown.push(name);
            }
            codes.extend(found.iter().map(|m| m.code));
        }
        let instr = if global {
            None
        } else {
            match next_instruction(model, range.end()) {
                Some(i) => Some(i),
                None => continue,
            }
        };
        out.push(Suppression {
            codes,
            range,
            instr,
            unknown,
        });
    }
    out
}

/// The first instruction that starts at or after `offset`.
fn next_instruction(model: &Model, offset: TextSize) -> Option<usize> {
    let i = model
        .instructions
        .partition_point(|i| i.range().start() < offset);
    (i < model.instructions.len()).then_some(i)
}

/// The suppression comments that apply to one instruction (as [`collect`] finds them, with
/// `instr` set) among the comments of the text of `span`: from its first instruction (the file's
/// start for the first one) to the instruction after it. An empty span has none (the comments
/// before a FROM that starts the file go with the FROM's stage).
pub(crate) fn inline_comments(model: &Model, span: Range<usize>) -> Vec<TextRange> {
    if span.is_empty() {
        return Vec::new();
    }
    let text_end = model
        .instructions
        .get(span.end)
        .map_or(TextSize::of(model.text), |i| i.range().start());
    let mut el = match span.start {
        0 => model.tree.syntax().first_child_or_token(),
        s => model
            .instructions
            .get(s)
            .map(|i| SyntaxElement::Node(i.syntax().clone())),
    };
    let mut out = Vec::new();
    while let Some(e) = el {
        if e.text_range().start() >= text_end {
            break;
        }
        if let Some(tok) = e.as_token().filter(|t| t.kind() == SyntaxKind::COMMENT) {
            let inline = parse_comment(tok.text()).is_some_and(|(global, _, _)| !global);
            if inline && next_instruction(model, tok.text_range().end()).is_some() {
                out.push(tok.text_range());
            }
        }
        el = e.next_sibling_or_token();
    }
    out
}

/// Drops suppressed diagnostics; returns, for each suppression, whether it was used.
pub fn apply(model: &Model, sups: &[Suppression], diags: &mut Vec<Diagnostic>) -> Vec<bool> {
    let mut used = vec![false; sups.len()];
    if sups.is_empty() {
        return used;
    }
    diags.retain(|d| {
        // Found only when a suppression of its rule needs it.
        let mut instr = None;
        let mut keep = true;
        for (i, s) in sups.iter().enumerate() {
            if !s.codes.contains(&d.code) {
                continue;
            }
            if let Some(target) = s.instr {
                let at = *instr.get_or_insert_with(|| model.instruction_at(d.range.start()));
                if at != Some(target) {
                    continue;
                }
            }
            used[i] = true;
            keep = false;
        }
        keep
    });
    used
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_dialects() {
        let (g, _, n) = parse_comment("# dflint ignore=from-first,DF004").unwrap();
        assert!(!g);
        assert_eq!(n, ["from-first", "DF004"]);
        let (g, _, n) = parse_comment("# hadolint global ignore=DL3006").unwrap();
        assert!(g);
        assert_eq!(n, ["DL3006"]);
        let (_, _, n) = parse_comment("# check=skip=JSONArgsRecommended // why").unwrap();
        assert_eq!(n, ["JSONArgsRecommended"]);
        assert!(parse_comment("# just a comment").is_none());
    }
}
