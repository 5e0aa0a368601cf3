//! `dflint fmt`: format Dockerfiles in place, or with `--check` report the ones that would change.

use clap::Args;
use dflint_syntax::format::{format_text, FormatOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Do not write; exit with 1 when a file is not formatted.
    #[arg(long)]
    pub check: bool,
    /// Spaces per indentation level of continuation lines.
    #[arg(long, default_value_t = 4)]
    pub indent: usize,
    /// Files or folders (folders: files named Dockerfile, *.Dockerfile, Dockerfile.*,
    /// Containerfile); `-` reads stdin and writes stdout. Default: the current folder.
    pub paths: Vec<PathBuf>,
}

fn is_dockerfile(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let lower = name.to_ascii_lowercase();
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if !name.starts_with('.') && name != "node_modules" && name != "target" {
                collect(&p, out);
            }
        } else if is_dockerfile(&p) {
            out.push(p);
        }
    }
}

pub fn run(args: &FmtArgs) -> i32 {
    let opts = FormatOptions {
        indent: " ".repeat(args.indent.clamp(1, 16)),
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for p in &paths {
        if p.as_os_str() == "-" {
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                eprintln!("dflint fmt: stdin: {e}");
                return 2;
            }
            let formatted = format_text(&text, &opts);
            if args.check {
                if formatted != text {
                    eprintln!("would reformat: -");
                    return 1;
                }
                return 0;
            }
            let _ = std::io::stdout().write_all(formatted.as_bytes());
            return 0;
        }
        if p.is_dir() {
            collect(p, &mut files);
        } else {
            files.push(p.clone());
        }
    }
    let mut status = 0;
    let mut changed = 0;
    for f in &files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("dflint fmt: {}: {e}", f.display());
                status = 2;
                continue;
            }
        };
        let formatted = format_text(&text, &opts);
        if formatted == text {
            continue;
        }
        changed += 1;
        if args.check {
            println!("would reformat: {}", f.display());
            if status == 0 {
                status = 1;
            }
        } else if let Err(e) = std::fs::write(f, formatted) {
            eprintln!("dflint fmt: {}: {e}", f.display());
            status = 2;
        } else {
            println!("formatted: {}", f.display());
        }
    }
    if args.check && changed == 0 && status == 0 {
        eprintln!("{} file(s) already formatted", files.len());
    }
    status
}
