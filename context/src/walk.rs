//! The context walk BuildKit's client does (tonistiigi/fsutil filterFS):
//! lexical depth-first order, include and exclude patterns tested with
//! `MatchesUsingParentResults`, excluded ancestor directories emitted lazily
//! before the first entry that survives below them, and the same pruning of
//! excluded directories. Streaming: memory grows with depth, not tree size.

use crate::fs::{norm, ContextFs, EntryKind};
use crate::glob::{contains_wildcards, BadPattern};
use crate::ignore::{MatchInfo, PatternMatcher};
use std::path::PathBuf;

/// One entry the walk sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkEntry {
    /// Slash path relative to the walk's base directory.
    pub rel_path: String,
    /// File, directory or symlink (symlinks are not followed).
    pub kind: EntryKind,
    /// Absolute path on disk, when the view is a disk folder.
    pub disk_path: Option<PathBuf>,
}

struct Frame {
    /// Rel path (relative to base) of this directory; "" for the base.
    path: String,
    kind: EntryKind,
    children: std::vec::IntoIter<(String, EntryKind)>,
    include_info: MatchInfo,
    exclude_info: MatchInfo,
    emitted: bool,
}

/// Iterator over the entries of a context (or of one directory of it).
pub struct Walk<'a, F: ContextFs + ?Sized> {
    fs: &'a F,
    base: String,
    include: Option<&'a PatternMatcher>,
    exclude: Option<&'a PatternMatcher>,
    only_prefix_includes: bool,
    only_simple_excludes: bool,
    stack: Vec<Frame>,
    pending: std::collections::VecDeque<WalkEntry>,
    failed: bool,
}

fn strip_trailing_glob(p: &str) -> &str {
    p.strip_suffix("/**")
        .or_else(|| p.strip_suffix("/*"))
        .unwrap_or(p)
}

impl<'a, F: ContextFs + ?Sized> Walk<'a, F> {
    /// Walk the directory `base` (relative to the context root; `""` for the
    /// whole context). Paths yielded, and the paths the patterns are matched
    /// against, are relative to `base`. `include` (COPY sources, `--parents`
    /// patterns) must match and `exclude` (.dockerignore, `--exclude`) must
    /// not. The base itself is never yielded.
    pub fn new(
        fs: &'a F,
        base: &str,
        include: Option<&'a PatternMatcher>,
        exclude: Option<&'a PatternMatcher>,
    ) -> Self {
        let include = include.filter(|m| !m.is_empty());
        let exclude = exclude.filter(|m| !m.is_empty());
        let only_prefix_includes = include.is_none_or(|m| {
            m.patterns()
                .iter()
                .all(|p| !contains_wildcards(strip_trailing_glob(p.text())))
        });
        let only_simple_excludes = exclude.is_none_or(|m| {
            m.patterns()
                .iter()
                .filter(|p| p.is_exception())
                .all(|p| !contains_wildcards(strip_trailing_glob(p.text())))
        });
        let base = norm(base);
        let mut w = Walk {
            fs,
            base: base.clone(),
            include,
            exclude,
            only_prefix_includes,
            only_simple_excludes,
            stack: Vec::new(),
            pending: Default::default(),
            failed: false,
        };
        if fs.kind(&base) == Some(EntryKind::Dir) {
            w.stack.push(Frame {
                path: String::new(),
                kind: EntryKind::Dir,
                children: fs.read_dir(&base).into_iter(),
                include_info: MatchInfo::default(),
                exclude_info: MatchInfo::default(),
                emitted: true,
            });
        }
        w
    }

    fn full(&self, rel: &str) -> String {
        match (self.base.is_empty(), rel.is_empty()) {
            (true, _) => rel.to_string(),
            (false, true) => self.base.clone(),
            (false, false) => format!("{}/{}", self.base, rel),
        }
    }

