//! End-to-end tests through a real Docker engine.
//!
//! Start the private test engine first:
//!
//! ```sh
//! eval "$(scripts/engine-start.sh)"   # sets DOCKER_HOST
//! cargo test -p dflint-engine
//! scripts/engine-stop.sh
//! ```
//!
//! Without `DOCKER_HOST` these tests fail under `CI=true` (a missing engine is a failure in
//! CI, never a skip) and print a loud skip notice otherwise. With `DOCKER_HOST` set, an
//! engine that does not answer is always a failure.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use dflint_engine::{
    context_tar, new_run_id, BuildOptions, BuildOutcome, ContextTar, Engine, EngineError,
    StepStatus,
};

async fn engine() -> Option<Engine> {
    let host = std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty());
    if host.is_none() {
        let msg = "DOCKER_HOST is not set: the dflint-engine tests need a Docker engine; \
                   start one with `eval \"$(scripts/engine-start.sh)\"`";
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("{msg} (CI=true: a missing engine is a failure)");
        }
        // Straight to stderr, past libtest's output capture, so the skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "\n!!!!!!!! SKIPPED (no engine) !!!!!!!! {msg}\n"
        );
        return None;
    }
    match Engine::connect().await {
        Ok(e) => Some(e),
        Err(e) => panic!("DOCKER_HOST is set but the engine does not answer: {e}"),
    }
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, content) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, content).unwrap();
    }
}

fn context(dir: &Path) -> ContextTar {
    context_tar(dir, dir.join("Dockerfile")).unwrap()
}

fn options(run_id: &str) -> BuildOptions {
    let mut o = BuildOptions::new(run_id);
    o.timeout = Duration::from_secs(120);
    o
}

/// Writes `files` into a fresh folder and builds its `Dockerfile` for `run_id`.
async fn build_files(
    engine: &Engine,
    run_id: &str,
    files: &[(&str, &str)],
) -> (tempfile::TempDir, BuildOutcome) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    let out = engine
        .build(context(dir.path()), "Dockerfile", &options(run_id))
        .await
        .unwrap();
    (dir, out)
}

fn statuses(outcome: &BuildOutcome) -> Vec<(String, StepStatus)> {
    outcome
        .steps
        .iter()
        .filter(|s| !s.injected)
        .map(|s| (s.keyword(), s.status))
        .collect()
}

/// Cleans up a run even when an assertion fails half-way.
struct Run {
    engine: Engine,
    id: String,
    guard: Option<dflint_engine::CleanupGuard>,
}

impl Run {
    fn new(engine: &Engine) -> Run {
        let id = new_run_id();
        Run {
            guard: Some(engine.cleanup_guard(id.clone())),
            engine: engine.clone(),
            id,
        }
    }

    async fn finish(mut self) -> dflint_engine::CleanupReport {
        let report = self.guard.take().unwrap().cleanup().await.unwrap();
        let left = self.engine.labelled(Some(&self.id)).await.unwrap();
        assert!(left.is_empty(), "left behind: {left:?}");
        report
    }
}

#[tokio::test]
async fn connect_and_build_a_trivial_image() {
    let Some(engine) = engine().await else { return };
    assert!(!engine.api_version().is_empty());
    let run = Run::new(&engine);
    let (_dir, out) = build_files(
        &engine,
        &run.id,
        &[(
            "Dockerfile",
            "FROM busybox:1.36\nRUN echo hi > /x\nCMD [\"cat\",\"/x\"]\n",
        )],
    )
    .await;
    assert!(out.ok, "build failed: {:?}\n{}", out.error, out.log);
    let id = out.image_id.clone().unwrap();
    assert!(id.starts_with("sha256:"), "{id}");
    assert!(out.image_size.unwrap() > 100_000, "{:?}", out.image_size);
    let steps = statuses(&out);
    assert_eq!(steps.len(), 3, "{:?}", out.steps);
    assert_eq!(steps[0], ("FROM".into(), StepStatus::Base));
    // The injected label step is there, and last.
    assert!(out.steps.last().unwrap().injected, "{:?}", out.steps);

    let config = engine.inspect_config(&id).await.unwrap();
    assert_eq!(config.cmd, Some(vec!["cat".into(), "/x".into()]));
    assert_eq!(config.entrypoint, None);
    assert!(config.labels.is_empty(), "dflint's label is hidden");
    assert!(config.env.iter().any(|e| e.starts_with("PATH=")));

    // The image carries the run's label.
    let labelled = engine.labelled(Some(&run.id)).await.unwrap();
    assert!(labelled.images.contains(&id), "{labelled:?}");

    let report = run.finish().await;
    assert!(report.images.contains(&id), "{report:?}");
    // The base image is the user's: untouched.
    engine.inspect_config("busybox:1.36").await.unwrap();
}

