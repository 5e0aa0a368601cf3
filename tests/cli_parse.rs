//! `dflint parse`: output formats and exit statuses, including unreadable input.

use std::process::Command;

fn dflint() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dflint"))
}

#[test]
fn json_is_buildkits_view_and_bad_files_do_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("Dockerfile");
    std::fs::write(&good, "FROM alpine AS b\nCOPY --from=b <<EOF /x\nhi\nEOF\n").unwrap();
    let bad_utf8 = dir.path().join("bad");
    std::fs::write(&bad_utf8, b"FROM a\nRUN \xff\n").unwrap();
    let binary = dir.path().join("bin");
    std::fs::write(&binary, b"\x7fELF\0\0\0").unwrap();

    let out = dflint()
        .args(["parse", "--format", "json"])
        .arg(&bad_utf8)
        .arg(&binary)
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid UTF-8 at byte offset 11"),
        "{stderr}"
    );
    assert!(stderr.contains("binary file"), "{stderr}");
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("the good file's JSON");
    assert_eq!(json[1]["cmd"], "copy");
    assert_eq!(json[1]["flags"][0], "--from=b");
    assert_eq!(json[1]["heredocs"][0]["name"], "EOF");
    assert_eq!(json[1]["heredocs"][0]["content"], "hi\n");
    assert_eq!(
        (json[1]["start_line"].as_u64(), json[1]["end_line"].as_u64()),
        (Some(2), Some(4))
    );
}

#[test]
fn rejected_files_exit_1_with_buildkits_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("Dockerfile");
    std::fs::write(&f, "FROM a\nCMD [\"a\", 1]\n").unwrap();
    let out = dflint().args(["parse"]).arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(":2:5: error: when using JSON array syntax")
    );
}

#[test]
fn tree_prints_every_element_with_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("Dockerfile");
    let text = "FROM a \\\n  # c\n  AS b\n";
    std::fs::write(&f, text).unwrap();
    let out = dflint()
        .args(["parse", "--format", "tree"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let tree = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = tree.lines().collect();
    assert_eq!(lines[0], format!("SOURCE_FILE@0..{}", text.len()));
    assert!(lines.contains(&"  FROM_INSTR@0..22"), "{tree}");
    assert!(lines.contains(&"    KEYWORD@0..4 \"FROM\""), "{tree}");
    assert!(lines.contains(&"      COMMENT@11..14 \"# c\""), "{tree}");
    // Every token's text, in order, is the file.
    let rebuilt: String = lines
        .iter()
        .filter_map(|l| l.trim_start().split_once(' ').map(|(_, json)| json))
        .map(|json| serde_json::from_str::<String>(json).unwrap())
        .collect();
    assert_eq!(rebuilt, text);
}
