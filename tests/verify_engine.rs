//! `dflint verify` end to end, through a real Docker engine.
//!
//! ```sh
//! eval "$(scripts/engine-start.sh)"   # sets DOCKER_HOST
//! cargo test --test verify_engine
//! scripts/engine-stop.sh
//! ```
//!
//! Without `DOCKER_HOST` the engine tests fail under `CI=true` (a missing engine is a failure
//! in CI, never a skip) and print a loud skip notice otherwise. The no-engine test always runs.
//! The tests take a lock so that one run at a time uses the engine: "no dflint-labelled image
//! or container is left" is then checked over the whole engine, not just one run.

mod engine_common;
use engine_common::have_engine;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::Duration;

use dflint_engine::verify::{self, Status, VerifyOptions};
use dflint_engine::Engine;
use dflint_rules::{Applicability, Diagnostic, Edit, Fix, Severity};
use dflint_syntax::{TextRange, TextSize};
use serde_json::Value;

static ENGINE_LOCK: Mutex<()> = Mutex::new(());

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/verify")
        .join(name)
}

fn dflint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(args)
        .output()
        .expect("run dflint")
}

/// `dflint verify --format json <args>`: (exit status, report, stderr).
fn verify_json(args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["verify", "--format", "json", "--timeout", "120"];
    all.extend_from_slice(args);
    let out = dflint(&all);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}\nstderr:\n{stderr}"));
    (out.status.code().unwrap_or(-1), report, stderr)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Every image on the engine, intermediate ones included.
fn all_images() -> std::collections::BTreeSet<String> {
    runtime().block_on(async {
        let engine = Engine::connect().await.unwrap();
        engine.all_image_ids().await.unwrap().into_iter().collect()
    })
}

/// Takes the engine for one test and remembers its images, so the test can check that
/// nothing was left behind, labelled or not.
struct Exclusive {
    _lock: std::sync::MutexGuard<'static, ()>,
    images: std::collections::BTreeSet<String>,
}

fn exclusive() -> Exclusive {
    let lock = ENGINE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    Exclusive {
        _lock: lock,
        images: all_images(),
    }
}

impl Exclusive {
    /// No image that was not there before the test (an intermediate one of a build, say).
    fn assert_no_new_images(&self) {
        let now = all_images();
        let new: Vec<_> = now.difference(&self.images).collect();
        assert!(new.is_empty(), "images left behind: {new:?}");
    }
}

/// Nothing carrying dflint's label is left on the engine.
fn assert_nothing_left() {
    runtime().block_on(async {
        let engine = Engine::connect().await.unwrap();
        let left = engine.labelled(None).await.unwrap();
        assert!(left.is_empty(), "dflint-labelled objects left: {left:?}");
        // The user's (here: the test engine's) base images are untouched.
        engine.inspect_config("busybox:1.36").await.unwrap();
        engine.inspect_config("busybox:latest").await.unwrap();
    });
}

fn results(report: &Value) -> &Vec<Value> {
    report["results"].as_array().expect("results")
}

fn result_at<'a>(report: &'a Value, code: &str, line: u64) -> Option<&'a Value> {
    results(report)
        .iter()
        .find(|r| r["code"] == code && r["line"] == line)
}

/// The exit status `verify` must give when a diagnostic of `rule` is confirmed.
fn exit_when_confirmed(rule: &str) -> i32 {
    let meta = dflint_rules::registry::lookup(rule)
        .unwrap_or_else(|| panic!("rule {rule} is not registered"));
    i32::from(meta.severity == Severity::Error)
}

fn code_of(rule: &str) -> &'static str {
    dflint_rules::registry::lookup(rule)
        .unwrap_or_else(|| panic!("rule {rule} is not registered"))
        .code
}

