//! `CheckCache::check` must equal `check` on every file and after every edit: the rule
//! fixtures (every rule fires there) and the official-image corpus, each put through a series
//! of edits that touch one stage, the text before the first FROM, stage names, line counts,
//! continuations, the comment above a FROM and line endings; and a few files made to show what
//! a unit's diagnostics may not depend on (line numbers, the first instruction of the file to
//! read the context). A stage-scoped rule that reads beyond what its unit key covers fails here.

use dflint_context::BuildContext;
use dflint_rules::{check, registry, CheckCache, Config, Model, Settings};
mod common;

use common::official_corpus;
use std::path::Path;

/// Every rule on, the off-by-default ones included.
fn all_rules() -> Settings {
    all_rules_with(Settings::default())
}

fn all_rules_with(mut s: Settings) -> Settings {
    for r in registry::all() {
        s.enable(r.meta().code);
    }
    s
}

/// A fixture's settings (`<name>.dflint.toml`: the label rules need a `label-schema`), with every
/// rule on.
fn fixture_settings(root: &Path, name: &str, file: &Path) -> Settings {
    let config = root.join(format!("{name}.dflint.toml"));
    if !config.is_file() {
        return all_rules();
    }
    let settings = Config::load(&config)
        .unwrap_or_else(|e| panic!("{e}"))
        .settings_for(file)
        .unwrap_or_else(|e| panic!("{}: {e}", config.display()));
    all_rules_with(settings)
}

/// A small deterministic generator (no dependency needed for this).
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect()
}

fn char_floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The `k`th edit of the series.
fn edit(text: &str, k: usize, rng: &mut Lcg) -> String {
    let starts = line_starts(text);
    let line = starts.get(rng.below(starts.len())).copied().unwrap_or(0);
    let line_end = text[line..].find('\n').map_or(text.len(), |i| line + i);
    let at = char_floor(text, line + rng.below(line_end - line + 1));
    let mut t = text.to_string();
    match k % 11 {
        0 => t.insert(at, 'x'),
        1 => t.replace_range(line..(line_end + 1).min(t.len()), ""),
        2 => t.insert_str(line, &text[line..(line_end + 1).min(text.len())]),
        3 => t.insert(at, '\n'),
        4 => t.insert_str(at, " \\\n"),
        5 => t.push_str("\nFROM base AS extra\nCOPY --from=0 /a /b\nRUN apt-get install curl\n"),
        6 => match t.find(" AS ").or_else(|| t.find(" as ")) {
            Some(i) => t.insert_str(i + 4, "renamed"),
            None => t.insert_str(0, "ARG V=1\n"),
        },
        7 => t.insert_str(0, "ARG TAG=latest\n"),
        8 => t.insert_str(line, "ENV PATH=/x:$PATH\n"),
        // A comment right above a FROM (in the text of the unit before it), which also moves
        // the lines of the stages after it.
        9 => {
            let froms: Vec<usize> = starts
                .iter()
                .copied()
                .filter(|&s| {
                    text[s..]
                        .get(..5)
                        .is_some_and(|w| w.eq_ignore_ascii_case("FROM "))
                })
                .collect();
            let at = froms.get(rng.below(froms.len())).copied().unwrap_or(line);
            t.insert_str(at, "# a comment\n");
        }
        // A line ending made CRLF.
        _ => {
            if line_end < t.len() && !t[..line_end].ends_with('\r') {
                t.insert(line_end, '\r');
            }
        }
    }
    t
}

fn assert_same(
    text: &str,
    ctx: Option<&BuildContext>,
    settings: &Settings,
    cache: &mut CheckCache,
    what: &str,
) {
    let parse = dflint_syntax::parse(text);
    let model = Model::new(text, &parse);
    let full = check(&model, ctx, settings);
    let incremental = cache.check(&model, ctx, settings);
    if full != incremental {
        let only_full: Vec<_> = full.iter().filter(|d| !incremental.contains(d)).collect();
        let only_inc: Vec<_> = incremental.iter().filter(|d| !full.contains(d)).collect();
        panic!(
            "{what}: incremental check differs\nonly in check: {only_full:#?}\nonly incremental: {only_inc:#?}\ncheck: {:?}\nincremental: {:?}\n--- text ---\n{text}",
            full.iter().map(|d| (d.code, d.range)).collect::<Vec<_>>(),
            incremental.iter().map(|d| (d.code, d.range)).collect::<Vec<_>>()
        );
    }
}

