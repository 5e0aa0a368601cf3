//! Helpers shared by the rules crate's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Every file under `dir`, sorted.
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

/// The official-image Dockerfiles copied into the repository (`tests/data/corpus/official`).
pub fn official_corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/corpus/official");
    let files = files_under(&root);
    assert!(files.len() > 1000, "corpus missing: {}", root.display());
    files
}