#[test]
fn a_missing_file_is_confirmed_and_a_present_one_not_reported() {
    if !have_engine() {
        return;
    }
    let engine_use = exclusive();
    let dockerfile = fixture("missing/Dockerfile");
    let (status, report, stderr) =
        verify_json(&[dockerfile.to_str().unwrap(), "--select", "missing-context"]);
    let code = code_of("missing-context");
    let r = result_at(&report, code, 3)
        .unwrap_or_else(|| panic!("no {code} result on line 3: {report:#}\n{stderr}"));
    assert_eq!(r["status"], "confirmed", "{report:#}");
    assert_eq!(r["name"], "missing-context");
    let evidence = r["evidence"].as_str().unwrap();
    assert!(evidence.contains("missing.txt"), "{evidence}");
    assert!(evidence.contains("line 3"), "{evidence}");
    // present.txt (line 2) is not reported at all.
    assert!(result_at(&report, code, 2).is_none(), "{report:#}");
    assert_eq!(results(&report).len(), 1, "{report:#}");
    // The baseline build ran and failed.
    let builds = report["builds"].as_array().unwrap();
    assert_eq!(builds[0]["what"], "original");
    assert_eq!(builds[0]["ok"], false);
    assert_eq!(report["file"], dockerfile.to_str().unwrap());
    assert_eq!(status, exit_when_confirmed("missing-context"), "{stderr}");
    assert_nothing_left();
    engine_use.assert_no_new_images();
}

#[test]
fn a_file_excluded_by_dockerignore_is_confirmed() {
    if !have_engine() {
        return;
    }
    let engine_use = exclusive();
    let dockerfile = fixture("ignored/Dockerfile");
    assert!(fixture("ignored/secret.env").is_file());
    let (status, report, stderr) =
        verify_json(&[dockerfile.to_str().unwrap(), "--select", "missing-context"]);
    let code = code_of("missing-context");
    let r = result_at(&report, code, 3)
        .unwrap_or_else(|| panic!("no {code} result on line 3: {report:#}\n{stderr}"));
    assert_eq!(r["status"], "confirmed", "{report:#}");
    let evidence = r["evidence"].as_str().unwrap();
    assert!(evidence.contains("secret.env"), "{evidence}");
    assert!(evidence.contains(".dockerignore"), "{evidence}");
    assert!(result_at(&report, code, 2).is_none(), "{report:#}");
    assert_eq!(status, exit_when_confirmed("missing-context"), "{stderr}");
    assert_nothing_left();
    engine_use.assert_no_new_images();
}

#[test]
fn a_dockerfile_whose_files_are_all_there_builds_and_reports_nothing() {
    if !have_engine() {
        return;
    }
    let engine_use = exclusive();
    let (status, report, stderr) = verify_json(&[
        fixture("present/Dockerfile").to_str().unwrap(),
        "--select",
        "missing-context",
    ]);
    assert_eq!(status, 0, "{stderr}");
    assert!(results(&report).is_empty(), "{report:#}");
    let builds = report["builds"].as_array().unwrap();
    assert_eq!(builds.len(), 1, "{report:#}");
    assert_eq!(builds[0]["ok"], true, "{report:#}");
    assert!(builds[0]["image_size"].as_i64().unwrap() > 0, "{report:#}");
    assert_nothing_left();
    engine_use.assert_no_new_images();
}

