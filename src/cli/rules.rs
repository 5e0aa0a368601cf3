//! `dflint rules` (being written).

use clap::Args;

#[derive(Args, Debug)]
pub struct RulesArgs {}

pub fn run(_args: &RulesArgs) -> i32 {
    eprintln!("dflint rules: not implemented yet");
    2
}
