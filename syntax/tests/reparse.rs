//! `reparse` must give exactly what `parse` gives (same green tree, same errors) for any edit:
//! random edits of grammar fragments (continuations, heredocs, escape directives, CRLF,
//! comments inside continuations), and edits of every official-image Dockerfile.

use dflint_syntax::{parse, reparse, reparse_incremental};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// Checks one edit; true if it was reparsed incrementally.
fn assert_same(old_text: &str, new_text: &str) -> bool {
    let old = parse(old_text);
    let inc = reparse(&old, old_text, new_text);
    let full = parse(new_text);
    assert_eq!(inc.syntax().to_string(), new_text, "text lost");
    assert!(
        inc.green() == full.green(),
        "tree differs\nold: {old_text:?}\nnew: {new_text:?}\nreparse: {:#?}\nparse: {:#?}",
        inc.syntax(),
        full.syntax()
    );
    assert_eq!(
        inc.errors(),
        full.errors(),
        "errors differ\nold: {old_text:?}\nnew: {new_text:?}"
    );
    reparse_incremental(&old, old_text, new_text).is_some()
}

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("FROM a AS b\n".to_string()),
        Just("RUN x \\\n".to_string()),
        Just("RUN y\n".to_string()),
        Just("  # c \\\n".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("# escape=`\n".to_string()),
        Just("RUN a `\n".to_string()),
        Just("RUN <<EOF cat\n".to_string()),
        Just("COPY <<-\"A\" <<B /d\n".to_string()),
        Just("EOF\n".to_string()),
        Just("\tA\n".to_string()),
        Just("B\n".to_string()),
        Just("ENV a=\"b c\" d=e\n".to_string()),
        Just("ENV a\n".to_string()),
        Just("CMD [\"a\", \n".to_string()),
        Just("ONBUILD RUN <<X cat\n".to_string()),
        Just("X\n".to_string()),
        Just("\\".to_string()),
        Just("x".to_string()),
        Just("#".to_string()),
        Just("\u{feff}".to_string()),
        "[ -~\t]{0,12}",
        any::<String>(),
    ]
}

/// Applies `cut`-`len` deletion and an insertion to `text` (positions taken modulo the length,
/// moved to char boundaries).
fn edited(text: &str, at: usize, del: usize, insert: &str) -> String {
    let mut start = if text.is_empty() {
        0
    } else {
        at % (text.len() + 1)
    };
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + del).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let mut t = text.to_string();
    t.replace_range(start..end, insert);
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn reparse_equals_parse_on_fragments(
        parts in prop::collection::vec(fragment(), 0..14),
        at in any::<usize>(),
        del in 0usize..12,
        insert in prop::collection::vec(fragment(), 0..3),
    ) {
        let old = parts.concat();
        let new = edited(&old, at, del, &insert.concat());
        assert_same(&old, &new);
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn reparse_equals_parse_on_official_corpus_edits() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/corpus/official");
    let files = files_under(&root);
    assert!(files.len() > 1000, "corpus missing: {}", root.display());
    let inserts = [
        "x",
        "\n",
        "\\\n",
        " \\",
        "<<EOF\n",
        "EOF\n",
        "# c\n",
        "RUN a \\\n",
        "FROM b\n",
        "",
    ];
    let mut seed = 7usize;
    let (mut edits, mut incremental) = (0, 0);
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for k in 0..12 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let at = (seed >> 20) % (text.len() + 1);
            let del = if k % 3 == 0 { (seed >> 8) % 40 } else { 0 };
            let new = edited(&text, at, del, inserts[k % inserts.len()]);
            edits += 1;
            incremental += assert_same(&text, &new) as usize;
        }
    }
    // Edits among the directives, at the start or in the first instruction parse the whole
    // file; nearly all others must not.
    assert!(
        incremental * 10 > edits * 8,
        "only {incremental} of {edits} edits were incremental"
    );
    eprintln!("{incremental} of {edits} edits reparsed incrementally");
}
