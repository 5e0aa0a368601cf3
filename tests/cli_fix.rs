//! End-to-end tests of `dflint check --fix` and `--diff`.

mod cli_common;

use cli_common::*;

/// Two safe fixes (from-as-casing: `as` → `AS`; maintainer-deprecated: MAINTAINER → LABEL).
const FIXABLE: &str = "FROM alpine:3.20 as build\nMAINTAINER someone@example.com\nRUN echo hi\n";
const SELECT: &str = "--select=syntax-error,from-as-casing,maintainer-deprecated";

#[test]
fn fix_writes_a_file_that_reparses_and_is_stable() {
    let d = tempdir();
    let path = write(d.path(), "Dockerfile", FIXABLE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let before = run(d.path(), &["check", SELECT, "--format=json", "Dockerfile"]);
    assert_eq!(json_codes(&before.stdout).len(), 2, "{before:?}");

    let out = run(d.path(), &["check", SELECT, "--fix", "Dockerfile"]);
    assert_eq!(out.code, 0, "everything was fixable: {out:?}");
    assert!(out.stderr.contains("Fixed 2 problems in 1 file"), "{out:?}");
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_ne!(fixed, FIXABLE);
    assert!(fixed.starts_with("FROM alpine:3.20 AS build\n"), "{fixed}");
    assert!(!fixed.contains("MAINTAINER"), "{fixed}");
    assert!(
        fixed.contains("RUN echo hi\n"),
        "untouched lines stay: {fixed}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "permissions kept");
    }
    // The fixed file parses and has nothing left to report, and a second --fix changes nothing.
    let out = run(
        d.path(),
        &["check", "--select=all", "--format=json", "Dockerfile"],
    );
    assert!(
        !json_codes(&out.stdout).iter().any(|c| c == "DF001"),
        "fixed file parses: {out:?}"
    );
    let out = run(d.path(), &["check", SELECT, "--format=json", "Dockerfile"]);
    assert_eq!(json_codes(&out.stdout), Vec::<String>::new(), "{out:?}");
    let out = run(d.path(), &["check", SELECT, "--fix", "Dockerfile"]);
    assert_eq!(out.code, 0);
    assert!(!out.stderr.contains("Fixed"), "{out:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed);
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["Dockerfile"]);
}

#[test]
fn fix_leaves_a_file_that_does_not_parse_untouched() {
    let d = tempdir();
    let text = "FROM alpine:3.20 as build\nCOPY --form=build /a /b\n";
    let path = write(d.path(), "Dockerfile", text);
    let out = run(d.path(), &["check", SELECT, "--fix", "Dockerfile"]);
    assert_eq!(out.code, 1, "the syntax error remains: {out:?}");
    assert!(out.stdout.contains("DF001"), "{out:?}");
    assert!(out.stderr.contains("not fixed"), "{out:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // --diff agrees: nothing would change.
    let out = run(d.path(), &["check", SELECT, "--diff", "Dockerfile"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{out:?}");
}

#[test]
fn fix_leaves_unsafe_fixes_and_unfixable_problems() {
    let d = tempdir();
    let text = "RUN echo first\nFROM alpine:3.20 as build\n";
    let path = write(d.path(), "Dockerfile", text);
    let out = run(
        d.path(),
        &[
            "check",
            "--select=from-first,from-as-casing",
            "--fix",
            "--format=json",
            "Dockerfile",
        ],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        json_codes(&out.stdout),
        ["DF002"],
        "only the unfixable remains"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "RUN echo first\nFROM alpine:3.20 AS build\n"
    );
}

#[test]
fn diff_shows_what_fix_would_do_and_writes_nothing() {
    let d = tempdir();
    let path = write(d.path(), "web/Dockerfile", FIXABLE);
    let out = run(d.path(), &["check", SELECT, "--diff", "web"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .starts_with("--- a/web/Dockerfile\n+++ b/web/Dockerfile\n@@ -1,3 +1,3 @@\n"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("\n-FROM alpine:3.20 as build\n"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("\n+FROM alpine:3.20 AS build\n"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("\n-MAINTAINER someone@example.com\n"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("\n RUN echo hi\n"),
        "context line: {out:?}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FIXABLE);

    // The diff applied by hand is what --fix writes.
    let fixed = run(d.path(), &["check", SELECT, "--fix", "web"]);
    assert_eq!(fixed.code, 0, "{fixed:?}");
    let after = std::fs::read_to_string(&path).unwrap();
    let mut expect = String::new();
    for l in out.stdout.lines().skip(3) {
        if let Some(rest) = l.strip_prefix('+').or_else(|| l.strip_prefix(' ')) {
            expect.push_str(rest);
            expect.push('\n');
        }
    }
    assert_eq!(after, expect);
    let out = run(d.path(), &["check", SELECT, "--diff", "web"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{out:?}");
}

#[test]
fn fix_on_stdin_prints_the_fixed_text() {
    let d = tempdir();
    let out = run_with_stdin(
        d.path(),
        &["check", SELECT, "--fix", "-"],
        FIXABLE.as_bytes(),
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.starts_with("FROM alpine:3.20 AS build\n"),
        "{out:?}"
    );
    assert!(!out.stdout.contains("MAINTAINER"), "{out:?}");
    assert!(
        out.stderr.contains("No problems found"),
        "report on stderr: {out:?}"
    );
    // Nothing to fix: the text comes back unchanged.
    let out = run_with_stdin(d.path(), &["check", SELECT, "--fix", "-"], CLEAN.as_bytes());
    assert_eq!(out.stdout, CLEAN);
}

#[test]
fn unsafe_fixes_only_with_unsafe_fixes() {
    let d = tempdir();
    let rules = run(d.path(), &["rules", "--format=json"]);
    let v: serde_json::Value = serde_json::from_str(&rules.stdout).unwrap();
    let unsafe_rules: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["fixable"] == "unsafe")
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        unsafe_rules.iter().any(|n| n == "cache-busting-order"),
        "{unsafe_rules:?}"
    );
    let text = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n";
    let path = write(d.path(), "Dockerfile", text);
    write(d.path(), "package.json", "{}");
    write(d.path(), "package-lock.json", "{}");
    let sel = "--select=cache-busting-order";
    let out = run(d.path(), &["check", sel, "Dockerfile"]);
    assert!(
        out.stdout.contains("--unsafe-fixes"),
        "shown as available: {out:?}"
    );
    let out = run(d.path(), &["check", sel, "--fix", "Dockerfile"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "{out:?}");
    let out = run(
        d.path(),
        &["check", sel, "--fix", "--unsafe-fixes", "Dockerfile"],
    );
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_ne!(fixed, text, "{out:?}");
    let copy_all = fixed.find("COPY . .").unwrap();
    let install = fixed.find("RUN npm ci").unwrap();
    assert!(install < copy_all, "{fixed}");
}
