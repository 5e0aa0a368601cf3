//! Time spent in each rule over a set of files (to find the slow ones).
//!
//! `cargo run --release -p dflint-rules --example rule_times -- FILE_OR_DIR [ROUNDS]`
//! (every rule with `RULE_TIMES_ALL=1`, else the 15 slowest; with `RULE_TIMES_CONTEXT=1` each
//! file's folder is its build context, as in the language server). Rules run in registry order on
//! a fresh model, so the first rule to read the commands of the RUNs pays for parsing them.

use dflint_context::BuildContext;
use dflint_rules::{config::Settings, registry, Model, RuleContext, Scope};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn files(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_file() {
        out.push(p.to_path_buf());
    } else if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            files(&e.path(), out);
        }
    }
}

fn main() {
    let arg = PathBuf::from(std::env::args().nth(1).expect("FILE_OR_DIR"));
    let rounds: u32 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let mut paths = Vec::new();
    files(&arg, &mut paths);
    let with_context = std::env::var_os("RULE_TIMES_CONTEXT").is_some();
    let texts: Vec<(String, Option<BuildContext>)> = paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            let dir = p.parent().unwrap_or(Path::new("."));
            Some((text, with_context.then(|| BuildContext::open(dir, p))))
        })
        .collect();
    let mut settings = Settings::default();
    settings
        .apply(Some(&["all".to_string()]), &[], &Default::default())
        .unwrap();
    let rules = registry::all();
    let mut times = vec![Duration::ZERO; rules.len()];
    let (mut parse_t, mut model_t) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..rounds {
        for (text, context) in &texts {
            let t = Instant::now();
            let parse = dflint_syntax::parse(text);
            parse_t += t.elapsed();
            let t = Instant::now();
            let model = Model::new(text, &parse);
            model_t += t.elapsed();
            let cx = RuleContext::whole(&model, context.as_ref(), &settings);
            for (i, rule) in rules.iter().enumerate() {
                let t = Instant::now();
                let mut out = Vec::new();
                rule.check(&cx, &mut out);
                times[i] += t.elapsed();
            }
        }
    }
    let per = |d: Duration| d.as_secs_f64() * 1e3 / rounds as f64;
    println!(
        "parse {:.2} ms, model {:.2} ms (per round over {} files)",
        per(parse_t),
        per(model_t),
        texts.len()
    );
    let mut rows: Vec<_> = rules.iter().zip(&times).collect();
    rows.sort_by(|a, b| b.1.cmp(a.1));
    let total: Duration = times.iter().sum();
    let file_total: Duration = rows
        .iter()
        .filter(|(r, _)| r.scope() == Scope::File)
        .map(|(_, t)| **t)
        .sum();
    println!(
        "rules total {:.2} ms, of which file-scope rules (run on every check) {:.2} ms",
        per(total),
        per(file_total)
    );
    let all = std::env::var_os("RULE_TIMES_ALL").is_some();
    for (r, t) in rows.iter().take(if all { rows.len() } else { 15 }) {
        let scope = match r.scope() {
            Scope::File => "file",
            Scope::Stage => "stage",
        };
        println!(
            "{:>8.3} ms  {:<5} {} {}",
            per(**t),
            scope,
            r.meta().code,
            r.meta().name
        );
    }
}
