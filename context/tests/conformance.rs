//! Table-driven conformance tests: every row of the four TSV files in
//! `tests/data/` (copied from /work/shared/conformance, see SOURCE.md) is
//! checked. Each test prints how many rows it ran and fails listing every
//! mismatch.
//!
//! Not checked: the `goarchive_sim` column of dockerignore-walk-cases.tsv,
//! which simulates the classic builder's (go-archive TarWithOptions) walk;
//! dflint models BuildKit's walk only. The `expected` and `fsutil_sim`
//! columns of the same rows ARE checked.

use dflint_context::ignore::{read_all, MatchInfo, PatternMatcher};
use dflint_context::{
    glob, resolve_wildcards, split_parents, split_wildcards, BuildContext, ContextFs, EntryKind,
    IgnoreFile, MemoryContext, SourceResolution, Walk,
};
use std::collections::{BTreeMap, BTreeSet};

fn rows(file: &str) -> Vec<Vec<String>> {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = Vec::new();
    let mut header_seen = false;
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        if !header_seen {
            header_seen = true; // column names
            continue;
        }
        out.push(line.split('\t').map(str::to_string).collect());
    }
    assert!(!out.is_empty(), "{file}: no rows");
    out
}

struct Report {
    name: &'static str,
    ran: usize,
    failures: Vec<String>,
}

impl Report {
    fn new(name: &'static str) -> Self {
        Report {
            name,
            ran: 0,
            failures: Vec::new(),
        }
    }
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.ran += 1;
        if !ok {
            self.failures.push(what());
        }
    }
    fn finish(self) {
        println!(
            "{}: {} rows run, {} passed, {} failed",
            self.name,
            self.ran,
            self.ran - self.failures.len(),
            self.failures.len()
        );
        assert!(
            self.failures.is_empty(),
            "{} mismatches in {}:\n{}",
            self.failures.len(),
            self.name,
            self.failures.join("\n")
        );
    }
}

fn split_patterns(s: &str) -> Vec<String> {
    if s == "<none>" || s == "-" || s.is_empty() {
        return Vec::new();
    }
    s.split(" | ").map(str::to_string).collect()
}

/// Decode a Go double-quoted string literal (the escapes the TSVs use).
fn go_unquote(s: &str) -> Vec<u8> {
    let inner = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_else(|| panic!("not a Go string: {s}"));
    let mut out = Vec::new();
    let mut it = inner.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match it.next().expect("dangling escape") {
            'n' => out.push(b'\n'),
            'r' => out.push(b'\r'),
            't' => out.push(b'\t'),
            '\\' => out.push(b'\\'),
            '"' => out.push(b'"'),
            'x' => {
                let h: String = it.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&h, 16).unwrap());
            }
            'u' => {
                let h: String = it.by_ref().take(4).collect();
                let ch = char::from_u32(u32::from_str_radix(&h, 16).unwrap()).unwrap();
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            other => panic!("unhandled escape \\{other} in {s}"),
        }
    }
    out
}

/// Split a Go-quoted list like `"a" "\ufeffb"` into its strings.
fn go_quoted_list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b' ' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < b.len() && b[i] != b'"' {
            if b[i] == b'\\' {
                i += 1;
            }
            i += 1;
        }
        i += 1;
        let lit = &s[start..i];
        out.push(String::from_utf8(go_unquote(lit)).unwrap());
    }
    out
}

#[test]
fn filepath_match_cases() {
    let mut r = Report::new("filepath-match-cases.tsv");
    for row in rows("filepath-match-cases.tsv") {
        let (pat, name, want, err) = (&row[0], &row[1], &row[2], &row[3]);
        let got = glob::match_path(pat, name);
        let ok = if err == "ErrBadPattern" {
            got.is_err()
        } else {
            got == Ok(want == "true")
        };
        r.check(ok, || {
            format!("Match({pat:?}, {name:?}) = {got:?}, want {want} {err}")
        });
    }
    r.finish();
}

