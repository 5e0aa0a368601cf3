//! `dflint fmt` (being written).

use clap::Args;

#[derive(Args, Debug)]
pub struct FmtArgs {}

pub fn run(_args: &FmtArgs) -> i32 {
    eprintln!("dflint fmt: not implemented yet");
    2
}
