//! `dflint lsp`: the language server over stdio.

use clap::Args;

#[derive(Args, Debug)]
pub struct LspArgs {
    /// Talk over stdin/stdout (the default and only transport; accepted for editors that pass it).
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: &LspArgs) -> i32 {
    dflint_server::run_stdio()
}
