//! `dflint lsp` (being written).

use clap::Args;

#[derive(Args, Debug)]
pub struct LspArgs {}

pub fn run(_args: &LspArgs) -> i32 {
    eprintln!("dflint lsp: not implemented yet");
    2
}
