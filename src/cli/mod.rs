//! Command-line interface: one module per subcommand.

pub mod parse;

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
        Command::Parse(args) => parse::run(args),
    }
}
