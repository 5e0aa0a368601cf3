//! [`BuildContext`]: a context view plus the ignore file in effect, and
//! COPY/ADD source resolution against it.

use crate::fs::{norm, ContextFs, DiskContext, EntryKind};
use crate::glob::{self, contains_wildcards, BadPattern};
use crate::gopath;
use crate::ignore::{PatternError, PatternMatcher};
use std::path::{Path, PathBuf};

/// The ignore file a build uses, and what came of reading it.
#[derive(Debug, Default)]
pub struct IgnoreFile {
    /// Where it was read from; `None` when there is none (no patterns).
    pub path: Option<PathBuf>,
    /// Short name for messages: `.dockerignore` or `Dockerfile.dockerignore`.
    pub name: String,
    /// The patterns (empty when missing or unreadable).
    pub matcher: PatternMatcher,
    /// A parse or read error. BuildKit fails the build on these.
    pub error: Option<PatternError>,
    /// An I/O error reading an existing file (not "not found").
    pub io_error: Option<String>,
}

impl IgnoreFile {
    /// Parse `content` as an ignore file called `name`. Errors are recorded,
    /// not returned: the matcher is then empty.
    pub fn parse(name: &str, path: Option<PathBuf>, content: &[u8]) -> Self {
        let mut f = IgnoreFile {
            path,
            name: name.to_string(),
            ..Default::default()
        };
        match PatternMatcher::from_ignore_file(content) {
            Ok(m) => {
                f.error = m.check_all().err();
                f.matcher = m;
            }
            Err(e) => f.error = Some(e),
        }
        f
    }
}

/// Which ignore file BuildKit uses for `dockerfile`: `<name>.dockerignore`
/// beside the Dockerfile (name as given) if it exists, else
/// `<context>/.dockerignore`. Returns the candidates in that order with
/// the first one that exists, if any.
pub fn ignore_file_candidates(context_dir: &Path, dockerfile: &Path) -> [PathBuf; 2] {
    let name = dockerfile
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Dockerfile".to_string());
    let beside = dockerfile
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .join(format!("{name}.dockerignore"));
    [beside, context_dir.join(".dockerignore")]
}

/// Which `.dockerignore` pattern excluded a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// Index of the pattern in the matcher.
    pub index: usize,
    /// The pattern as written (after ReadAll's cleaning), e.g. `*.md`.
    pub pattern: String,
    /// The ignore file's short name, e.g. `.dockerignore`.
    pub file: String,
    /// 1-based line in that file.
    pub line: Option<usize>,
}

/// What a COPY/ADD source word refers to in the context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceResolution {
    /// Present. Paths are relative to the context root; `"."` is the whole
    /// context. A wildcard gives every top-level match (dirs not descended).
    Found {
        /// The matched paths, in walk order.
        paths: Vec<String>,
    },
    /// No such file (BuildKit: `failed to calculate checksum ...: not found`).
    Missing {
        /// The cleaned path that was looked up.
        path: String,
    },
    /// Present on disk but excluded by the ignore file, so BuildKit fails
    /// exactly as if it were missing.
    Excluded {
        /// The cleaned path.
        path: String,
        /// The deciding pattern.
        by: Exclusion,
    },
    /// The source climbs above the context root (`../x`). BuildKit clamps it
    /// to the root (`/x`); `clamped` is that path, and `resolved` what it
    /// resolves to.
    EscapesContext {
        /// The path BuildKit actually uses, relative to the root.
        clamped: String,
        /// Resolution of the clamped path.
        resolved: Box<SourceResolution>,
    },
    /// A wildcard that matches nothing: BuildKit copies nothing and goes on;
    /// the classic builder fails with "no source files were specified".
    WildcardNoMatch,
    /// A wildcard whose every match is excluded by the ignore file.
    WildcardOnlyExcluded {
        /// The excluded matches.
        paths: Vec<String>,
        /// The pattern that excluded the first of them.
        by: Exclusion,
    },
    /// The wildcard is not a valid `filepath.Match` pattern.
    BadPattern {
        /// The offending pattern part.
        pattern: String,
    },
}

