//! Robustness sweep: parse and check every file under a folder with every rule on, and report
//! panics, slow files and non-UTF-8 inputs. Used on the community corpus (115,006 real-world
//! Dockerfiles, broken ones included).
//!
//! `cargo run --release -p dflint-rules --example sweep -- DIR`

use dflint_rules::{config::Settings, Model};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("DIR"));
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    paths.sort();
    let mut settings = Settings::default();
    settings
        .apply(Some(&["all".to_string()]), &[], &Default::default())
        .unwrap();
    std::panic::set_hook(Box::new(|_| {}));
    let (mut panics, mut slow, mut non_utf8, mut diags) = (Vec::new(), Vec::new(), 0usize, 0usize);
    let start = Instant::now();
    for p in &paths {
        let Ok(bytes) = std::fs::read(p) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            non_utf8 += 1;
            continue;
        };
        let t = Instant::now();
        let r = std::panic::catch_unwind(|| {
            let parse = dflint_syntax::parse(&text);
            assert_eq!(parse.syntax().to_string(), text, "round trip");
            let model = Model::new(&text, &parse);
            dflint_rules::check(&model, None, &settings).len()
        });
        match r {
            Ok(n) => diags += n,
            Err(e) => {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
                panics.push((p.clone(), msg.unwrap_or_default()));
            }
        }
        if t.elapsed() > Duration::from_millis(200) {
            slow.push((p.clone(), t.elapsed()));
        }
    }
    println!(
        "{} files in {:.1} s: {} diagnostics, {} not UTF-8, {} panics, {} slower than 200 ms",
        paths.len(),
        start.elapsed().as_secs_f64(),
        diags,
        non_utf8,
        panics.len(),
        slow.len()
    );
    for (p, m) in panics.iter().take(30) {
        println!("PANIC {}: {}", p.display(), m.lines().next().unwrap_or(""));
    }
    for (p, d) in slow.iter().take(10) {
        println!("SLOW {} {:?}", p.display(), d);
    }
}
