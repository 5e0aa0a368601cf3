//! Conformance with BuildKit's build checks: every literal case of BuildKit's
//! `dockerfile_check_test.go` (`tests/data/buildkit-checks/check_cases.json`) is linted with the
//! default rules plus every rule that has a BuildKit equivalent, honouring the case's
//! `# check=skip=...;experimental=...` directive, and the (check name, line) pairs must equal
//! BuildKit's expected warnings.

use dflint_context::BuildContext;
use dflint_rules::{registry, Settings};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Cases skipped because they need what a static linter cannot know, keyed by `func:src_line`.
const NEEDS_OUTSIDE_KNOWLEDGE: &[(&str, &str)] = &[
    // The build arg BUILDKIT_DOCKERFILE_CHECK (passed on the command line) replaces the file's
    // `# check=` directive; a linter sees only the file.
    (
        "testRuleCheckOption:484",
        "build args passed on the command line",
    ),
    (
        "testRuleCheckOption:507",
        "build args passed on the command line",
    ),
    // BuildKit's own expectation names lines 3 and 4 for ENV/LABEL that are on lines 5 and 6 of
    // the case's Dockerfile: the extracted expectation does not match its input.
    (
        "testLegacyKeyValueFormat:1321",
        "expected lines do not match the case's Dockerfile",
    ),
];

#[derive(Default)]
struct Tally {
    agree: usize,
    agree_same_instruction: usize,
    skipped: BTreeMap<String, usize>,
    disagree: Vec<String>,
}

/// `# check=` directive of a case: (skip list, experimental list).
fn check_directive(text: &str) -> (Vec<String>, Vec<String>) {
    let mut skip = Vec::new();
    let mut experimental = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let Some(body) = t.strip_prefix('#') else {
            break;
        };
        let Some((k, v)) = body.split_once('=') else {
            break;
        };
        if !k.trim().eq_ignore_ascii_case("check") {
            continue;
        }
        let v = v.trim().split(' ').next().unwrap_or("");
        for part in v.split(';') {
            if let Some((k, list)) = part.split_once('=') {
                let names = list.split(',').map(|s| s.trim().to_string());
                match k.trim() {
                    "skip" => skip.extend(names),
                    "experimental" => experimental.extend(names),
                    _ => {}
                }
            }
        }
    }
    (skip, experimental)
}

#[test]
fn buildkit_check_cases() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/buildkit-checks/check_cases.json");
    let cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("check_cases.json"))
            .expect("valid JSON");
    assert!(cases.len() > 60, "{} cases", cases.len());
    let claimed: Vec<&str> = registry::all()
        .iter()
        .flat_map(|r| r.meta().buildkit.iter().copied())
        .collect();
    let mut tally = Tally::default();
    for case in &cases {
        let id = format!("{}:{}", case["func"].as_str().unwrap(), case["src_line"]);
        if case.get("unresolved").is_some() {
            *tally
                .skipped
                .entry("inputs or expectations generated at run time (unresolved)".into())
                .or_default() += 1;
            continue;
        }
        if let Some((_, why)) = NEEDS_OUTSIDE_KNOWLEDGE.iter().find(|(k, _)| *k == id) {
            *tally.skipped.entry((*why).to_string()).or_default() += 1;
            continue;
        }
        // The lint subrequest checks all stages, as dflint does; its expectation, when the test
        // gives one, is `unmarshal_warnings`.
        let expected_json = case
            .get("unmarshal_warnings")
            .unwrap_or(&case["warnings"])
            .as_array()
            .unwrap();
        let mut expected: Vec<(String, u32)> = expected_json
            .iter()
            .map(|w| {
                (
                    w["rule"].as_str().unwrap().to_string(),
                    w["line"].as_u64().unwrap() as u32,
                )
            })
            .collect();
        if let Some((rule, _)) = expected
            .iter()
            .find(|(r, _)| !claimed.contains(&r.as_str()))
        {
            *tally
                .skipped
                .entry(format!("no dflint rule claims {rule}"))
                .or_default() += 1;
            continue;
        }
        let text = case["dockerfile"].as_str().unwrap();
        // `skip=` acts through dflint's own suppressions (suppress.rs), which the check runs.
        let (_skip, experimental) = check_directive(text);
        let mut settings = Settings::default();
        for rule in registry::all() {
            let m = rule.meta();
            if m.buildkit.is_empty() {
                continue;
            }
            // Experimental checks run only when listed (BuildKit: `experimental=`).
            let experimental_rule = !m.default_enabled;
            if !experimental_rule
                || m.buildkit
                    .iter()
                    .any(|b| experimental.iter().any(|e| e == b || e == "all"))
            {
                settings.enable(m.code);
            }
        }
        // A case with a .dockerignore gets a context on disk: the Dockerfile and the ignore file.
        let dir = tempfile::tempdir().unwrap();
        let ctx = case.get("dockerignore").map(|ignore| {
            std::fs::write(dir.path().join("Dockerfile"), text).unwrap();
            std::fs::write(dir.path().join(".dockerignore"), ignore.as_str().unwrap()).unwrap();
            BuildContext::open(dir.path(), dir.path().join("Dockerfile"))
        });
        let parse = dflint_syntax::parse(text);
        let model = dflint_rules::Model::new(text, &parse);
        let diags = dflint_rules::check(&model, ctx.as_ref(), &settings);
        let mut actual: Vec<(String, u32, u32, u32)> = Vec::new();
        for d in &diags {
            let meta = registry::lookup(d.code).unwrap();
            for b in meta.buildkit {
                let line = model.line_of(d.range.start());
                let instr = model.instruction_at(d.range.start());
                let (first, last) = instr.map_or((line, line), |i| {
                    let r = model.instructions[i].range();
                    (
                        model.line_of(r.start()),
                        model.line_of(r.end() - dflint_syntax::TextSize::from(1)),
                    )
                });
                actual.push((b.to_string(), line, first, last));
            }
        }
        expected.sort();
        actual.sort();
        // Match each expected warning with one of ours: same check, same line, or (BuildKit
        // locates some checks at another line of the same instruction) a line of our
        // diagnostic's instruction.
        let mut unmatched_actual = actual.clone();
        let mut ok = true;
        let mut same_instruction = 0;
        for (rule, line) in &expected {
            if let Some(i) = unmatched_actual
                .iter()
                .position(|(r, l, _, _)| r == rule && l == line)
            {
                unmatched_actual.remove(i);
            } else if let Some(i) = unmatched_actual
                .iter()
                .position(|(r, _, a, b)| r == rule && a <= line && line <= b)
            {
                unmatched_actual.remove(i);
                same_instruction += 1;
            } else {
                ok = false;
            }
        }
        if ok && unmatched_actual.is_empty() {
            tally.agree += 1;
            tally.agree_same_instruction += same_instruction;
        } else {
            tally.disagree.push(format!(
                "{id}\n  expected: {expected:?}\n  dflint:   {:?}",
                actual.iter().map(|(r, l, _, _)| (r, l)).collect::<Vec<_>>()
            ));
        }
    }
    let skipped: usize = tally.skipped.values().sum();
    println!(
        "BuildKit check cases: agree {} ({} warning(s) on another line of the same instruction), skipped {skipped}, disagree {}",
        tally.agree,
        tally.agree_same_instruction,
        tally.disagree.len()
    );
    for (why, n) in &tally.skipped {
        println!("  skipped {n}: {why}");
    }
    for d in &tally.disagree {
        println!("DISAGREE {d}");
    }
    assert!(tally.agree > 0);
    assert!(
        tally.disagree.is_empty(),
        "{} disagreement(s)",
        tally.disagree.len()
    );
}
