//! `dflint explain` (being written).

use clap::Args;

#[derive(Args, Debug)]
pub struct ExplainArgs {}

pub fn run(_args: &ExplainArgs) -> i32 {
    eprintln!("dflint explain: not implemented yet");
    2
}
