//! A model built through a `ModelCache` (instructions read again only when the edit replaced
//! their green nodes) must equal one built from scratch, after every edit of a series reparsed
//! incrementally as the language server does.

use dflint_rules::model::ModelCache;
use dflint_rules::Model;
use dflint_syntax::LineIndex;
use std::path::Path;

fn summary(m: &Model) -> String {
    format!("{:?}\n{:?}\n{:?}", m.defs, m.global_args, m.stages)
}

#[test]
fn cached_model_equals_fresh_model_across_edits() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/corpus/official");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .flat_map(|d| std::fs::read_dir(d.path()).unwrap().flatten())
        .map(|e| e.path())
        .collect();
    files.sort();
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
            let m = Model::with_cache(&text, &parse, LineIndex::new(&text), &mut cache);
            assert_eq!(
                summary(&m),
                summary(&Model::new(&text, &parse)),
                "{}",
                f.display()
            );
            drop(m);
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
        let m = Model::with_cache(&text, &parse, LineIndex::new(&text), &mut cache);
        assert_eq!(
            summary(&m),
            summary(&Model::new(&text, &parse)),
            "{}",
            f.display()
        );
    }
    // Most ARG, ENV and FROM instructions survive an edit and come from the cache.
    assert!(reused > 1000, "only {reused} instructions reused");
}
