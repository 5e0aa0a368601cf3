fn main() {
    std::process::exit(dflint::cli::run());
}
