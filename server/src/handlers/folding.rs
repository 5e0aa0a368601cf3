//! Folding ranges: stages, instructions continued over several lines, heredoc bodies and runs
//! of comment lines.

use crate::document::Snapshot;
use dflint_rules::Model;
use dflint_syntax::{SyntaxKind, TextRange, TextSize};
use tower_lsp_server::ls_types::{FoldingRange, FoldingRangeKind};

fn lines(snap: &Snapshot, r: TextRange) -> (u32, u32) {
    let end = if r.is_empty() {
        r.end()
    } else {
        r.end() - TextSize::from(1)
    };
    (
        snap.line_index.line_of(r.start()),
        snap.line_index.line_of(end),
    )
}

fn fold(start: u32, end: u32, kind: Option<FoldingRangeKind>) -> FoldingRange {
    FoldingRange {
        start_line: start,
        start_character: None,
        end_line: end,
        end_character: None,
        kind,
        collapsed_text: None,
    }
}

pub fn folding_ranges(snap: &Snapshot, model: &Model) -> Option<Vec<FoldingRange>> {
    let mut out = Vec::new();
    for st in &model.stages {
        let r = model.instructions[st.from]
            .range()
            .cover(model.instructions[st.end - 1].range());
        let (s, e) = lines(snap, r);
        if e > s {
            out.push(fold(s, e, Some(FoldingRangeKind::Region)));
        }
    }
    for instr in &model.instructions {
        let heredocs: Vec<_> = instr.heredocs().collect();
        let line_part = heredocs.first().map_or(instr.range(), |h| {
            TextRange::new(instr.range().start(), h.range().start())
        });
        let (s, e) = lines(snap, line_part);
        if e > s {
            out.push(fold(s, e, None));
        }
        for h in heredocs {
            let (s, e) = lines(snap, h.range());
            // From the line with the marker to the end line.
            if e >= s {
                out.push(fold(s.saturating_sub(1), e, None));
            }
        }
    }
    let mut run: Option<(u32, u32)> = None;
    for tok in model
        .tree
        .syntax()
        .children_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| t.kind() == SyntaxKind::COMMENT)
    {
        let l = snap.line_index.line_of(tok.text_range().start());
        run = match run {
            Some((s, e)) if e + 1 == l => Some((s, l)),
            Some((s, e)) => {
                if e > s {
                    out.push(fold(s, e, Some(FoldingRangeKind::Comment)));
                }
                Some((l, l))
            }
            None => Some((l, l)),
        };
    }
    if let Some((s, e)) = run.filter(|(s, e)| e > s) {
        out.push(fold(s, e, Some(FoldingRangeKind::Comment)));
    }
    out.sort_by_key(|f| (f.start_line, std::cmp::Reverse(f.end_line)));
    Some(out)
}
