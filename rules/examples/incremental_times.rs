//! What an edit costs the language server's checker: a one-character edit in the middle of a
//! file, checked with a warm `CheckCache`, phase by phase, and every File-scope rule's share.
//!
//! `cargo run --release -p dflint-rules --example incremental_times -- FILE [ROUNDS]`

use dflint_rules::{registry, CheckCache, Model, RuleContext, Scope, Settings};
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: incremental_times FILE [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    let settings = Settings::default();
    let mid = text[text.len() / 2..]
        .find('\n')
        .map_or(0, |i| text.len() / 2 + i + 1);
    let mut texts = [text.clone(), text.clone()];
    texts[1].insert(mid, '#');
    let mut cache = CheckCache::default();
    let (mut reparse, mut model_t, mut check_t) = (vec![], vec![], vec![]);
    let mut parse = dflint_syntax::parse(&texts[0]);
    cache.check(&Model::new(&texts[0], &parse), None, &settings);
    for r in 0..rounds {
        let (old, new) = (&texts[r % 2], &texts[(r + 1) % 2]);
        let t = Instant::now();
        parse = dflint_syntax::reparse(&parse, old, new);
        reparse.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let model = Model::new(new, &parse);
        model_t.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let n = cache.check(&model, None, &settings).len();
        check_t.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(n > 0 || text.is_empty());
    }
    println!(
        "reparse {:.3} ms, model {:.3} ms, incremental check {:.3} ms (medians of {rounds})",
        median(reparse),
        median(model_t),
        median(check_t)
    );
    let model = Model::new(&texts[0], &parse);
    let cx = RuleContext::whole(&model, None, &settings);
    let mut rows = Vec::new();
    for rule in registry::all().iter().filter(|r| r.scope() == Scope::File) {
        if !settings.is_enabled(rule.meta()) {
            continue;
        }
        let mut times = Vec::new();
        for _ in 0..rounds {
            let t = Instant::now();
            let mut out = Vec::new();
            rule.check(&cx, &mut out);
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        rows.push((median(times), rule.meta().name));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total: f64 = rows.iter().map(|r| r.0).sum();
    println!("File-scope rules (run on every check): {total:.3} ms");
    for (t, name) in rows {
        println!("  {t:8.3} ms  {name}");
    }
}
