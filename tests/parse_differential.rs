//! Differential test: `dflint parse --format json FILE` against BuildKit's parser on the official
//! corpus. The oracle's outputs are committed as goldens under `tests/data/oracle/official/`
//! (`scripts/oracle-goldens.sh`, BuildKit v0.12.5 via PyPI `dockerfile==3.4.0`), so CI needs no
//! Python. Each golden is an array of instructions or `{"error": "..."}` for a rejected file.
//!
//! Compared field by field: cmd, flags, value, start_line, end_line, json, sub_cmd, heredocs.
//! Differences that are known gaps of the old parser (or of its Python wrapper) against BuildKit
//! HEAD are allowed by kind, see `GAPS` and `docs/parser-differences.md`; everything else fails.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Known, documented gaps between the oracle (BuildKit v0.12.5 through the Python wrapper) and
/// BuildKit HEAD, which dflint follows. Keyed by the kind of difference, never by file name.
/// Each entry says how a difference is recognised; `classify` implements it.
const GAPS: &[(&str, &str)] = &[
    (
        // The wrapper (`dockerfile` 3.4.0) reports an ONBUILD trigger's value but drops the
        // trigger's own flags (`ONBUILD COPY --from=b x y` gives flags []). dflint reports them.
        "onbuild-trigger-flags",
        "golden is an ONBUILD with flags [], dflint's trigger has flags",
    ),
    (
        // v0.12.5 does not take blanks between `<<` and the delimiter (`COPY <<  EOF /d`): no
        // heredoc, the body lines become instructions of their own. HEAD does (grammar §7; but
        // not after `<<-`, which neither takes). From the first such instruction on, the two
        // parses of the file diverge.
        "heredoc-blank-after-operator",
        "golden instruction has a `<<` followed by blanks; all later differences",
    ),
    (
        // v0.12.5 predates the `check` parser directive; HEAD rejects a repeated one
        // ("only one check parser directive can be used"). The oracle accepts such files.
        "repeated-check-directive",
        "oracle accepts, dflint exits 1, the file has two `# check=` directives at the top",
    ),
];

const FIELDS: &[&str] = &[
    "cmd",
    "flags",
    "value",
    "start_line",
    "end_line",
    "json",
    "sub_cmd",
    "heredocs",
];

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
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

/// The ONBUILD trigger as dflint nests it: `"sub": {...}` or `"sub_cmd": {...}`.
fn trigger(obj: &Map<String, Value>) -> Option<&Map<String, Value>> {
    obj.get("sub")
        .and_then(Value::as_object)
        .or_else(|| obj.get("sub_cmd").and_then(Value::as_object))
}

/// One field of a dflint instruction, in the oracle's flat shape. The oracle gives an ONBUILD's
/// trigger name as `sub_cmd` and the trigger's value as the ONBUILD's `value`; dflint may nest
/// the trigger as an object, so read through it. `None` when the field is missing.
fn dflint_field(obj: &Map<String, Value>, field: &str) -> Option<Value> {
    let sub = trigger(obj);
    match (field, sub) {
        ("sub_cmd", Some(sub)) => sub.get("cmd").cloned(),
        ("value", Some(sub)) => match obj.get("value") {
            Some(Value::Array(v)) if !v.is_empty() => obj.get("value").cloned(),
            _ => sub.get("value").cloned(),
        },
        ("heredocs", Some(sub)) => match obj.get("heredocs") {
            Some(Value::Array(v)) if !v.is_empty() => obj.get("heredocs").cloned(),
            _ => sub
                .get("heredocs")
                .cloned()
                .or_else(|| obj.get("heredocs").cloned()),
        },
        _ => obj.get(field).cloned(),
    }
}

