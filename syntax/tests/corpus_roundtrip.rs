//! Lossless round-trip over the official corpus: for every file of
//! `tests/data/corpus/official` (workspace root), the syntax tree's text equals
//! the input byte for byte. Files that are not valid UTF-8 are counted and
//! skipped (`parse` takes `&str`); there are none in the corpus today.

use std::fs;
use std::path::{Path, PathBuf};

/// The one call into the crate: parse, then print the tree back.
fn round_trip(text: &str) -> String {
    dflint_syntax::parse(text).syntax().to_string()
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/corpus")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn official_corpus_round_trips_byte_for_byte() {
    let root = corpus_dir();
    let mut files = Vec::new();
    files_under(&root.join("official"), &mut files);
    files.sort();

    // The manifest lists every file once (plus a header): a missing or extra file fails here,
    // so the test cannot pass over an empty or partial corpus.
    let manifest = fs::read_to_string(root.join("official-MANIFEST.tsv")).unwrap();
    let listed = manifest.lines().skip(1).filter(|l| !l.is_empty()).count();
    assert_eq!(
        files.len(),
        listed,
        "corpus files vs official-MANIFEST.tsv rows"
    );

    let (mut ok, mut not_utf8, mut failures) = (0usize, Vec::new(), Vec::new());
    for path in &files {
        let bytes = fs::read(path).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            not_utf8.push(path.display().to_string());
            continue;
        };
        let back = round_trip(text);
        if back == text {
            ok += 1;
        } else {
            let at = back
                .bytes()
                .zip(text.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(back.len().min(text.len()));
            failures.push(format!(
                "{}: first difference at byte {at} (input {} bytes, tree {} bytes)",
                path.strip_prefix(&root).unwrap_or(path).display(),
                text.len(),
                back.len()
            ));
        }
    }
    eprintln!(
        "round-trip: {ok} identical, {} differ, {} not UTF-8 (skipped)",
        failures.len(),
        not_utf8.len()
    );
    for f in &not_utf8 {
        eprintln!("  not UTF-8: {f}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} files do not round-trip:\n{}",
        failures.len(),
        files.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
