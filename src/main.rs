fn main() {
    println!("dflint");
}
