//! Parser throughput: lexing and building the green tree over a corpus, on one core.
//!
//! `cargo run --release -p dflint-syntax --example parse_bench -- DIR [ROUNDS]`
//! prints MB/s (median of ROUNDS) for the corpus as separate files, and the scaling from one to
//! ten concatenated copies of the corpus as one file.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("corpus folder") {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn time<F: FnMut()>(rounds: usize, mut f: F) -> f64 {
    median(
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = PathBuf::from(
        args.get(1)
            .map(String::as_str)
            .unwrap_or("tests/data/corpus/official"),
    );
    let rounds: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(11);
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mb = bytes as f64 / 1e6;

    let secs = time(rounds, || {
        for t in &texts {
            std::hint::black_box(dflint_syntax::parse(t));
        }
    });
    println!("corpus: {} files, {:.2} MB", texts.len(), mb);
    println!(
        "parse (lex + green tree), per file: median {:.1} ms, {:.0} MB/s",
        secs * 1e3,
        mb / secs
    );

    let with_model = time(rounds, || {
        for t in &texts {
            let p = dflint_syntax::parse(t);
            std::hint::black_box(dflint_syntax::buildkit::nodes(&p, t));
        }
    });
    println!(
        "parse + BuildKit view, per file: median {:.1} ms, {:.0} MB/s",
        with_model * 1e3,
        mb / with_model
    );

    // Scaling: one file made of 1x and 10x the corpus.
    let one = texts.join("\n");
    if std::env::var_os("DFLINT_BENCH_SCALING").is_some() {
        for k in [1, 2, 5, 10, 20] {
            let big = std::iter::repeat_n(one.as_str(), k)
                .collect::<Vec<_>>()
                .join("\n");
            let t = time(rounds.min(5), || {
                std::hint::black_box(dflint_syntax::parse(&big));
            });
            println!(
                "{k:>2}x {:>6.1} MB: {:>8.1} ms, {:.0} MB/s",
                big.len() as f64 / 1e6,
                t * 1e3,
                big.len() as f64 / 1e6 / t
            );
        }
        return;
    }
    let ten = std::iter::repeat_n(one.as_str(), 10)
        .collect::<Vec<_>>()
        .join("\n");
    let t1 = time(rounds.min(5), || {
        std::hint::black_box(dflint_syntax::parse(&one));
    });
    let t10 = time(rounds.min(5), || {
        std::hint::black_box(dflint_syntax::parse(&ten));
    });
    println!(
        "one file of {:.1} MB: {:.1} ms; of {:.1} MB: {:.1} ms; 10x input takes {:.2}x the time",
        one.len() as f64 / 1e6,
        t1 * 1e3,
        ten.len() as f64 / 1e6,
        t10 * 1e3,
        t10 / t1
    );
}
