//! End-to-end tests of `dflint check`: exit codes, output formats, configuration, suppressions,
//! stdin, unreadable inputs, folder discovery and a large file.

mod cli_common;

use cli_common::*;
use serde_json::Value;

#[test]
fn exit_status_clean_error_and_threshold() {
    let d = tempdir();
    write(d.path(), "Dockerfile", CLEAN);
    let out = run(d.path(), &["check", FOUNDING, "Dockerfile"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("No problems found in 1 file"),
        "{out:?}"
    );

    write(d.path(), "Dockerfile", FROM_FIRST);
    let out = run(d.path(), &["check", FOUNDING, "Dockerfile"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("error[DF002 from-first]"), "{out:?}");
    assert!(out.stdout.contains("Dockerfile:1:1"), "{out:?}");

    // from-first turned into a warning by the configuration: the threshold decides.
    write(
        d.path(),
        "dflint.toml",
        "[severity]\nfrom-first = \"warning\"\n",
    );
    let out = run(d.path(), &["check", FOUNDING, "Dockerfile"]);
    assert_eq!(out.code, 1, "default threshold is info: {out:?}");
    assert!(out.stdout.contains("warning[DF002 from-first]"), "{out:?}");
    let out = run(
        d.path(),
        &[
            "check",
            FOUNDING,
            "--failure-threshold",
            "error",
            "Dockerfile",
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("DF002"), "still shown: {out:?}");

    // The configuration's threshold, and the command line's over it.
    write(
        d.path(),
        "dflint.toml",
        "failure-threshold = \"error\"\n[severity]\nfrom-first = \"warning\"\n",
    );
    assert_eq!(run(d.path(), &["check", FOUNDING, "Dockerfile"]).code, 0);
    let out = run(
        d.path(),
        &[
            "check",
            FOUNDING,
            "--failure-threshold=warning",
            "Dockerfile",
        ],
    );
    assert_eq!(out.code, 1, "{out:?}");

    // Style is below the default threshold (info), like hadolint's.
    write(
        d.path(),
        "dflint.toml",
        "[severity]\nfrom-first = \"style\"\n",
    );
    assert_eq!(run(d.path(), &["check", FOUNDING, "Dockerfile"]).code, 0);
    let out = run(
        d.path(),
        &[
            "check",
            FOUNDING,
            "--failure-threshold",
            "style",
            "Dockerfile",
        ],
    );
    assert_eq!(out.code, 1, "{out:?}");
}

#[test]
fn usage_errors_exit_2() {
    let d = tempdir();
    write(d.path(), "Dockerfile", CLEAN);
    for args in [
        &["check", "--format", "yaml", "Dockerfile"][..],
        &["check", "--failure-threshold", "loud", "Dockerfile"],
        &["check", "--select", "no-such-rule", "Dockerfile"],
        &["check", "--ignore", "DF999", "Dockerfile"],
        &["check", "--context", "no-such-folder", "Dockerfile"],
        &["check", "--statistics", "--format", "sarif", "Dockerfile"],
    ] {
        let out = run(d.path(), args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    let out = run(
        d.path(),
        &["check", "--select", "no-such-rule", "Dockerfile"],
    );
    assert!(out.stderr.contains("no-such-rule"), "{out:?}");
}

#[test]
fn select_ignore_and_extend_select() {
    let d = tempdir();
    write(d.path(), "Dockerfile", FROM_FIRST);
    let out = run(d.path(), &["check", "--select=DF001", "Dockerfile"]);
    assert_eq!(out.code, 0, "select replaces the set: {out:?}");
    let out = run(
        d.path(),
        &["check", FOUNDING, "--ignore", "DF002", "Dockerfile"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let out = run(
        d.path(),
        &[
            "check",
            "--select",
            "DF001",
            "--extend-select",
            "from-first",
            "--format=json",
            "Dockerfile",
        ],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(json_codes(&out.stdout), ["DF002"]);
}

fn json_of(out: &Out) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"))
}

#[test]
fn json_format() {
    let d = tempdir();
    write(d.path(), "Dockerfile", FROM_FIRST);
    let out = run(d.path(), &["check", FOUNDING, "--format", "json", "."]);
    assert_eq!(out.code, 1, "{out:?}");
    let v = json_of(&out);
    let diags = v.as_array().unwrap();
    assert_eq!(diags.len(), 1, "{out:?}");
    let d0 = &diags[0];
    assert_eq!(d0["file"], "Dockerfile");
    assert_eq!(d0["code"], "DF002");
    assert_eq!(d0["name"], "from-first");
    assert_eq!(d0["severity"], "error");
    assert!(d0["message"].as_str().unwrap().contains("RUN"), "{d0}");
    assert_eq!(d0["range"]["start"]["line"], 1);
    assert_eq!(d0["range"]["start"]["column"], 1);
    assert_eq!(d0["range"]["end"]["line"], 1);
    assert_eq!(
        d0["range"]["end"]["column"], 4,
        "the word RUN, end exclusive"
    );
    assert!(d0.get("fix").is_some());

    // Clean: an empty array, still valid JSON.
    write(d.path(), "Dockerfile", CLEAN);
    let out = run(d.path(), &["check", FOUNDING, "--format", "json", "."]);
    assert_eq!(out.code, 0);
    assert_eq!(json_of(&out), serde_json::json!([]));
}

#[test]
fn sarif_has_the_structure_github_reads() {
    let d = tempdir();
    write(d.path(), "sub/Dockerfile", FROM_FIRST);
    let out = run(d.path(), &["check", FOUNDING, "--format", "sarif", "sub"]);
    assert_eq!(out.code, 1, "{out:?}");
    let v = json_of(&out);
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif"), "{v}");
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "dflint");
    let rules = driver["rules"].as_array().unwrap();
    let idx = rules
        .iter()
        .position(|r| r["id"] == "DF002")
        .expect("DF002 in driver.rules");
    assert!(rules[idx]["shortDescription"]["text"].is_string());
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r["ruleId"], "DF002");
    assert_eq!(r["ruleIndex"], idx);
    assert_eq!(r["level"], "error");
    assert!(r["message"]["text"].is_string());
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "sub/Dockerfile");
    assert_eq!(loc["region"]["startLine"], 1);
    assert_eq!(loc["region"]["startColumn"], 1);
    assert_eq!(loc["region"]["endColumn"], 4);
}

#[test]
fn xml_formats_are_well_formed() {
    let d = tempdir();
    write(d.path(), "Dockerfile", FROM_FIRST);
    write(d.path(), "clean/Dockerfile", CLEAN);
    let out = run(
        d.path(),
        &["check", FOUNDING, "--format", "checkstyle", "."],
    );
    assert_eq!(out.code, 1, "{out:?}");
    let doc = roxmltree::Document::parse(&out.stdout).expect("checkstyle XML");
    assert_eq!(doc.root_element().tag_name().name(), "checkstyle");
    let files: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("file"))
        .collect();
    assert_eq!(files.len(), 2, "clean files are listed too");
    let err = doc
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .expect("an error element");
    assert_eq!(err.attribute("line"), Some("1"));
    assert_eq!(err.attribute("severity"), Some("error"));

    let out = run(d.path(), &["check", FOUNDING, "--format", "junit", "."]);
    assert_eq!(out.code, 1, "{out:?}");
    let doc = roxmltree::Document::parse(&out.stdout).expect("JUnit XML");
    assert!(doc.descendants().any(|n| n.has_tag_name("testsuite")));
    assert!(doc.descendants().any(|n| n.has_tag_name("failure")));
}

#[test]
fn gitlab_github_and_output_file() {
    let d = tempdir();
    write(d.path(), "Dockerfile", FROM_FIRST);
    let out = run(
        d.path(),
        &["check", FOUNDING, "--format", "gitlab", "Dockerfile"],
    );
    assert_eq!(out.code, 1);
    let v = json_of(&out);
    let issue = &v[0];
    assert_eq!(issue["check_name"], "DF002");
    assert_eq!(issue["location"]["path"], "Dockerfile");
    assert_eq!(issue["location"]["lines"]["begin"], 1);
    assert!(issue["fingerprint"].as_str().unwrap().len() >= 16);

    let out = run(
        d.path(),
        &["check", FOUNDING, "--format", "github", "Dockerfile"],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .starts_with("::error file=Dockerfile,line=1,col=1,endLine=1,endColumn=4,"),
        "{out:?}"
    );

    let out = run(
        d.path(),
        &[
            "check",
            FOUNDING,
            "--format=json",
            "-o",
            "report.json",
            "Dockerfile",
        ],
    );
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    let text = std::fs::read_to_string(d.path().join("report.json")).unwrap();
    assert_eq!(json_codes(&text), ["DF002"]);
}

#[test]
fn human_output_has_no_color_off_a_terminal_quiet_and_statistics() {
    let d = tempdir();
    write(d.path(), "Dockerfile", FROM_FIRST);
    write(d.path(), "b/Dockerfile", FROM_FIRST);
    write(d.path(), "c/Dockerfile", CLEAN);
    let out = run(d.path(), &["check", FOUNDING, "."]);
    assert!(!out.stdout.contains('\x1b'), "{out:?}");
    assert!(
        out.stdout
            .contains("Found 2 problems (2 errors) in 2 files"),
        "{out:?}"
    );

    let out = run(d.path(), &["check", FOUNDING, "--quiet", "."]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("error[DF002 from-first]"), "{out:?}");
    assert!(!out.stdout.contains("Found"), "{out:?}");
    let out = run(d.path(), &["check", FOUNDING, "-q", "c"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{out:?}");

    let out = run(d.path(), &["check", FOUNDING, "--statistics", "."]);
    assert_eq!(out.code, 1);
    let first = out.stdout.lines().next().unwrap();
    let cols: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(cols, ["2", "DF002", "from-first"], "{out:?}");
    let out = run(
        d.path(),
        &["check", FOUNDING, "--statistics", "--format", "json", "."],
    );
    let v = json_of(&out);
    assert_eq!(v[0]["code"], "DF002");
    assert_eq!(v[0]["count"], 2);
}

#[test]
fn config_errors_name_the_key_and_the_file() {
    let d = tempdir();
    write(d.path(), "Dockerfile", FROM_FIRST);
    write(d.path(), "ok/Dockerfile", FROM_FIRST);
    write(d.path(), "ok/dflint.toml", "");
    write(d.path(), "dflint.toml", "selct = [\"from-first\"]\n");
    let out = run(d.path(), &["check", "--format=json", "."]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("selct"), "{out:?}");
    assert!(out.stderr.contains("dflint.toml"), "{out:?}");
    assert_eq!(
        out.stderr.matches("error: ").count(),
        1,
        "one message per bad file, not one per Dockerfile under it: {out:?}"
    );
    // Files under a good configuration are still linted.
    assert_eq!(json_files(&out.stdout), ["ok/Dockerfile"]);

    write(
        d.path(),
        "dflint.toml",
        "[severity]\nfrom-first = \"loud\"\n",
    );
    let out = run(d.path(), &["check", "Dockerfile"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("loud") && out.stderr.contains("from-first"),
        "{out:?}"
    );

    write(d.path(), "dflint.toml", "ignore = [\"no-such-rule\"]\n");
    let out = run(d.path(), &["check", "Dockerfile"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no-such-rule"), "{out:?}");

    // --config replaces discovery; a missing one is an error.
    write(d.path(), "strict.toml", "ignore = [\"from-first\"]\n");
    let out = run(
        d.path(),
        &["check", "--config", "strict.toml", "Dockerfile"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let out = run(
        d.path(),
        &["check", "--config", "missing.toml", "Dockerfile"],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("missing.toml"), "{out:?}");
}

#[test]
fn nearest_config_and_per_path_overrides() {
    let d = tempdir();
    write(
        d.path(),
        "dflint.toml",
        "select = [\"from-first\"]\n[[overrides]]\nfiles = [\"*.dev\"]\nignore = [\"from-first\"]\n",
    );
    write(d.path(), "Dockerfile", FROM_FIRST);
    write(d.path(), "Dockerfile.dev", FROM_FIRST);
    write(d.path(), "deep/er/Dockerfile.dev", FROM_FIRST);
    write(d.path(), "other/Dockerfile", FROM_FIRST);
    write(
        d.path(),
        "other/.dflint.toml",
        "select = [\"syntax-error\"]\n",
    );
    let out = run(d.path(), &["check", "--format=json", "."]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(json_files(&out.stdout), ["Dockerfile"], "{out:?}");
}

#[test]
fn suppressions_of_three_dialects() {
    let d = tempdir();
    let cases = [
        "# dflint ignore=from-first\nRUN echo hi\nFROM alpine:3.20\n",
        "# dflint ignore=DF002\nRUN echo hi\nFROM alpine:3.20\n",
        "# dflint global ignore=from-first\nRUN echo hi\nFROM alpine:3.20\n",
        "# hadolint ignore=DL3061\nRUN echo hi\nFROM alpine:3.20\n",
        "# hadolint global ignore=DL3061\nRUN echo hi\nFROM alpine:3.20\n",
    ];
    for text in cases {
        write(d.path(), "Dockerfile", text);
        let out = run(d.path(), &["check", FOUNDING, "Dockerfile"]);
        assert_eq!(out.code, 0, "{text}\n{out:?}");
    }
    // The suppression applies to the next instruction only.
    write(
        d.path(),
        "Dockerfile",
        "# dflint ignore=from-first\nRUN echo hi\nRUN echo again\nFROM alpine:3.20\n",
    );
    let out = run(
        d.path(),
        &["check", FOUNDING, "--format=json", "Dockerfile"],
    );
    assert_eq!(json_codes(&out.stdout), ["DF002"], "{out:?}");

    // BuildKit's check directive, through the rules' BuildKit names.
    let rules = run(d.path(), &["rules", "--format", "json"]);
    let rules: Value = serde_json::from_str(&rules.stdout).unwrap();
    let casing = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "from-as-casing")
        .expect("from-as-casing exists");
    assert_eq!(casing["buildkit"][0], "FromAsCasing");
    let args = [
        "check",
        "--select=from-as-casing",
        "--failure-threshold=style",
        "Dockerfile",
    ];
    write(d.path(), "Dockerfile", "FROM alpine:3.20 as build\n");
    assert_eq!(run(d.path(), &args).code, 1);
    write(
        d.path(),
        "Dockerfile",
        "# check=skip=FromAsCasing\nFROM alpine:3.20 as build\n",
    );
    let out = run(d.path(), &args);
    assert_eq!(out.code, 0, "{out:?}");

    // An unused suppression is reported when unused-suppression (off by default) is selected.
    write(
        d.path(),
        "Dockerfile",
        "# dflint ignore=from-first\nFROM alpine:3.20\n",
    );
    assert_eq!(run(d.path(), &["check", FOUNDING, "Dockerfile"]).code, 0);
    let out = run(
        d.path(),
        &[
            "check",
            FOUNDING,
            "--extend-select",
            "unused-suppression",
            "--format=json",
            "Dockerfile",
        ],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(json_codes(&out.stdout), ["DF006"]);
}

#[test]
fn stdin_with_and_without_a_file_name() {
    let d = tempdir();
    let out = run_with_stdin(
        d.path(),
        &["check", FOUNDING, "--format=json", "-"],
        FROM_FIRST.as_bytes(),
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(json_files(&out.stdout), ["-"]);

    let out = run_with_stdin(
        d.path(),
        &[
            "check",
            FOUNDING,
            "--format=json",
            "--stdin-filename",
            "web/Dockerfile",
            "-",
        ],
        FROM_FIRST.as_bytes(),
    );
    assert_eq!(json_files(&out.stdout), ["web/Dockerfile"]);

    // The configuration is looked up from --stdin-filename's folder.
    write(d.path(), "web/dflint.toml", "ignore = [\"from-first\"]\n");
    let out = run_with_stdin(
        d.path(),
        &["check", "--stdin-filename", "web/Dockerfile", "-"],
        FROM_FIRST.as_bytes(),
    );
    assert_eq!(out.code, 0, "{out:?}");

    let out = run_with_stdin(d.path(), &["check", "-"], b"FROM a\0b\n");
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn unreadable_inputs_exit_2_and_the_rest_is_linted() {
    let d = tempdir();
    write(d.path(), "good/Dockerfile", FROM_FIRST);
    write(d.path(), "bin/Dockerfile", b"FROM alpine\n\x00\x01\x02");
    write(
        d.path(),
        "latin1/Dockerfile",
        b"FROM alpine\nLABEL a=\"caf\xe9\"\n",
    );
    let out = run(
        d.path(),
        &[
            "check",
            FOUNDING,
            "--format=json",
            "missing/Dockerfile",
            "bin/Dockerfile",
            "latin1/Dockerfile",
            "good/Dockerfile",
        ],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(json_files(&out.stdout), ["good/Dockerfile"], "{out:?}");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("missing/Dockerfile") && l.contains("No such file")),
        "{out:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("bin/Dockerfile") && l.contains("binary") && l.contains("12")),
        "{out:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("latin1/Dockerfile") && l.contains("UTF-8") && l.contains("24")),
        "{out:?}"
    );
    // Exit 2 wins over 1 even when the readable files are clean.
    write(d.path(), "good/Dockerfile", CLEAN);
    let out = run(d.path(), &["check", FOUNDING, "good", "bin/Dockerfile"]);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn folder_discovery_honours_gitignore_and_names() {
    let d = tempdir();
    let p = d.path();
    for f in [
        "Dockerfile",
        "Dockerfile.dev",
        "api.Dockerfile",
        "web.dockerfile",
        "Containerfile",
        "Containerfile.ci",
        "sub/deeper/Dockerfile",
        ".devcontainer/Dockerfile",
        // not Dockerfile names
        "Dockerfile.dockerignore",
        "Dockerfiles",
        "README.md",
        "docker-compose.yml",
        // ignored
        "ignored/Dockerfile",
        "build/out.Dockerfile",
        "Dockerfile.generated",
    ] {
        write(p, f, FROM_FIRST);
    }
    write(p, ".gitignore", "ignored/\n/build\nDockerfile.generated\n");
    let out = run(p, &["check", FOUNDING, "--format=json"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        json_files(&out.stdout),
        [
            ".devcontainer/Dockerfile",
            "Containerfile",
            "Containerfile.ci",
            "Dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "sub/deeper/Dockerfile",
            "web.dockerfile",
        ],
        "{out:?}"
    );
    // A file named on the command line is linted whatever its name or .gitignore says, and a
    // file reached twice is linted once.
    let out = run(
        p,
        &[
            "check",
            FOUNDING,
            "--format=json",
            "ignored/Dockerfile",
            "README.md",
            "sub",
            "sub/deeper/Dockerfile",
        ],
    );
    assert_eq!(
        json_files(&out.stdout),
        ["README.md", "ignored/Dockerfile", "sub/deeper/Dockerfile"],
        "{out:?}"
    );
    assert_eq!(json_codes(&out.stdout).len(), 3, "{out:?}");
}

#[test]
fn context_defaults_to_the_dockerfile_folder_and_follows_context() {
    let d = tempdir();
    let rules = run(d.path(), &["rules", "--format=json"]);
    let v: Value = serde_json::from_str(&rules.stdout).unwrap();
    let code = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "missing-context")
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    write(
        d.path(),
        "app/Dockerfile",
        "FROM alpine:3.20\nCOPY main.go /src/\n",
    );
    write(d.path(), "main.go", "package main\n");
    let args = ["check", "--select=missing-context", "--format=json"];
    let out = run(d.path(), &[&args[..], &["app/Dockerfile"]].concat());
    assert_eq!(json_codes(&out.stdout), [code], "{out:?}");
    let out = run(
        d.path(),
        &[&args[..], &["--context", ".", "app/Dockerfile"]].concat(),
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(json_codes(&out.stdout), Vec::<String>::new());
}

#[test]
fn a_50_mb_file_completes() {
    let d = tempdir();
    let mut text = String::with_capacity(50 << 20);
    text.push_str("FROM alpine:3.20\n");
    let mut i = 0u64;
    while text.len() < 50 << 20 {
        text.push_str(&format!(
            "RUN echo line {i} && apk add --no-cache curl \\\n    && echo done {i}\n"
        ));
        i += 1;
    }
    text.push_str("FORM oops\n");
    write(d.path(), "Dockerfile", &text);
    // The founding rules only: the whole pipeline (read, parse, model, check, render) without
    // making the test's time depend on every rule that lands (a debug build lints about 0.1 MB/s
    // with all of them on).
    let out = run(
        d.path(),
        &["check", FOUNDING, "--format=json", "Dockerfile"],
    );
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let last_line = text.lines().count() as u64;
    assert!(
        v.as_array().unwrap().iter().any(
            |d| d["code"] == "DF001" && d["range"]["start"]["line"].as_u64() == Some(last_line)
        ),
        "the syntax error on the last line is found"
    );
}

/// Colors only on a terminal, and never with `--no-color` or `NO_COLOR`. `script` gives the
/// command a pseudo-terminal.
#[test]
fn color_only_on_a_terminal() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no `script` to make a terminal; skipped");
        return;
    }
    let d = tempdir();
    write(d.path(), "Dockerfile", FROM_FIRST);
    let bin = env!("CARGO_BIN_EXE_dflint");
    let on_tty = |extra: &str, no_color: Option<&str>| {
        let mut cmd = std::process::Command::new("script");
        cmd.args([
            "-qec",
            &format!("{bin} check {FOUNDING} {extra} Dockerfile"),
            "/dev/null",
        ])
        .current_dir(d.path())
        .env_remove("NO_COLOR");
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let colored = on_tty("", None);
    assert!(colored.contains("DF002"), "{colored}");
    assert!(
        colored.contains("\x1b["),
        "colored on a terminal: {colored:?}"
    );
    let plain = on_tty("--no-color", None);
    assert!(
        plain.contains("DF002") && !plain.contains("\x1b["),
        "{plain:?}"
    );
    let plain = on_tty("", Some("1"));
    assert!(
        plain.contains("DF002") && !plain.contains("\x1b["),
        "{plain:?}"
    );
    let colored = on_tty("", Some(""));
    assert!(
        colored.contains("\x1b["),
        "an empty NO_COLOR does not count: {colored:?}"
    );
}