fn run_series(
    text: &str,
    ctx: Option<&BuildContext>,
    settings: &Settings,
    seed: u64,
    edits: usize,
    what: &str,
) {
    let mut cache = CheckCache::default();
    let mut rng = Lcg(seed);
    let mut t = text.to_string();
    assert_same(&t, ctx, settings, &mut cache, &format!("{what} (cold)"));
    for k in 0..edits {
        t = edit(&t, k + seed as usize, &mut rng);
        assert_same(
            &t,
            ctx,
            settings,
            &mut cache,
            &format!("{what} after edit {k}"),
        );
    }
}

#[test]
fn incremental_equals_full_on_rule_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut n = 0;
    for entry in std::fs::read_dir(&root).unwrap().flatten() {
        let p = entry.path();
        let (file, ctx) = if p.extension().is_some_and(|e| e == "Dockerfile") {
            (p.clone(), None)
        } else if p.join("Dockerfile").is_file() {
            let df = p.join("Dockerfile");
            (df.clone(), Some(BuildContext::open(&p, &df)))
        } else {
            continue;
        };
        let name = p.file_name().unwrap().to_str().unwrap();
        let settings = fixture_settings(&root, name.trim_end_matches(".Dockerfile"), &file);
        let text = std::fs::read_to_string(&file).unwrap();
        for seed in 0..11 {
            let what = file.display().to_string();
            run_series(&text, ctx.as_ref(), &settings, seed, 6, &what);
        }
        n += 1;
    }
    assert!(n > 80, "only {n} fixtures found");
}

#[test]
fn incremental_equals_full_on_official_corpus() {
    let files = official_corpus();
    // Debug builds are slow: every third file, each with its own series of edits.
    for (i, f) in files.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let what = f.display().to_string();
        run_series(&text, None, &all_rules(), i as u64, 4, &what);
    }
}

/// Files where a diagnostic of one stage depends on what is before it: line numbers in messages
/// and notes (apt-get-update-alone, cache-busting-order), the first instruction of the file that
/// reads the context (missing-context with a broken ignore file), the comment above a FROM
/// (invalid-definition-description), stages built on others.
#[test]
fn incremental_equals_full_across_units() {
    let texts = [
        "# syntax=docker/dockerfile:1\nFROM debian:12 AS one\nRUN echo one\nRUN echo two\n\n\
         FROM node:22 AS two\nRUN apt-get update\nRUN apt-get install -y curl\nWORKDIR /srv\n\
         COPY . app\nWORKDIR /srv/app\nRUN npm ci\n\n# the base\nFROM two AS three\n\
         RUN echo three | grep t\nUSER root\n",
        "FROM alpine AS a\nRUN true\n# b is where it starts\nFROM alpine AS b\nCOPY a.txt /x/\n\
         FROM b AS c\nCOPY a.txt /y/\nSHELL [\"/bin/sh\", \"-o\", \"pipefail\", \"-c\"]\n\
         FROM c\nRUN wget x | tar x\n",
    ];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "x").unwrap();
    std::fs::write(dir.path().join(".dockerignore"), "ok\n[\n").unwrap();
    let ctx = BuildContext::open(dir.path(), dir.path().join("Dockerfile"));
    for (n, text) in texts.iter().enumerate() {
        for seed in 0..40 {
            let what = format!("text {n}");
            run_series(text, None, &all_rules(), seed, 8, &what);
            run_series(text, Some(&ctx), &all_rules(), seed, 8, &what);
        }
    }
}
