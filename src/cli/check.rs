//! `dflint check` (being written).

use clap::Args;

#[derive(Args, Debug)]
pub struct CheckArgs {}

pub fn run(_args: &CheckArgs) -> i32 {
    eprintln!("dflint check: not implemented yet");
    2
}