/// MatchesUsingParentResults chained over the path's prefixes, as the
/// `walk` column describes.
fn walk_chain(pm: &PatternMatcher, path: &str) -> Result<bool, glob::BadPattern> {
    let comps: Vec<&str> = path.split('/').collect();
    let mut info = MatchInfo::default();
    for i in 0..comps.len() - 1 {
        let prefix = comps[..=i].join("/");
        info = pm.matches_using_parent_results(&prefix, &info)?.1;
    }
    Ok(pm.matches_using_parent_results(path, &info)?.0)
}

fn fmt_result(r: Result<bool, glob::BadPattern>) -> String {
    match r {
        Ok(b) => b.to_string(),
        Err(_) => "ERR(ErrBadPattern)".into(),
    }
}

#[test]
fn dockerignore_cases() {
    let mut r = Report::new("dockerignore-cases.tsv");
    for row in rows("dockerignore-cases.tsv") {
        let (pats, path, want, api, err) = (&row[0], &row[1], &row[2], &row[4], &row[5]);
        let (orparent, walk) = (&row[6], &row[7]);
        let id = format!("[{pats}] {path:?} ({api})");
        if api.starts_with("compile()") {
            let pm = PatternMatcher::new(&[pats.as_str()]).unwrap();
            let p = &pm.patterns()[0];
            let kind = p.kind().map(|k| format!("{k}Match")).unwrap_or_default();
            let mut got = format!("compile:{kind}");
            if let Some(re) = p.go_regexp() {
                got.push_str(&format!(" re={re}"));
            }
            // The table also lists Windows regexps (winre=); only the Unix one applies.
            let want_unix = want.split(" winre=").next().unwrap();
            r.check(got == want_unix, || format!("{id}: got {got}, want {want}"));
        } else if api.starts_with("ignorefile.ReadAll(line)") {
            let got = read_all(&go_unquote(pats)).unwrap();
            let ok = match want.as_str() {
                "<skipped>" => got.is_empty(),
                w => got.len() == 1 && got[0].text == w,
            };
            r.check(ok, || format!("{id}: got {got:?}, want {want}"));
        } else if api.starts_with("ignorefile.ReadAll(nil)") {
            let got = read_all(b"").unwrap();
            r.check(got.is_empty() && want == "<zero entries>", || {
                format!("{id}: {got:?}")
            });
        } else if api.starts_with("ignorefile.ReadAll(whole input)") {
            let input = if pats.starts_with("<70000") {
                vec![b'x'; 70000]
            } else {
                go_unquote(pats)
            };
            let got = read_all(&input);
            let ok = match (want.as_str(), &got) {
                ("<error>", Err(e)) => err.ends_with(&e.to_string()),
                ("<skipped>", Ok(v)) => v.is_empty(),
                (w, Ok(v)) => {
                    let texts: Vec<String> = v.iter().map(|l| l.text.clone()).collect();
                    let new_ok = if let Some(msg) = err.strip_prefix("New() then fails: ") {
                        PatternMatcher::from_ignore_file(&input)
                            .is_err_and(|e| e.to_string() == msg)
                    } else {
                        PatternMatcher::from_ignore_file(&input).is_ok()
                    };
                    texts == go_quoted_list(w) && new_ok
                }
                _ => false,
            };
            r.check(ok, || format!("{id}: got {got:?}, want {want} {err}"));
        } else if api == "New().Patterns()" {
            let pm = PatternMatcher::new(&split_patterns(pats)).unwrap();
            let got = format!("patterns={}", pm.patterns().len());
            r.check(&got == want, || format!("{id}: got {got}, want {want}"));
        } else if api == "New().Exclusions()" {
            let pm = PatternMatcher::new(&split_patterns(pats)).unwrap();
            let got = format!("exclusions={}", pm.has_exclusions());
            r.check(&got == want, || format!("{id}: got {got}, want {want}"));
        } else if api == "New()" {
            let got = PatternMatcher::new(&split_patterns(pats));
            let ok =
                want == "new-error" && got.as_ref().is_err_and(|e| err == &format!("error: {e}"));
            r.check(ok, || format!("{id}: got {got:?}, want {err}"));
        } else if api.starts_with("New() ok; MatchesOrParentMatches() x2") {
            let pm = PatternMatcher::new(&split_patterns(pats)).unwrap();
            let a = pm.matches_or_parent_matches(path);
            let b = pm.matches_or_parent_matches(path);
            r.check(a.is_err() && b.is_err() && err == "ErrBadPattern", || {
                format!("{id}: got {a:?} {b:?}")
            });
        } else {
            // Matcher rows: expected is the decision of the named API; the
            // orparent and walk columns are checked for every row too.
            let new = PatternMatcher::new(&split_patterns(pats));
            let pm = match new {
                Ok(pm) => pm,
                Err(e) => {
                    let bad = matches!(e, dflint_context::PatternError::BadPattern { .. });
                    let ok = (err.starts_with("error: ") && err == &format!("error: {e}"))
                        || (err == "ErrBadPattern" && bad)
                        || (err.is_empty() && want == "NEWERR(ErrBadPattern)" && bad);
                    let ok = ok && orparent.starts_with("NEWERR") && walk.starts_with("NEWERR");
                    r.check(ok, || format!("{id}: New() failed with {e}, want {err}"));
                    continue;
                }
            };
            let deprecated = fmt_result(pm.matches(path));
            let or = fmt_result(pm.matches_or_parent_matches(path).map(|d| d.is_some()));
            let wk = fmt_result(walk_chain(&pm, path));
            let main = if api.starts_with("Matches(deprecated)") {
                &deprecated
            } else {
                &or
            };
            // '-' = the column was not recorded for this row.
            let ok = main == want
                && (orparent == "-" || &or == orparent)
                && (walk == "-" || &wk == walk);
            r.check(ok, || {
                format!(
                    "{id}: want {want} orparent={orparent} walk={walk}; got deprecated={deprecated} orparent={or} walk={wk}"
                )
            });
        }
    }
    r.finish();
}

