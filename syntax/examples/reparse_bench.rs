//! Full parse against incremental reparse of a one-character edit in the middle of a file:
//! `cargo run --release -p dflint-syntax --example reparse_bench -- FILE [ROUNDS]`.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: reparse_bench FILE [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(50);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    // Insert a character at the start of a line in the middle (after a newline).
    let mid = text[text.len() / 2..]
        .find('\n')
        .map_or(0, |i| text.len() / 2 + i + 1);
    let mut edited = text.clone();
    edited.insert(mid + 2.min(text.len() - mid), 'x');
    let old = dflint_syntax::parse(&text);
    let (mut full, mut inc) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let t = Instant::now();
        let p = dflint_syntax::parse(&edited);
        full.push(t.elapsed().as_secs_f64() * 1e3);
        drop(p);
        let t = Instant::now();
        let p = dflint_syntax::reparse(&old, &text, &edited);
        inc.push(t.elapsed().as_secs_f64() * 1e3);
        drop(p);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "{} bytes: parse {:.3} ms, reparse {:.3} ms (medians of {rounds})",
        text.len(),
        median(&mut full),
        median(&mut inc)
    );
}
