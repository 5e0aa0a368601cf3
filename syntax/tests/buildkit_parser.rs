//! BuildKit's own parser test files: every `testfiles/<name>/Dockerfile` must dump exactly as its
//! `result`, and every `testfiles-negative/<name>/Dockerfile` must be rejected.

use dflint_syntax::{buildkit, parse};
use std::fs;
use std::path::Path;

fn cases(dir: &str) -> Vec<(String, std::path::PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/buildkit-parser")
        .join(dir);
    let mut out: Vec<_> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    out.sort();
    out
}

#[test]
fn positive_cases_dump_like_buildkit() {
    let cases = cases("testfiles");
    assert_eq!(cases.len(), 33, "expected BuildKit's 33 parser cases");
    let mut failures = Vec::new();
    for (name, dir) in &cases {
        let text = fs::read_to_string(dir.join("Dockerfile")).unwrap();
        let expected = fs::read_to_string(dir.join("result")).unwrap();
        let parsed = parse(&text);
        let got = buildkit::dump(&buildkit::nodes(&parsed, &text));
        if got != expected {
            failures.push(format!("{name}:\n--- expected\n{expected}--- got\n{got}"));
        }
        if !parsed.errors().is_empty() {
            failures.push(format!("{name}: unexpected errors {:?}", parsed.errors()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn negative_cases_are_rejected() {
    let cases = cases("testfiles-negative");
    assert_eq!(cases.len(), 4);
    for (name, dir) in cases {
        let text = fs::read_to_string(dir.join("Dockerfile")).unwrap();
        assert!(!parse(&text).errors().is_empty(), "{name} must be rejected");
    }
}

#[test]
fn testfile_line_keeps_instruction_lines() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/buildkit-parser/testfile-line/Dockerfile");
    let text = fs::read_to_string(path).unwrap();
    let nodes = buildkit::nodes(&parse(&text), &text);
    // BuildKit's TestParseLines expects these (start, end) pairs for this file.
    let lines: Vec<(usize, usize)> = nodes.iter().map(|n| (n.start_line, n.end_line)).collect();
    assert_eq!(lines[0], (5, 5), "{lines:?}");
    assert!(
        lines.windows(2).all(|w| w[0].1 < w[1].0),
        "instructions overlap: {lines:?}"
    );
}