#[test]
fn a_dockerfile_not_starting_with_from_is_rejected_by_the_engine() {
    if !have_engine() {
        return;
    }
    let engine_use = exclusive();
    let (status, report, stderr) = verify_json(&[
        fixture("from-first/Dockerfile").to_str().unwrap(),
        "--select",
        "from-first",
    ]);
    let code = code_of("from-first");
    let r = results(&report)
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no {code} result: {report:#}\n{stderr}"));
    assert_eq!(r["status"], "confirmed", "{report:#}");
    assert!(
        r["evidence"].as_str().unwrap().contains("rejected"),
        "{report:#}"
    );
    assert_eq!(status, exit_when_confirmed("from-first"), "{stderr}");
    assert_nothing_left();
    engine_use.assert_no_new_images();
}

#[test]
fn the_cache_busting_fix_makes_fewer_steps_run_again_after_a_source_edit() {
    if !have_engine() {
        return;
    }
    let engine_use = exclusive();
    let dir = fixture("node-app");
    let before = std::fs::read(dir.join("src/index.js")).unwrap();
    let (status, report, stderr) = verify_json(&[
        dir.join("Dockerfile").to_str().unwrap(),
        "--select",
        "cache-busting-order",
    ]);
    let code = code_of("cache-busting-order");
    let r = results(&report)
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no {code} result: {report:#}\n{stderr}"));
    assert_eq!(r["status"], "confirmed", "{report:#}");
    let cache = report["cache"].as_array().unwrap();
    assert_eq!(cache.len(), 1, "{report:#}");
    let c = &cache[0];
    assert_eq!(c["line"], r["line"]);
    let (steps, before_fix, after_fix) = (
        c["steps"].as_u64().unwrap(),
        c["rebuilt_before"].as_u64().unwrap(),
        c["rebuilt_after"].as_u64().unwrap(),
    );
    assert!(before_fix > 0 && before_fix <= steps, "{report:#}");
    assert!(after_fix < before_fix, "{report:#}");
    let evidence = r["evidence"].as_str().unwrap();
    // npm ci ran again before the fix, and the fix kept the image configuration.
    assert!(evidence.contains("RUN npm ci"), "{evidence}");
    assert!(
        evidence.contains("keeps the image configuration"),
        "{evidence}"
    );
    // original, fixed, and each rebuilt after the edit: all built.
    let builds = report["builds"].as_array().unwrap();
    assert_eq!(builds.len(), 4, "{report:#}");
    assert!(builds.iter().all(|b| b["ok"] == true), "{report:#}");
    // The user's files were not touched.
    assert_eq!(std::fs::read(dir.join("src/index.js")).unwrap(), before);
    assert_eq!(
        status,
        exit_when_confirmed("cache-busting-order"),
        "{stderr}"
    );
    assert_nothing_left();

    // The human table shows the same figures.
    let out = dflint(&[
        "verify",
        dir.join("Dockerfile").to_str().unwrap(),
        "--select",
        "cache-busting-order",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("confirmed"), "{text}");
    assert!(text.contains("BEFORE FIX"), "{text}");
    assert!(text.contains("src/index.js"), "{text}");
    assert_nothing_left();
    engine_use.assert_no_new_images();
}

/// A diagnostic of a rule no build can check, with the given fix (byte offsets into `text`).
fn diagnostic_with_fix(text: &str, from: &str, to: &str) -> Diagnostic {
    let start = text.find(from).unwrap();
    let range = TextRange::new(
        TextSize::from(start as u32),
        TextSize::from((start + from.len()) as u32),
    );
    Diagnostic {
        code: "DF999",
        name: "test-only",
        severity: Severity::Warning,
        message: "test".into(),
        range,
        related: vec![],
        notes: vec![],
        fix: Some(Fix {
            message: format!("replace `{from}` with `{to}`"),
            applicability: Applicability::Unsafe,
            edits: vec![Edit::replace(range, to)],
        }),
    }
}

#[test]
fn a_fix_that_changes_the_image_configuration_is_refuted() {
    if !have_engine() {
        return;
    }
    let engine_use = exclusive();
    let dockerfile = fixture("present/Dockerfile");
    let text = std::fs::read_to_string(&dockerfile).unwrap();
    let mut opts = VerifyOptions::new(&dockerfile);
    opts.timeout = Duration::from_secs(120);
    let diagnostics = [
        // Changes WorkingDir (and so what CMD reads): must be refuted.
        diagnostic_with_fix(&text, "WORKDIR /srv", "WORKDIR /opt"),
        // Same image configuration: not refuted.
        diagnostic_with_fix(&text, "COPY present.txt ./", "COPY present.txt /srv/"),
        // Does not build: refuted.
        diagnostic_with_fix(&text, "COPY present.txt ./", "COPY absent.txt ./"),
    ];
    let report = runtime().block_on(async {
        let engine = Engine::connect().await.unwrap();
        verify::verify(&engine, &opts, &text, &diagnostics)
            .await
            .unwrap()
    });
    let [changed, kept, broken] = &report.results[..] else {
        panic!("{report:#?}")
    };
    assert_eq!(changed.status, Status::Refuted, "{report:#?}");
    assert!(
        changed.evidence.contains("WorkingDir \"/srv\" -> \"/opt\""),
        "{}",
        changed.evidence
    );
    assert_eq!(kept.status, Status::NotVerifiable, "{report:#?}");
    assert!(
        kept.evidence.contains("keeps the image configuration"),
        "{}",
        kept.evidence
    );
    assert_eq!(broken.status, Status::Refuted, "{report:#?}");
    assert!(
        broken.evidence.contains("absent.txt"),
        "{}",
        broken.evidence
    );
    // original + three fixed builds, the last one failed.
    let ok: Vec<bool> = report.builds.iter().map(|b| b.ok).collect();
    assert_eq!(ok, [true, true, true, false], "{report:#?}");
    assert_eq!(report.exit_status(), 0);
    assert_nothing_left();
    engine_use.assert_no_new_images();
}

#[test]
fn keep_leaves_the_images_for_inspection() {
    if !have_engine() {
        return;
    }
    let engine_use = exclusive();
    let (status, _report, stderr) =
        verify_json(&[fixture("present/Dockerfile").to_str().unwrap(), "--keep"]);
    assert!(status == 0 || status == 1, "{stderr}");
    runtime().block_on(async {
        let engine = Engine::connect().await.unwrap();
        let left = engine.labelled(None).await.unwrap();
        assert!(!left.images.is_empty(), "--keep kept nothing");
        // Remove them the way a user would: by dflint's label, letting the engine prune the
        // untagged parents (the run's intermediate images) with each.
        for id in &left.images {
            engine.remove_image(id, true).await.unwrap();
        }
        assert!(left.containers.is_empty(), "{left:?}");
    });
    assert_nothing_left();
    engine_use.assert_no_new_images();
}

#[test]
fn ctrl_c_cleans_up() {
    if !have_engine() {
        return;
    }
    let engine_use = exclusive();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM busybox:1.36\nRUN echo first > /f\nRUN sleep 60\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(["verify", "--format", "json"])
        .arg(dir.path().join("Dockerfile"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the baseline build to start, then give it time to reach `RUN sleep 60`.
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut all = String::new();
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if line.contains("building original") {
                let _ = tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the baseline build never started");
    std::thread::sleep(Duration::from_secs(4));
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let started = std::time::Instant::now();
    let status = child.wait().unwrap();
    let stderr = reader.join().unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    // It stopped the build instead of waiting for `sleep 60`.
    assert!(started.elapsed() < Duration::from_secs(40), "{stderr}");
    assert_nothing_left();
    engine_use.assert_no_new_images();
}

#[test]
fn no_engine_is_a_clear_error_with_exit_status_2() {
    // Always runs: needs no engine.
    let out = Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(["verify"])
        .arg(fixture("present/Dockerfile"))
        .env("DOCKER_HOST", "unix:///nonexistent")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no Docker engine at unix:///nonexistent; start one or set DOCKER_HOST"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn usage_errors_exit_2() {
    let out = dflint(&["verify", "/nonexistent/Dockerfile"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/Dockerfile"));
    let out = dflint(&[
        "verify",
        fixture("present/Dockerfile").to_str().unwrap(),
        "--select",
        "no-such-rule",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-rule"));
    let out = dflint(&["verify", "--network", "host"]);
    assert_eq!(out.status.code(), Some(2));
}