impl SourceResolution {
    /// The paths that would be copied (empty unless `Found`, or
    /// `EscapesContext` over a found path).
    pub fn found_paths(&self) -> &[String] {
        match self {
            SourceResolution::Found { paths } => paths,
            SourceResolution::EscapesContext { resolved, .. } => resolved.found_paths(),
            _ => &[],
        }
    }
}

/// BuildKit's splitWildcards on a cleaned relative path: the components
/// before the first one with a wildcard, and the rest.
pub fn split_wildcards(rel: &str) -> (String, String) {
    let mut d1: Vec<&str> = Vec::new();
    let mut d2: Vec<&str> = Vec::new();
    for c in rel.split('/').filter(|c| !c.is_empty()) {
        if d2.is_empty() && !contains_wildcards(c) {
            d1.push(c);
        } else {
            d2.push(c);
        }
    }
    (d1.join("/"), d2.join("/"))
}

/// Split a `COPY --parents` source at its first `/./` into (parent,
/// pattern), both relative to the context root (copy-wildcards.md §5).
/// Without a pivot the parent is the root and the pattern is the whole path.
pub fn split_parents(src: &str) -> (String, String) {
    let abs = if src.starts_with('/') {
        src.to_string()
    } else {
        format!("/{src}")
    };
    match abs.find("/./") {
        Some(i) => {
            let parent = gopath::clean(&abs[..i.max(1)]);
            let pattern = gopath::clean(&abs[i + 3..]);
            (norm(&parent), norm(&pattern))
        }
        None => (String::new(), norm(&gopath::clean(&abs))),
    }
}

/// A build context: a read-only view plus the ignore file in effect.
pub struct BuildContext {
    fs: Box<dyn ContextFs + Send + Sync>,
    ignore: IgnoreFile,
}

impl std::fmt::Debug for BuildContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuildContext")
            .field("ignore", &self.ignore)
            .finish_non_exhaustive()
    }
}

impl BuildContext {
    /// A context folder on disk, with the ignore file BuildKit would pick for
    /// `dockerfile` (see [`ignore_file_candidates`]). Never fails: a
    /// missing file means no patterns, a bad one is recorded in
    /// [`IgnoreFile::error`].
    pub fn open(context_dir: impl AsRef<Path>, dockerfile: impl AsRef<Path>) -> Self {
        let context_dir = context_dir.as_ref();
        let mut ignore = IgnoreFile {
            name: ".dockerignore".into(),
            ..Default::default()
        };
        for cand in ignore_file_candidates(context_dir, dockerfile.as_ref()) {
            match std::fs::read(&cand) {
                Ok(bytes) => {
                    let name = cand
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    ignore = IgnoreFile::parse(&name, Some(cand), &bytes);
                    break;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    ignore.path = Some(cand);
                    ignore.io_error = Some(e.to_string());
                    break;
                }
            }
        }
        BuildContext {
            fs: Box::new(DiskContext::new(context_dir)),
            ignore,
        }
    }

    /// Any view with an already chosen ignore file (the language server
    /// passes a [`crate::MemoryContext`] and the editor's buffer).
    pub fn new(fs: impl ContextFs + Send + Sync + 'static, ignore: IgnoreFile) -> Self {
        BuildContext {
            fs: Box::new(fs),
            ignore,
        }
    }

    /// The view.
    pub fn fs(&self) -> &dyn ContextFs {
        &*self.fs
    }

    /// The ignore file in effect.
    pub fn ignore(&self) -> &IgnoreFile {
        &self.ignore
    }

    /// Is `rel_path` excluded by the ignore file (MatchesOrParentMatches)?
    /// A bad pattern counts as not excluded (it is reported at open).
    pub fn excluded_by(&self, rel_path: &str) -> Option<Exclusion> {
        let m = &self.ignore.matcher;
        let idx = m.matches_or_parent_matches(rel_path).ok()??;
        let p = &m.patterns()[idx];
        Some(Exclusion {
            index: idx,
            pattern: p.display(),
            file: self.ignore.name.clone(),
            line: p.line(),
        })
    }