#[tokio::test]
async fn builds_run_without_network_by_default() {
    let Some(engine) = engine().await else { return };
    let run = Run::new(&engine);
    let (_dir, out) = build_files(&engine, &run.id, &[(
            "Dockerfile",
            "FROM busybox:1.36\nRUN ls /sys/class/net > /ifaces && cat /ifaces && test \"$(cat /ifaces)\" = lo\n",
        )]).await;
    assert!(
        out.ok,
        "only the loopback interface expected: {:?}\n{}",
        out.error, out.log
    );
    run.finish().await;
}

#[tokio::test]
async fn a_missing_copy_source_fails_and_is_named() {
    let Some(engine) = engine().await else { return };
    let run = Run::new(&engine);
    let (_dir, out) = build_files(&engine, &run.id, &[
            (
                "Dockerfile",
                "FROM busybox:1.36\nRUN echo before > /b\nCOPY present.txt /\nCOPY missing.txt /\nRUN echo never\n",
            ),
            ("present.txt", "here\n"),
        ]).await;
    assert!(!out.ok);
    assert!(!out.timed_out);
    let error = out.error.clone().unwrap();
    assert!(error.contains("missing.txt"), "{error}");
    assert!(out.image_id.is_none());
    let steps = statuses(&out);
    assert_eq!(
        steps,
        [
            ("FROM".into(), StepStatus::Base),
            ("RUN".into(), StepStatus::Ran),
            ("COPY".into(), StepStatus::Ran),
            ("COPY".into(), StepStatus::Failed),
        ]
    );
    // The images of the steps that ran are dangling now; cleanup removes them.
    let dangling: Vec<String> = out
        .steps
        .iter()
        .filter_map(|s| s.image_id.clone())
        .skip(1)
        .collect();
    assert_eq!(dangling.len(), 2);
    run.finish().await;
    for id in dangling {
        assert!(
            engine.docker().inspect_image(&id).await.is_err(),
            "intermediate image {id} survived cleanup"
        );
    }
}

#[tokio::test]
async fn a_file_excluded_by_dockerignore_is_not_sent() {
    let Some(engine) = engine().await else { return };
    let run = Run::new(&engine);
    let (_dir, out) = build_files(
        &engine,
        &run.id,
        &[
            ("Dockerfile", "FROM busybox:1.36\nCOPY secret.env /\n"),
            ("secret.env", "TOKEN=1\n"),
            (".dockerignore", "*.env\n"),
        ],
    )
    .await;
    assert!(!out.ok, "{}", out.log);
    assert!(out.error.unwrap().contains("secret.env"));
    run.finish().await;
}

#[tokio::test]
async fn a_rebuild_reports_cached_steps_and_what_ran_again() {
    let Some(engine) = engine().await else { return };
    let run = Run::new(&engine);
    let (dir, first) = build_files(&engine, &run.id, &[
            (
                "Dockerfile",
                "FROM busybox:1.36\nRUN echo deps > /deps\nCOPY app.txt /app/\nRUN cat /app/app.txt > /out\nCMD [\"cat\",\"/out\"]\n",
            ),
            ("app.txt", "v1\n"),
        ]).await;
    assert!(first.ok, "{:?}\n{}", first.error, first.log);
    assert_eq!(first.counts().ran, 4, "{:?}", first.steps);

    // Same context: everything from the cache, same image.
    let again = engine
        .build(context(dir.path()), "Dockerfile", &options(&run.id))
        .await
        .unwrap();
    assert!(again.ok);
    let c = again.counts();
    assert_eq!((c.base, c.cached, c.ran), (1, 4, 0), "{:?}", again.steps);
    assert_eq!(again.image_id, first.image_id);

    // One byte of the app source changed: the COPY and everything after it run again.
    let edited = engine
        .build(
            context(dir.path()).with_file("app.txt", "v2\n"),
            "Dockerfile",
            &options(&run.id),
        )
        .await
        .unwrap();
    assert!(edited.ok);
    assert_eq!(
        statuses(&edited),
        [
            ("FROM".into(), StepStatus::Base),
            ("RUN".into(), StepStatus::Cached),
            ("COPY".into(), StepStatus::Ran),
            ("RUN".into(), StepStatus::Ran),
            ("CMD".into(), StepStatus::Ran),
        ]
    );
    assert_ne!(edited.image_id, first.image_id);
    // The source on disk was not touched.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("app.txt")).unwrap(),
        "v1\n"
    );
    run.finish().await;
}

