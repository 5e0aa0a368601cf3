//! Command-line interface: one module per subcommand, each with its arguments and `run`.

pub mod check;
pub mod explain;
pub mod fmt;
pub mod lsp;
pub mod parse;
pub mod rules;
pub mod verify;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "dflint",
    version,
    about = "A fast, exact Dockerfile linter and language server"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint Dockerfiles (files, folders, or `-` for stdin).
    Check(check::CheckArgs),
    /// List every rule.
    Rules(rules::RulesArgs),
    /// Print a rule's documentation.
    Explain(explain::ExplainArgs),
    /// Format Dockerfiles.
    Fmt(fmt::FmtArgs),
    /// Run the language server over stdio.
    Lsp(lsp::LspArgs),
    /// Confirm diagnostics and fixes with real builds through the Docker Engine API.
    Verify(verify::VerifyArgs),
    /// Print the syntax tree or BuildKit's view of Dockerfiles.
    Parse(parse::ParseArgs),
}

/// Runs the command line and returns the process exit status.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match &cli.command {
        Command::Check(args) => check::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Parse(args) => parse::run(args),
    }
}