    /// Like [`Self::excluded_by`], but a directory that is excluded while an
    /// exception keeps something below it is still sent by BuildKit (as a
    /// lazily emitted parent), so it counts as present.
    fn effective_exclusion(&self, rel: &str, kind: EntryKind) -> Option<Exclusion> {
        let by = self.excluded_by(rel)?;
        if kind == EntryKind::Dir && self.ignore.matcher.has_exclusions() {
            let mut stack = vec![rel.to_string()];
            while let Some(d) = stack.pop() {
                for (name, k) in self.fs.read_dir(&d) {
                    let p = format!("{d}/{name}");
                    // A surviving entry below keeps the dir in the context.
                    self.excluded_by(&p)?;
                    if k == EntryKind::Dir {
                        stack.push(p);
                    }
                }
            }
        }
        Some(by)
    }

    /// Resolve a COPY/ADD source word (after quote removal and variable
    /// expansion) the way BuildKit does for a local context.
    pub fn resolve_source(&self, src: &str) -> SourceResolution {
        let rel_clean = gopath::clean(src);
        let clamped = norm(&gopath::clean(&format!("/{src}")));
        if !src.starts_with('/') && (rel_clean == ".." || rel_clean.starts_with("../")) {
            let resolved = self.resolve_clean(&clamped);
            return SourceResolution::EscapesContext {
                clamped: if clamped.is_empty() {
                    ".".into()
                } else {
                    clamped
                },
                resolved: Box::new(resolved),
            };
        }
        self.resolve_clean(&clamped)
    }

    fn resolve_clean(&self, rel: &str) -> SourceResolution {
        if rel.is_empty() {
            return SourceResolution::Found {
                paths: vec![".".into()],
            };
        }
        if !contains_wildcards(rel) {
            return match self.fs.kind(rel) {
                None => SourceResolution::Missing { path: rel.into() },
                Some(kind) => match self.effective_exclusion(rel, kind) {
                    Some(by) => SourceResolution::Excluded {
                        path: rel.into(),
                        by,
                    },
                    None => SourceResolution::Found {
                        paths: vec![rel.into()],
                    },
                },
            };
        }
        let (d1, d2) = split_wildcards(rel);
        let matches = match resolve_wildcards(&*self.fs, &d1, &d2) {
            Ok(m) => m,
            Err(BadPattern) => return SourceResolution::BadPattern { pattern: d2 },
        };
        let mut found = Vec::new();
        let mut excluded = Vec::new();
        let mut first_by = None;
        for (p, kind) in matches {
            match self.effective_exclusion(&p, kind) {
                Some(by) => {
                    first_by.get_or_insert(by);
                    excluded.push(p);
                }
                None => found.push(p),
            }
        }
        match first_by {
            _ if !found.is_empty() => SourceResolution::Found { paths: found },
            Some(by) => SourceResolution::WildcardOnlyExcluded {
                paths: excluded,
                by,
            },
            None => SourceResolution::WildcardNoMatch,
        }
    }
}

/// fsutil `ResolveWildcards` below directory `d1`: walk it in lexical
/// order, test each path relative to `d1` with `filepath.Match(d2, rel)`,
/// keep matches and do not descend into a matched directory. Paths
/// returned are relative to the context root. `Err` if `d2` is malformed
/// (BuildKit's cache-key step reports it; the copy itself treats it as no
/// match).
pub fn resolve_wildcards<F: ContextFs + ?Sized>(
    fs: &F,
    d1: &str,
    d2: &str,
) -> Result<Vec<(String, EntryKind)>, BadPattern> {
    if glob::match_path(d2, "").is_err() || glob::check_syntax(d2).is_err() {
        return Err(BadPattern);
    }
    let mut out = Vec::new();
    if fs.kind(d1) != Some(EntryKind::Dir) {
        return Ok(out);
    }
    // Stack of pending directory listings, reversed for lexical pop order.
    let mut stack: Vec<(String, EntryKind)> = fs.read_dir(d1).into_iter().rev().collect();
    while let Some((rel, kind)) = stack.pop() {
        let full = if d1.is_empty() {
            rel.clone()
        } else {
            format!("{d1}/{rel}")
        };
        if glob::match_path(d2, &rel).unwrap_or(false) {
            out.push((full, kind));
            continue;
        }
        if kind == EntryKind::Dir {
            for (name, k) in fs.read_dir(&full).into_iter().rev() {
                stack.push((format!("{rel}/{name}"), k));
            }
        }
    }
    Ok(out)
}