fn tree_of(list: &str) -> MemoryContext {
    let items: Vec<&str> = list.split(',').filter(|s| !s.is_empty()).collect();
    MemoryContext::from_list(&items)
}

fn walked(
    fs: &MemoryContext,
    base: &str,
    include: Option<&PatternMatcher>,
    exclude: Option<&PatternMatcher>,
) -> Vec<(String, EntryKind)> {
    Walk::new(fs, base, include, exclude)
        .map(|e| e.map(|e| (e.rel_path, e.kind)).expect("walk error"))
        .collect()
}

#[test]
fn dockerignore_walk_cases() {
    let mut r = Report::new("dockerignore-walk-cases.tsv");
    let mut cache: BTreeMap<(String, String, String), BTreeSet<String>> = BTreeMap::new();
    for row in rows("dockerignore-walk-cases.tsv") {
        let (inc, exc, tree, path, want, sim) =
            (&row[0], &row[1], &row[2], &row[3], &row[4], &row[6]);
        // row[7] (goarchive_sim, the classic builder) is deliberately not checked.
        let sent = cache
            .entry((inc.clone(), exc.clone(), tree.clone()))
            .or_insert_with(|| {
                let fs = tree_of(tree);
                let inc = PatternMatcher::new(&split_patterns(inc)).unwrap();
                let exc = PatternMatcher::new(&split_patterns(exc)).unwrap();
                walked(&fs, "", Some(&inc), Some(&exc))
                    .into_iter()
                    .map(|(p, _)| p)
                    .collect()
            });
        let got = sent.contains(path.as_str());
        r.check(got.to_string() == *want && got.to_string() == *sim, || {
            format!("include={inc} exclude={exc} tree={tree}: {path} sent={got}, want {want} (fsutil_sim {sim}); walk sent {sent:?}")
        });
    }
    r.finish();
}

const CTX1: &str = "Dockerfile,.dockerignore,.hidden,foo.go,bar.go,foo.txt,a*b,sub/,sub/dir1/,sub/dir1/dir2/,sub/dir1/dir2/foo,sub/x.go,dir/,dir/x,dir/a/,dir/a/x,dir/a/b/,dir/a/b/x,arr[0].txt,index.js,index.ts,indexxjs,a/,a/c";

