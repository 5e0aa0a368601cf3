//! End-to-end tests of `dflint rules` and `dflint explain`, and of the pre-commit hook file.

mod cli_common;

use cli_common::*;
use serde_json::Value;

fn rules_json() -> Vec<Value> {
    let d = tempdir();
    let out = run(d.path(), &["rules", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    v.as_array().unwrap().clone()
}

#[test]
fn rules_json_lists_every_rule_with_its_fields() {
    let rules = rules_json();
    assert!(rules.len() >= 3);
    let mut codes = Vec::new();
    for r in &rules {
        for key in [
            "code", "name", "severity", "category", "fixable", "hadolint", "buildkit", "summary",
        ] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
        assert!(["error", "warning", "info", "style"].contains(&r["severity"].as_str().unwrap()));
        assert!(["none", "safe", "unsafe"].contains(&r["fixable"].as_str().unwrap()));
        assert!(r["hadolint"].is_array() && r["buildkit"].is_array());
        codes.push(r["code"].as_str().unwrap().to_string());
    }
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(codes, sorted, "sorted by code, no duplicates");
    let find = |name: &str| rules.iter().find(|r| r["name"] == name).unwrap().clone();
    assert_eq!(find("syntax-error")["code"], "DF001");
    let ff = find("from-first");
    assert_eq!(ff["code"], "DF002");
    assert_eq!(ff["hadolint"][0], "DL3061");
    assert_eq!(ff["category"], "correctness");
    assert_eq!(find("unused-suppression")["default_enabled"], false);
}

#[test]
fn rules_table_is_aligned() {
    let d = tempdir();
    let out = run(d.path(), &["rules"]);
    assert_eq!(out.code, 0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("CODE"), "{}", out.stdout);
    assert_eq!(lines.len(), rules_json().len() + 1);
    let col = |l: &str, from: usize| {
        // start of the n-th column: after a run of 2+ spaces
        l.match_indices("  ")
            .map(|(i, _)| i)
            .find(|&i| i >= from && !l[i..].trim_start().is_empty())
            .map(|i| i + l[i..].len() - l[i..].trim_start().len())
    };
    let name_col = col(lines[0], 0).unwrap();
    for l in &lines[1..] {
        assert!(l.starts_with("DF"), "{l}");
        assert_eq!(col(l, 0), Some(name_col), "{l}");
    }
    assert!(out.stdout.contains("from-first"));
}

#[test]
fn explain_prints_docs_by_code_or_name() {
    let d = tempdir();
    for key in ["from-first", "DF002", "df002"] {
        let out = run(d.path(), &["explain", key]);
        assert_eq!(out.code, 0, "{out:?}");
        let first = out.stdout.lines().next().unwrap();
        assert!(first.contains("DF002 from-first"), "{first}");
        assert!(out.stdout.contains("## What it does"), "{out:?}");
        assert!(out.stdout.contains("DL3061"), "{out:?}");
    }
    let out = run(d.path(), &["explain", "unused-suppression"]);
    assert!(out.stdout.contains("Off by default"), "{out:?}");
}

#[test]
fn explain_unknown_rule_suggests() {
    let d = tempdir();
    let out = run(d.path(), &["explain", "from-frist"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("unknown rule `from-frist`"), "{out:?}");
    assert!(out.stderr.contains("did you mean `from-first`"), "{out:?}");
    let out = run(d.path(), &["explain", "completely-unrelated-words"]);
    assert_eq!(out.code, 2);
    assert!(!out.stderr.contains("did you mean"), "{out:?}");
}

#[test]
fn pre_commit_hook_matches_dockerfile_names() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .unwrap();
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{key}:")))
            .unwrap_or_else(|| panic!("{key} missing"))
            .trim()
            .trim_matches('\'')
            .to_string()
    };
    assert_eq!(field("- id"), "dflint");
    assert_eq!(field("language"), "rust");
    assert_eq!(field("entry"), "dflint check");
    assert_eq!(field("require_serial"), "false");
    let files = regex::Regex::new(&field("files")).unwrap();
    let exclude = regex::Regex::new(&field("exclude")).unwrap();
    let hit = |p: &str| files.is_match(p) && !exclude.is_match(p);
    for yes in [
        "Dockerfile",
        "app/Dockerfile",
        "Dockerfile.dev",
        "a/b/api.Dockerfile",
        "web.dockerfile",
        "Containerfile",
        "ci/Containerfile.test",
    ] {
        assert!(hit(yes), "{yes}");
    }
    for no in [
        "README.md",
        "Dockerfile.dockerignore",
        "docs/Dockerfiles.md",
        "xDockerfile",
        "Dockerfile/readme",
        ".dockerignore",
    ] {
        assert!(!hit(no), "{no}");
    }
}