/// The trigger's flags as dflint reports them (for the `onbuild-trigger-flags` gap).
fn dflint_trigger_flags(obj: &Map<String, Value>) -> Vec<Value> {
    trigger(obj)
        .and_then(|s| s.get("flags"))
        .or_else(|| obj.get("flags"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// A `<<` heredoc operator followed by blanks (v0.12.5 splits it off as a word of its own).
fn has_blank_heredoc_operator(golden: &Map<String, Value>) -> bool {
    let cmd = golden["sub_cmd"]
        .as_str()
        .or(golden["cmd"].as_str())
        .unwrap_or("");
    if !matches!(cmd, "run" | "copy" | "add") || golden["json"] == Value::Bool(true) {
        return false;
    }
    let words: Vec<&str> = golden["value"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .flat_map(|v| v.split([' ', '\t']))
        .collect();
    words.windows(2).any(|w| {
        w[0].trim_start_matches(|c: char| c.is_ascii_digit())
            .strip_prefix("<<")
            .is_some_and(str::is_empty)
            && !w[1].is_empty()
    }) || golden["value"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .any(|v| v.contains("<< ") || v.contains("<<\t"))
}

fn repeated_check_directive(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .lines()
        .map_while(|l| {
            let l = l.trim();
            l.strip_prefix('#')
                .map(|d| d.trim_start().to_ascii_lowercase())
        })
        .filter(|d| d.starts_with("check") && d["check".len()..].trim_start().starts_with('='))
        .count()
        > 1
}

#[derive(Default)]
struct Outcome {
    /// Differences, as printable lines; empty means agreement.
    disagreements: Vec<String>,
    /// Gap kinds that explained differences in this file.
    gaps: Vec<&'static str>,
}

fn compare(
    rel: &str,
    text: &str,
    golden: &Value,
    status: Option<i32>,
    stdout: &str,
    stderr: &str,
) -> Outcome {
    let mut out = Outcome::default();
    if let Some(err) = golden.get("error") {
        if status != Some(1) {
            out.disagreements.push(format!(
                "{rel}: BuildKit rejects ({err}), dflint exit status {status:?} (want 1)"
            ));
        }
        return out;
    }
    let golden = golden.as_array().expect("golden is an array or {error}");
    if status != Some(0) {
        if status == Some(1) && repeated_check_directive(text) {
            out.gaps.push("repeated-check-directive");
        } else {
            let first = stderr.lines().next().unwrap_or("");
            out.disagreements.push(format!(
                "{rel}: BuildKit accepts, dflint exit status {status:?}: {first}"
            ));
        }
        return out;
    }
    let got: Vec<Value> = match serde_json::from_str::<Value>(stdout) {
        Ok(Value::Array(v)) => v,
        Ok(other) => {
            out.disagreements.push(format!(
                "{rel}: output is not a JSON array: {}",
                short(&other)
            ));
            return out;
        }
        Err(e) => {
            let first = stdout.lines().next().unwrap_or("");
            out.disagreements.push(format!(
                "{rel}: output is not JSON ({e}): {}",
                short(&Value::from(first))
            ));
            return out;
        }
    };
    // From the first golden instruction with a blank after `<<` on, v0.12.5 and HEAD diverge.
    let diverge_at = golden
        .iter()
        .position(|g| g.as_object().is_some_and(has_blank_heredoc_operator));

    for i in 0..golden.len().max(got.len()) {
        let after_divergence = diverge_at.is_some_and(|d| i >= d);
        let (g, d) = match (golden.get(i), got.get(i)) {
            (Some(g), Some(d)) => (g.as_object().unwrap(), d.as_object()),
            _ => {
                if after_divergence {
                    out.gaps.push("heredoc-blank-after-operator");
                } else {
                    out.disagreements.push(format!(
                        "{rel}: {} instructions in BuildKit, {} in dflint",
                        golden.len(),
                        got.len()
                    ));
                }
                break;
            }
        };
        let Some(d) = d else {
            out.disagreements
                .push(format!("{rel}: instruction {i} is not an object"));
            continue;
        };
        let line = g["start_line"].as_i64().unwrap_or(0);
        for &field in FIELDS {
            let want = &g[field];
            let have = dflint_field(d, field);
            if have.as_ref() == Some(want) {
                continue;
            }
            if after_divergence {
                out.gaps.push("heredoc-blank-after-operator");
                continue;
            }
            if field == "flags"
                && !g["sub_cmd"].is_null()
                && want.as_array().is_some_and(Vec::is_empty)
                && !dflint_trigger_flags(d).is_empty()
            {
                out.gaps.push("onbuild-trigger-flags");
                continue;
            }
            out.disagreements.push(format!(
                "{rel}:{line}: {} `{field}`: BuildKit {} | dflint {}",
                g["cmd"].as_str().unwrap_or("?"),
                short(want),
                have.as_ref().map_or("<missing>".to_string(), short)
            ));
        }
    }
    out
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 300 {
        let cut = (0..=300)
            .rev()
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(0);
        format!("{}…", &s[..cut])
    } else {
        s
    }
}

#[test]
fn parse_json_agrees_with_buildkit_on_official_corpus() {
    // Sanity: the allowlist and the comparison are what the docs describe.
    assert!(GAPS.iter().all(|(k, _)| !k.is_empty()));

    let corpus = data().join("corpus/official");
    let oracle = data().join("oracle/official");
    let mut inputs = Vec::new();
    files_under(&corpus, &mut inputs);
    inputs.sort();
    let mut goldens = Vec::new();
    files_under(&oracle, &mut goldens);
    // Every corpus file has exactly one golden; stale or missing goldens fail here.
    assert!(inputs.len() > 1000, "corpus looks empty: {}", inputs.len());
    assert_eq!(
        inputs.len(),
        goldens.len(),
        "corpus files vs goldens: regenerate with scripts/oracle-goldens.sh"
    );

    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(String, Outcome)>> = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(input) = inputs.get(i) else { break };
                let rel = input.strip_prefix(&corpus).unwrap().display().to_string();
                let golden_path = oracle.join(format!("{rel}.json"));
                let golden: Value = serde_json::from_str(
                    &fs::read_to_string(&golden_path)
                        .unwrap_or_else(|e| panic!("{}: {e}", golden_path.display())),
                )
                .unwrap_or_else(|e| panic!("{}: {e}", golden_path.display()));
                let text = String::from_utf8_lossy(&fs::read(input).unwrap()).into_owned();
                let run = Command::new(env!("CARGO_BIN_EXE_dflint"))
                    .args(["parse", "--format", "json"])
                    .arg(input)
                    .output()
                    .expect("run dflint");
                let outcome = compare(
                    &rel,
                    &text,
                    &golden,
                    run.status.code(),
                    &String::from_utf8_lossy(&run.stdout),
                    &String::from_utf8_lossy(&run.stderr),
                );
                results.lock().unwrap().push((rel, outcome));
            });
        }
    });

    let mut results = results.into_inner().unwrap();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let (mut agree, mut allowed, mut disagree) = (0, 0, 0);
    let mut by_gap: BTreeMap<&str, usize> = BTreeMap::new();
    let mut report = Vec::new();
    for (_, o) in &results {
        if !o.disagreements.is_empty() {
            disagree += 1;
            report.extend(o.disagreements.iter().cloned());
        } else if !o.gaps.is_empty() {
            allowed += 1;
        } else {
            agree += 1;
        }
        let mut kinds = o.gaps.clone();
        kinds.sort();
        kinds.dedup();
        for k in kinds {
            *by_gap.entry(k).or_default() += 1;
        }
    }
    eprintln!(
        "parse differential: {} files: agree {agree}, allowed-gap {allowed}, disagree {disagree}",
        results.len()
    );
    for (k, n) in &by_gap {
        let why = GAPS.iter().find(|(g, _)| g == k).map_or("", |(_, w)| w);
        eprintln!("  gap {k}: {n} files ({why})");
    }
    assert!(
        disagree == 0,
        "{disagree} files disagree with BuildKit; first differences:\n{}",
        report
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The comparison itself must be able to fail: feed it hand-made outputs.
#[test]
fn comparison_catches_differences() {
    let golden: Value = serde_json::json!([
        {"cmd": "from", "flags": [], "value": ["a"], "start_line": 1, "end_line": 1,
         "json": false, "sub_cmd": null, "heredocs": []},
        {"cmd": "onbuild", "flags": [], "value": ["x", "y"], "start_line": 2, "end_line": 2,
         "json": false, "sub_cmd": "copy", "heredocs": []}
    ]);
    let same = golden.to_string();
    assert!(compare("f", "", &golden, Some(0), &same, "")
        .disagreements
        .is_empty());

    let mut moved = golden.clone();
    moved[0]["end_line"] = 2.into();
    let o = compare("f", "", &golden, Some(0), &moved.to_string(), "");
    assert_eq!(o.disagreements.len(), 1, "{:?}", o.disagreements);
    assert!(o.disagreements[0].contains("end_line"));

    // Nested trigger with its own flags: allowed as the wrapper's gap, not a disagreement.
    let nested = serde_json::json!([
        golden[0],
        {"cmd": "onbuild", "flags": [], "value": [], "start_line": 2, "end_line": 2,
         "json": false, "heredocs": [],
         "sub": {"cmd": "copy", "flags": ["--from=b"], "value": ["x", "y"], "heredocs": []}}
    ]);
    let o = compare("f", "", &golden, Some(0), &nested.to_string(), "");
    assert!(o.disagreements.is_empty(), "{:?}", o.disagreements);
    assert!(
        o.gaps.is_empty(),
        "top-level ONBUILD flags agree: {:?}",
        o.gaps
    );

    let flat_flags = serde_json::json!([golden[0],
        {"cmd": "onbuild", "flags": ["--from=b"], "value": ["x", "y"], "start_line": 2, "end_line": 2,
         "json": false, "sub_cmd": "copy", "heredocs": []}]);
    let o = compare("f", "", &golden, Some(0), &flat_flags.to_string(), "");
    assert!(o.disagreements.is_empty() && o.gaps == ["onbuild-trigger-flags"]);

    // Missing field, wrong exit status, rejected file accepted.
    let mut missing = golden.clone();
    missing[0].as_object_mut().unwrap().remove("heredocs");
    assert!(
        !compare("f", "", &golden, Some(0), &missing.to_string(), "")
            .disagreements
            .is_empty()
    );
    assert!(!compare("f", "", &golden, Some(1), "", "error")
        .disagreements
        .is_empty());
    let rejected = serde_json::json!({"error": "boom"});
    assert!(!compare("f", "", &rejected, Some(0), "[]", "")
        .disagreements
        .is_empty());
    assert!(compare("f", "", &rejected, Some(1), "", "boom")
        .disagreements
        .is_empty());

    // Repeated `# check=`: allowed only when the file really has two.
    let two = "# check=skip=all\n# check=error=true\nFROM a\n";
    assert!(compare("f", two, &golden, Some(1), "", "").gaps == ["repeated-check-directive"]);
    assert!(!compare("f", "FROM a\n", &golden, Some(1), "", "")
        .disagreements
        .is_empty());

    // Blank after `<<`: later differences are the v0.12.5 gap.
    let hd: Value = serde_json::json!([
        {"cmd": "copy", "flags": [], "value": ["<<", "EOF", "/d"], "start_line": 1, "end_line": 1,
         "json": false, "sub_cmd": null, "heredocs": []},
        {"cmd": "x", "flags": [], "value": [""], "start_line": 2, "end_line": 2,
         "json": false, "sub_cmd": null, "heredocs": []}
    ]);
    let head = serde_json::json!([
        {"cmd": "copy", "flags": [], "value": ["<<  EOF", "/d"], "start_line": 1, "end_line": 3,
         "json": false, "sub_cmd": null, "heredocs": [{"name": "EOF", "content": "x\n", "expand": true, "chomp": false}]}
    ]);
    let o = compare("f", "", &hd, Some(0), &head.to_string(), "");
    assert!(o.disagreements.is_empty(), "{:?}", o.disagreements);
    assert!(o.gaps.contains(&"heredoc-blank-after-operator"));
}