/// testCopyRelativeParents' base stage (buildkit dockerfile_parents_test.go):
/// the tree its RUN step creates under /test.
const PARENTS_TREE: &str = "test/a/b/c/d/e/,test/a/b2/c/d/e/,test/a/b/c2/d/e/,test/a/b/c2/d/e2/,test/a/b/c/d/foo,test/a/b/c/d/e/bay,test/a/b2/c/d/e/bar,test/a/b/c2/d/e/baz,test/a/b/c2/d/e2/baz";
/// testCopyParentsMissingDirectory's base: no b2, no c2.
const PARENTS_MISSING_TREE: &str = "test/a/b/c/d/e/,test/a/b/c/d/foo,test/a/b/c/d/e/bay";
const WILDCARD_TREE: &str =
    "Dockerfile,foo.go,bar.go,sub/,sub/dir1/,sub/dir1/dir2/,sub/dir1/dir2/foo";

fn note_tree(note: &str) -> Option<String> {
    let i = note.find("tree=")?;
    let rest = &note[i + 5..];
    let end = rest.find([';', ' ']).unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

fn join(dir: &str, rel: &str) -> String {
    let s = format!("{}/{}", dir.trim_end_matches('/'), rel);
    s.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// Simulate one COPY/ADD the way BuildKit resolves and copies it, using
/// only the crate's public API. Returns the set of paths created (relative
/// to `/`) and the destination directory, or Err for a build error.
fn simulate(
    instr: &str,
    fs: MemoryContext,
    ignore: IgnoreFile,
) -> Result<(BTreeSet<String>, String), String> {
    let (workdir, instr) = match instr.strip_prefix("WORKDIR ") {
        Some(rest) => {
            let (w, i) = rest.split_once(" + ").unwrap();
            (w.to_string(), i.to_string())
        }
        None => ("/".to_string(), instr.to_string()),
    };
    let mut words: Vec<&str> = instr.split_whitespace().collect();
    words.remove(0); // COPY / ADD
    let mut excludes = Vec::new();
    let mut parents = false;
    while let Some(w) = words.first().copied().filter(|w| w.starts_with("--")) {
        words.remove(0);
        if let Some(x) = w.strip_prefix("--exclude=") {
            excludes.push(x.to_string());
        } else if w == "--parents" {
            parents = true;
        }
    }
    let dest_word = words.pop().unwrap();
    let dest = if dest_word.starts_with('/') {
        dest_word.to_string()
    } else {
        format!("{workdir}/{dest_word}")
    };
    let dest_is_dir = dest_word.ends_with('/') || dest_word == "." || words.len() > 1;
    let dest_dir = join(&dest, "");
    let excl = PatternMatcher::new(&excludes).unwrap();
    let ctx = BuildContext::new(fs, ignore);
    let mut out = BTreeSet::new();
    for src in words {
        if parents {
            let (parent, pattern) = split_parents(src);
            let parent_dirs: Vec<String> = if dflint_context::glob::contains_wildcards(&parent) {
                let (d1, d2) = split_wildcards(&parent);
                resolve_wildcards(ctx.fs(), &d1, &d2)
                    .map_err(|_| "bad pattern".to_string())?
                    .into_iter()
                    .filter(|(_, k)| *k == EntryKind::Dir)
                    .map(|(p, _)| p)
                    .collect()
            } else {
                vec![parent.clone()]
            };
            let required = join(&parent, &pattern);
            if !dflint_context::glob::contains_wildcards(&required)
                && ctx.fs().kind(&required).is_none()
            {
                return Err(format!("\"/{required}\": not found"));
            }
            let inc = PatternMatcher::new(&[pattern.as_str()]).unwrap();
            for p in parent_dirs {
                for e in Walk::new(ctx.fs(), &p, Some(&inc), Some(&excl)) {
                    out.insert(join(&dest_dir, &e.unwrap().rel_path));
                }
            }
            continue;
        }
        let res = ctx.resolve_source(src);
        match &res {
            SourceResolution::Missing { path } | SourceResolution::Excluded { path, .. } => {
                return Err(format!("\"/{path}\": not found"));
            }
            _ => {}
        }
        let found = res.found_paths().to_vec();
        let single_file = found.len() == 1;
        for p in found {
            let kind = ctx.fs().kind(&p).unwrap();
            if kind == EntryKind::Dir {
                out.insert(dest_dir.clone());
                let base = if p == "." { "" } else { p.as_str() };
                for e in Walk::new(ctx.fs(), base, None, Some(&excl)) {
                    out.insert(join(&dest_dir, &e.unwrap().rel_path));
                }
            } else if dest_is_dir || !single_file {
                out.insert(join(&dest_dir, p.rsplit('/').next().unwrap()));
            } else {
                out.insert(dest_dir.clone());
            }
        }
    }
    Ok((out, dest_dir))
}

#[test]
fn copy_cases() {
    let mut r = Report::new("copy-cases.tsv");
    let ctx1 = tree_of(CTX1);
    for row in rows("copy-cases.tsv") {
        let (kind, pattern, path, want, source, note) =
            (&row[0], &row[1], &row[2], &row[3], &row[4], &row[5]);
        let id = format!("{kind} {pattern:?} {path:?}");
        match kind.as_str() {
            "resolve" => {
                let ctx = BuildContext::new(ctx1.clone(), IgnoreFile::default());
                let res = ctx.resolve_source(pattern);
                let got = res.found_paths().iter().any(|p| p == path);
                r.check(got.to_string() == *want, || {
                    format!("{id}: got {res:?}, want {want}")
                });
            }
            "include-exclude" => {
                let spec = pattern.strip_prefix("include=").unwrap();
                let (inc, exc) = spec.split_once(" ; exclude=").unwrap();
                let fs = tree_of(&note_tree(note).unwrap());
                let inc = PatternMatcher::new(&split_patterns(inc)).unwrap();
                let exc = PatternMatcher::new(&split_patterns(exc)).unwrap();
                let sent: BTreeSet<String> = walked(&fs, "", Some(&inc), Some(&exc))
                    .into_iter()
                    .map(|(p, _)| p)
                    .collect();
                let got = sent.contains(path.as_str());
                r.check(got.to_string() == *want, || {
                    format!("{id}: got {got}; copied {sent:?}")
                });
            }
            "result" | "error" => {
                let mut ignore = IgnoreFile::default();
                let mut instr = pattern.clone();
                let tree = if pattern.contains("--from=base") {
                    if source.contains("MissingDirectory") {
                        PARENTS_MISSING_TREE.to_string()
                    } else {
                        PARENTS_TREE.to_string()
                    }
                } else if let Some(t) = note_tree(note) {
                    t
                } else if pattern.starts_with("COPY Dockerfile . (with .dockerignore 'Dockerfile')")
                {
                    instr = "COPY Dockerfile .".into();
                    ignore = IgnoreFile::parse(".dockerignore", None, b"Dockerfile\n");
                    "Dockerfile,.dockerignore".into()
                } else if source.contains("testEmptyWildcard") {
                    "Dockerfile,foo".into()
                } else if source.contains("testCopyParents") {
                    "Dockerfile,foo1/foo2/bar,foo1/foo2/baz".into()
                } else {
                    WILDCARD_TREE.into()
                };
                let result = simulate(&instr, tree_of(&tree), ignore);
                match (kind.as_str(), result) {
                    ("error", res) => r.check(res.is_err() && want == "error", || {
                        format!("{id}: expected an error, got {res:?}")
                    }),
                    (_, Err(e)) => r.check(false, || format!("{id}: build error {e}")),
                    (_, Ok((out, dest_dir))) => {
                        let relative_to_dest = note.contains("relative to the COPY destination")
                            || note.contains("relative to /out/");
                        let got = if path == "<any>" {
                            out.iter().any(|p| p != &dest_dir)
                        } else if relative_to_dest {
                            out.contains(&join(&dest_dir, path))
                        } else {
                            out.contains(&join("", path))
                        };
                        r.check(got.to_string() == *want, || {
                            format!("{id}: got {got}, want {want}; created {out:?}")
                        });
                    }
                }
            }
            other => r.check(false, || format!("unknown kind {other}")),
        }
    }
    r.finish();
}

#[test]
fn memory_context_basics() {
    let fs = tree_of("a/,a/b,c");
    assert_eq!(fs.kind("a"), Some(EntryKind::Dir));
    assert_eq!(fs.kind("./a/b"), Some(EntryKind::File));
    assert_eq!(fs.kind("x"), None);
    assert_eq!(
        fs.read_dir(""),
        vec![
            ("a".to_string(), EntryKind::Dir),
            ("c".to_string(), EntryKind::File)
        ]
    );
}