#[tokio::test]
async fn a_build_that_runs_too_long_is_abandoned_and_cleaned_up() {
    let Some(engine) = engine().await else { return };
    let run = Run::new(&engine);
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "Dockerfile",
            "FROM busybox:1.36\nRUN echo start && sleep 60\n",
        )],
    );
    let mut opts = options(&run.id);
    opts.timeout = Duration::from_secs(3);
    let started = std::time::Instant::now();
    let out = engine
        .build(context(dir.path()), "Dockerfile", &opts)
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(out.timed_out && !out.ok, "{out:?}");
    assert!(out.error.unwrap().contains("did not finish within 3s"));
    let step = out.steps.last().unwrap();
    assert_eq!(step.status, StepStatus::Incomplete);
    let container = step.container_id.clone().expect("RUN had a container");
    run.finish().await;
    // The abandoned step's container is gone (removed by the builder or by cleanup).
    let mut gone = false;
    for _ in 0..40 {
        if engine
            .docker()
            .inspect_container(&container, None)
            .await
            .is_err()
        {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        gone,
        "container {container} of the abandoned build is still there"
    );
}

#[tokio::test]
async fn the_engine_rejects_a_bad_dockerfile_as_an_outcome() {
    let Some(engine) = engine().await else { return };
    let run = Run::new(&engine);
    let (_dir, out) = build_files(&engine, &run.id, &[("Dockerfile", "RUN echo no base\n")]).await;
    assert!(!out.ok);
    let error = out.error.unwrap();
    // The classic builder's words for a Dockerfile that does not start with FROM.
    assert!(error.contains("no build stage"), "{error}");
    run.finish().await;
}

#[tokio::test]
async fn cleanup_removes_only_our_objects() {
    let Some(engine) = engine().await else { return };
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("Dockerfile", "FROM busybox:1.36\nRUN echo mine > /m\n")],
    );
    // Someone else's run (another id) and a tagged image: both must survive our cleanup.
    let other = new_run_id() + "-other";
    let _other_guard = engine.cleanup_guard(other.clone());
    let mut other_opts = options(&other);
    other_opts.tag = Some("dflint-test-user:kept".into());
    let theirs = engine
        .build(
            context(dir.path())
                .with_file("Dockerfile", "FROM busybox:1.36\nRUN echo theirs > /t\n"),
            "Dockerfile",
            &other_opts,
        )
        .await
        .unwrap();
    assert!(theirs.ok, "{}", theirs.log);

    // Someone's failed build leaves a dangling intermediate image; our build reuses it from
    // the cache. Our cleanup must not delete it: it is not ours.
    let failed = engine
        .build(
            context(dir.path()).with_file(
                "Dockerfile",
                "FROM busybox:1.36\nRUN echo shared > /s\nCOPY nope /\n",
            ),
            "Dockerfile",
            &other_opts,
        )
        .await
        .unwrap();
    assert!(!failed.ok);
    let shared = failed.steps[1].image_id.clone().unwrap();

    let run = Run::new(&engine);
    let ours = engine
        .build(
            context(dir.path()).with_file(
                "Dockerfile",
                "FROM busybox:1.36\nRUN echo shared > /s\nRUN echo mine > /m\n",
            ),
            "Dockerfile",
            &options(&run.id),
        )
        .await
        .unwrap();
    assert!(ours.ok);
    assert_eq!(ours.steps[1].status, StepStatus::Cached, "{:?}", ours.steps);
    assert_eq!(ours.steps[1].image_id.as_deref(), Some(shared.as_str()));
    let mine = ours.steps[2].image_id.clone().unwrap();
    let report = run.finish().await;
    assert!(!report.images.is_empty());
    assert!(
        engine.docker().inspect_image(&shared).await.is_ok(),
        "a reused cache image was removed"
    );
    assert!(engine.docker().inspect_image(&mine).await.is_err());

    engine
        .inspect_config("dflint-test-user:kept")
        .await
        .unwrap();
    engine.inspect_config("busybox:1.36").await.unwrap();
    engine.inspect_config("busybox:latest").await.unwrap();

    // And that run's own cleanup removes its tag and its intermediate too.
    engine.cleanup(&other).await.unwrap();
    assert!(engine.docker().inspect_image(&shared).await.is_err());
    assert!(engine
        .inspect_config("dflint-test-user:kept")
        .await
        .is_err());
    assert!(engine.labelled(Some(&other)).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_drop_guard_cleans_up() {
    let Some(engine) = engine().await else { return };
    let id = new_run_id();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("Dockerfile", "FROM busybox:1.36\nRUN echo dropped > /d\n")],
    );
    {
        let _guard = engine.cleanup_guard(id.clone());
        let out = engine
            .build(context(dir.path()), "Dockerfile", &options(&id))
            .await
            .unwrap();
        assert!(out.ok);
        assert!(!engine.labelled(Some(&id)).await.unwrap().is_empty());
    }
    assert!(engine.labelled(Some(&id)).await.unwrap().is_empty());
}

