//! A real editor as the client: headless Neovim starts `dflint lsp` with `vim.lsp.start_client`
//! (tests/nvim/lsp_check.lua), opens a Dockerfile and writes back the diagnostics and a hover.
//! Without `nvim` the test is skipped locally and fails when `CI=true`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

#[test]
fn neovim_shows_diagnostics_and_hover() {
    if Command::new("nvim").arg("--version").output().is_err() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("nvim is not installed (Debian package `neovim`), and CI=true");
        }
        eprintln!("skipping: nvim is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    std::fs::write(&file, "RUN echo before\nFROM alpine:3.19\n").unwrap();
    let out = dir.path().join("out.txt");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nvim/lsp_check.lua");
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-u", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("DFLINT_BIN", env!("CARGO_BIN_EXE_dflint"))
        .env("DFLINT_FILE", &file)
        .env("DFLINT_OUT", &out)
        .stdin(std::process::Stdio::null())
        .spawn()
        .expect("start nvim");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(&out).expect("nvim wrote its output");
    assert!(
        text.contains("diag 0:0 DF002 RUN before the first FROM"),
        "{text}"
    );
    let hover = text.lines().find(|l| l.starts_with("hover ")).unwrap();
    assert!(hover.contains("FROM [--platform=<platform>]"), "{text}");
}
