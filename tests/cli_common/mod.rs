//! Running the `dflint` binary in a temporary folder, for the `cli_*` end-to-end tests.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dflint"));
    cmd.args(args).current_dir(dir).env_remove("NO_COLOR");
    cmd
}

/// Runs `dflint ARGS` in `dir` with `stdin` as standard input.
pub fn run_with_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> Out {
    let mut child = command(dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dflint");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    Out {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `dflint ARGS` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Out {
    run_with_stdin(dir, args, b"")
}

/// Writes `content` to `dir/rel`, creating folders.
pub fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// The `file` fields of a JSON report, sorted and deduplicated.
pub fn json_files(stdout: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(stdout).expect(stdout);
    let mut files: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap().to_string())
        .collect();
    files.sort();
    files.dedup();
    files
}

/// The `code` fields of a JSON report, in order.
pub fn json_codes(stdout: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(stdout).expect(stdout);
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// An instruction before FROM: one `from-first` (DF002, error) on line 1.
pub const FROM_FIRST: &str = "RUN echo hi\nFROM alpine:3.20\n";
/// Nothing the founding rules report.
pub const CLEAN: &str = "FROM alpine:3.20\nRUN echo hi\n";
/// Only the rules these tests are about, so that rules landing later do not change the results.
pub const FOUNDING: &str = "--select=syntax-error,from-first";