#[tokio::test]
async fn no_engine_at_the_socket_is_a_clear_error() {
    // Always runs: needs no engine.
    let dir = tempfile::tempdir().unwrap();

    let missing = format!("unix://{}/docker.sock", dir.path().display());
    let err = Engine::connect_to(&missing).await.unwrap_err();
    assert!(matches!(err, EngineError::NoEngine { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "no Docker engine at {missing}; start one or set DOCKER_HOST"
        )),
        "{err}"
    );
    assert_eq!(err.exit_status(), 2);

    // A socket that accepts and hangs up: not an engine either.
    let path = dir.path().join("mute.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            drop(stream);
        }
    });
    let mute = format!("unix://{}", path.display());
    let err = Engine::connect_to(&mute).await.unwrap_err();
    assert!(err.is_no_engine(), "{err:?}");
    assert!(err.to_string().contains(&mute), "{err}");
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/engine")
        .join(name)
}

/// Builds `dockerfile` of the node-app fixture, then again with one byte of a source file
/// changed; returns both outcomes.
async fn edit_and_rebuild(
    engine: &Engine,
    run_id: &str,
    dockerfile: &str,
) -> (BuildOutcome, BuildOutcome) {
    let dir = fixture("node-app");
    let ctx = || context_tar(&dir, dir.join(dockerfile)).unwrap();
    let first = engine
        .build(ctx(), dockerfile, &options(run_id))
        .await
        .unwrap();
    assert!(first.ok, "{dockerfile}: {:?}\n{}", first.error, first.log);
    let source = std::fs::read_to_string(dir.join("src/index.js")).unwrap();
    let edited = source.replacen("hello", "hellO", 1);
    assert_ne!(source, edited);
    let second = engine
        .build(
            ctx().with_file("src/index.js", edited),
            dockerfile,
            &options(run_id),
        )
        .await
        .unwrap();
    assert!(
        second.ok,
        "{dockerfile}: {:?}\n{}",
        second.error, second.log
    );
    (first, second)
}

fn npm_step(outcome: &BuildOutcome) -> StepStatus {
    outcome
        .steps
        .iter()
        .find(|s| s.instruction == "RUN npm ci")
        .map(|s| s.status)
        .expect("a RUN npm ci step")
}

#[tokio::test]
async fn a_source_edit_reruns_npm_ci_only_before_the_fix() {
    let Some(engine) = engine().await else { return };
    let run = Run::new(&engine);

    let (first, before) = edit_and_rebuild(&engine, &run.id, "Dockerfile").await;
    assert!(first.log.contains("stand-in packages"), "{}", first.log);
    assert_eq!(npm_step(&before), StepStatus::Ran, "{:?}", before.steps);

    let (fixed_first, after) = edit_and_rebuild(&engine, &run.id, "Dockerfile.fixed").await;
    assert_eq!(npm_step(&after), StepStatus::Cached, "{:?}", after.steps);
    // Before: COPY . ., RUN npm ci and CMD run again; after: only COPY . . and CMD.
    assert_eq!((before.counts().cached, before.counts().ran), (1, 3));
    assert_eq!((after.counts().cached, after.counts().ran), (3, 2));

    // The fix keeps the image configuration.
    let original = engine
        .inspect_config(first.image_id.as_deref().unwrap())
        .await
        .unwrap();
    let fixed = engine
        .inspect_config(fixed_first.image_id.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(original, fixed);
    assert_eq!(original.working_dir, "/app");
    run.finish().await;
}
