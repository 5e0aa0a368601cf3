//! A model built through a `ModelCache` (instructions read again only when the edit replaced
//! their green nodes) must equal one built from scratch, after every edit of a series reparsed
//! incrementally as the language server does.

mod common;

use dflint_rules::model::ModelCache;
use dflint_rules::Model;
use dflint_syntax::LineIndex;

fn summary(m: &Model) -> String {
    // Each instruction's kind and keyword as the model keeps them, checked against the node.
    let per_instruction: Vec<_> = (0..m.instructions.len())
        .map(|i| {
            assert_eq!(m.kind(i), m.instructions[i].kind());
            (m.kind(i), m.keyword(i))
        })
        .collect();
    format!(
        "{:?}\n{:?}\n{:?}\n{per_instruction:?}",
        m.defs, m.global_args, m.stages
    )
}

/// The model built through `cache` equals one built from scratch.
fn assert_cached_equals_fresh(
    text: &str,
    parse: &dflint_syntax::Parse,
    cache: &mut ModelCache,
    what: &std::path::Path,
) {
    let m = Model::with_cache(text, parse, LineIndex::new(text), cache);
    assert_eq!(
        summary(&m),
        summary(&Model::new(text, parse)),
        "{}",
        what.display()
    );
}

#[test]
fn cached_model_equals_fresh_model_across_edits() {
    let files = common::official_corpus();
    let edits = [
        "x",
        "\n",
        "ENV A=1 B=\"two words\"\n",
        "ARG V=3\n",
        "FROM base AS other\n",
        " \\\n",
        "",
    ];
    let mut reused = 0;
    for (n, f) in files.iter().enumerate().step_by(5) {
        let Ok(mut text) = std::fs::read_to_string(f) else {
            continue;
        };
        let mut cache = ModelCache::default();
        let mut parse = dflint_syntax::parse(&text);
        for (k, insert) in edits.iter().enumerate() {
            assert_cached_equals_fresh(&text, &parse, &mut cache, f);
            if k > 0 {
                reused += cache.reused();
            }
            // The next edit: at a line start somewhere in the file, or a deletion.
            let starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .filter(|&i| i < text.len())
                .collect();
            let at = starts[(n * 7 + k * 13) % starts.len().max(1)];
            let mut next = text.clone();
            if insert.is_empty() {
                let end = next[at..].find('\n').map_or(next.len(), |i| at + i + 1);
                next.replace_range(at..end, "");
            } else {
                next.insert_str(at, insert);
            }
            parse = dflint_syntax::reparse(&parse, &text, &next);
            text = next;
        }
        assert_cached_equals_fresh(&text, &parse, &mut cache, f);
    }
    // Most ARG, ENV and FROM instructions survive an edit and come from the cache.
    assert!(reused > 1000, "only {reused} instructions reused");
}