    fn entry(&self, rel: &str, kind: EntryKind) -> WalkEntry {
        WalkEntry {
            rel_path: rel.to_string(),
            kind,
            disk_path: self.fs.disk_path(&self.full(rel)),
        }
    }

    /// Visit one entry; queue what it makes the walk send.
    fn visit(&mut self, path: String, kind: EntryKind) -> Result<(), BadPattern> {
        let is_dir = kind == EntryKind::Dir;
        let parent = self.stack.last().expect("visit needs a parent frame");
        let (parent_inc, parent_exc) = if parent.path.is_empty() {
            (MatchInfo::default(), MatchInfo::default())
        } else {
            (parent.include_info.clone(), parent.exclude_info.clone())
        };
        let dir_slash = format!("{path}/");
        let mut skip = false;
        let mut include_info = MatchInfo::default();
        let mut exclude_info = MatchInfo::default();
        if let Some(inc) = self.include {
            let (m, info) = inc.matches_using_parent_results(&path, &parent_inc)?;
            include_info = info;
            if !m {
                if is_dir
                    && self.only_prefix_includes
                    && !inc
                        .patterns()
                        .iter()
                        .any(|p| !p.is_exception() && p.text().starts_with(&dir_slash))
                {
                    return Ok(());
                }
                skip = true;
            }
        }
        if let Some(exc) = self.exclude {
            let (m, info) = exc.matches_using_parent_results(&path, &parent_exc)?;
            exclude_info = info;
            if m {
                if is_dir && self.only_simple_excludes {
                    let keep = exc.has_exclusions()
                        && exc.patterns().iter().any(|p| {
                            p.is_exception() && format!("{}/", p.text()).starts_with(&dir_slash)
                        });
                    if !keep {
                        return Ok(());
                    }
                }
                skip = true;
            }
        }
        if !skip {
            for i in 0..self.stack.len() {
                if !self.stack[i].emitted {
                    let f = &self.stack[i];
                    let e = self.entry(&f.path, f.kind);
                    self.pending.push_back(e);
                    self.stack[i].emitted = true;
                }
            }
            let e = self.entry(&path, kind);
            self.pending.push_back(e);
        }
        if is_dir {
            let children = self.fs.read_dir(&self.full(&path)).into_iter();
            self.stack.push(Frame {
                path,
                kind,
                children,
                include_info,
                exclude_info,
                emitted: !skip,
            });
        }
        Ok(())
    }
}

impl<F: ContextFs + ?Sized> Iterator for Walk<'_, F> {
    type Item = Result<WalkEntry, BadPattern>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(e) = self.pending.pop_front() {
                return Some(Ok(e));
            }
            if self.failed {
                return None;
            }
            let top = self.stack.last_mut()?;
            let Some((name, kind)) = top.children.next() else {
                self.stack.pop();
                continue;
            };
            let path = if top.path.is_empty() {
                name
            } else {
                format!("{}/{}", top.path, name)
            };
            if let Err(e) = self.visit(path, kind) {
                self.failed = true;
                return Some(Err(e));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemoryContext;

    fn run(tree: &[&str], exclude: &[&str]) -> Vec<String> {
        let fs = MemoryContext::from_list(tree);
        let exc = PatternMatcher::new(exclude).unwrap();
        Walk::new(&fs, "", None, Some(&exc))
            .map(|e| e.unwrap().rel_path)
            .collect()
    }

    #[test]
    fn lazily_emits_excluded_parents() {
        let got = run(
            &["foo/", "foo/bar1", "foo/bar2", "baz"],
            &["foo*", "!foo/bar2"],
        );
        assert_eq!(got, ["baz", "foo", "foo/bar2"]);
    }

    #[test]
    fn order_is_lexical_and_root_is_skipped() {
        let got = run(&["b", "a/", "a/z", "a/y", "B"], &[]);
        assert_eq!(got, ["B", "a", "a/y", "a/z", "b"]);
    }
}
