//! What the tests that need a Docker engine share.

use std::io::Write;

/// True when `DOCKER_HOST` names an engine. Without one, under `CI=true` the test fails (the
/// engine tests must run in CI); elsewhere it says loudly that it is skipping.
pub fn have_engine() -> bool {
    if std::env::var("DOCKER_HOST").is_ok_and(|h| !h.is_empty()) {
        return true;
    }
    let msg = "DOCKER_HOST is not set: the verify tests need a Docker engine; \
               start one with `eval \"$(scripts/engine-start.sh)\"`";
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{msg} (CI=true: a missing engine is a failure)");
    }
    let _ = writeln!(
        std::io::stderr(),
        "\n!!!!!!!! SKIPPED (no engine) !!!!!!!! {msg}\n"
    );
    false
}
