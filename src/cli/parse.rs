//! `dflint parse`: the syntax tree or BuildKit's view of a file.

use crate::input::read_source;
use clap::{Args, ValueEnum};
use dflint_syntax::{buildkit, parse, SyntaxNode};
use rowan::NodeOrToken;
use std::io::Write;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ParseFormat {
    /// One object per instruction, in the shape of BuildKit's parser.
    Json,
    /// The lossless tree, one element per line.
    Tree,
    /// BuildKit's `Node.Dump()` format of its parser test files.
    Dump,
}

#[derive(Args, Debug)]
pub struct ParseArgs {
    /// Dockerfiles to parse (`-` for stdin).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "json")]
    pub format: ParseFormat,
}

/// Exit status: 0 parsed, 1 BuildKit would reject a file, 2 a file could not be read.
pub fn run(args: &ParseArgs) -> i32 {
    let mut status = 0;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &args.files {
        let text = match read_source(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                status = 2;
                continue;
            }
        };
        let parsed = parse(&text);
        let result = match args.format {
            ParseFormat::Json => {
                let nodes = buildkit::nodes(&parsed, &text);
                serde_json::to_writer_pretty(&mut out, &nodes)
                    .map_err(std::io::Error::from)
                    .and_then(|_| writeln!(out))
            }
            ParseFormat::Dump => {
                out.write_all(buildkit::dump(&buildkit::nodes(&parsed, &text)).as_bytes())
            }
            ParseFormat::Tree => write_tree(&mut out, &parsed.syntax()),
        };
        if let Err(e) = result {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return status;
            }
            eprintln!("error: writing output: {e}");
            return 2;
        }
        if !parsed.errors().is_empty() {
            let index = dflint_syntax::LineIndex::new(&text);
            for err in parsed.errors() {
                let pos = index.line_col_chars(&text, err.range.start());
                eprintln!(
                    "{}:{}:{}: error: {}",
                    path.display(),
                    pos.line + 1,
                    pos.col + 1,
                    err.message
                );
            }
            status = status.max(1);
        }
    }
    status
}

fn write_tree(out: &mut impl Write, root: &SyntaxNode) -> std::io::Result<()> {
    let mut depth = 0usize;
    for event in root.preorder_with_tokens() {
        match event {
            rowan::WalkEvent::Enter(el) => {
                let indent = "  ".repeat(depth);
                let r = el.text_range();
                match el {
                    NodeOrToken::Node(n) => {
                        writeln!(
                            out,
                            "{indent}{:?}@{}..{}",
                            n.kind(),
                            u32::from(r.start()),
                            u32::from(r.end())
                        )?;
                        depth += 1;
                    }
                    NodeOrToken::Token(t) => {
                        let text = serde_json::to_string(t.text()).unwrap_or_default();
                        writeln!(
                            out,
                            "{indent}{:?}@{}..{} {text}",
                            t.kind(),
                            u32::from(r.start()),
                            u32::from(r.end())
                        )?;
                    }
                }
            }
            rowan::WalkEvent::Leave(NodeOrToken::Node(_)) => depth -= 1,
            rowan::WalkEvent::Leave(_) => {}
        }
    }
    Ok(())
}
