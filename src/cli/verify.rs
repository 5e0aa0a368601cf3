//! `dflint verify` (being written).

use clap::Args;

#[derive(Args, Debug)]
pub struct VerifyArgs {}

pub fn run(_args: &VerifyArgs) -> i32 {
    eprintln!("dflint verify: not implemented yet");
    2
}
