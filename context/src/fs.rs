//! Read-only views of a build context: on disk ([`DiskContext`]) or in
//! memory ([`MemoryContext`], for tests and for the language server's
//! unsaved state). Paths are slash-separated and relative to the context
//! root; `""` and `"."` name the root itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a context entry is. Symlinks are reported as such, never followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryKind {
    /// A regular file (or anything that is neither a dir nor a symlink).
    File,
    /// A directory.
    Dir,
    /// A symbolic link (dangling or not).
    Symlink,
}

/// A read-only view of the files of a build context.
pub trait ContextFs {
    /// The kind of the entry at `rel_path`, or `None` if it does not exist.
    fn kind(&self, rel_path: &str) -> Option<EntryKind>;

    /// The children of directory `rel_path`, sorted by name (byte order).
    /// Empty if it is not a directory.
    fn read_dir(&self, rel_path: &str) -> Vec<(String, EntryKind)>;

    /// The absolute path on disk of `rel_path`, when the view has one.
    fn disk_path(&self, _rel_path: &str) -> Option<PathBuf> {
        None
    }
}

/// Normalise a relative slash path: drop empty and `.` components.
pub(crate) fn norm(rel: &str) -> String {
    rel.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// A build context that is a folder on disk.
#[derive(Debug, Clone)]
pub struct DiskContext {
    root: PathBuf,
}

impl DiskContext {
    /// A view of the folder `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DiskContext { root: root.into() }
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn abs(&self, rel: &str) -> PathBuf {
        let n = norm(rel);
        if n.is_empty() {
            self.root.clone()
        } else {
            self.root.join(n)
        }
    }
}

fn kind_of(ft: std::fs::FileType) -> EntryKind {
    if ft.is_symlink() {
        EntryKind::Symlink
    } else if ft.is_dir() {
        EntryKind::Dir
    } else {
        EntryKind::File
    }
}

impl ContextFs for DiskContext {
    fn kind(&self, rel_path: &str) -> Option<EntryKind> {
        // `..` never leaves the root: callers clean paths first, but be safe.
        if rel_path.split('/').any(|c| c == "..") {
            return None;
        }
        std::fs::symlink_metadata(self.abs(rel_path))
            .ok()
            .map(|m| kind_of(m.file_type()))
    }

    fn read_dir(&self, rel_path: &str) -> Vec<(String, EntryKind)> {
        if rel_path.split('/').any(|c| c == "..") {
            return Vec::new();
        }
        let Ok(rd) = std::fs::read_dir(self.abs(rel_path)) else {
            return Vec::new();
        };
        let mut out: Vec<(String, EntryKind)> = rd
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let kind = e.file_type().ok().map(kind_of)?;
                Some((name, kind))
            })
            .collect();
        out.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        out
    }

    fn disk_path(&self, rel_path: &str) -> Option<PathBuf> {
        Some(self.abs(rel_path))
    }
}

/// An in-memory build context: a set of paths with their kinds. Parent
/// directories are implied.
#[derive(Debug, Clone, Default)]
pub struct MemoryContext {
    entries: BTreeMap<String, EntryKind>,
}

impl MemoryContext {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Build from a list like `["a/", "a/b", "c"]`: a trailing `/` marks a
    /// directory; parents are created as directories.
    pub fn from_list<S: AsRef<str>>(items: &[S]) -> Self {
        let mut m = Self::new();
        for item in items {
            let s = item.as_ref();
            if let Some(d) = s.strip_suffix('/') {
                m.insert(d, EntryKind::Dir);
            } else {
                m.insert(s, EntryKind::File);
            }
        }
        m
    }

    /// Add (or replace) an entry; missing parents become directories.
    pub fn insert(&mut self, rel_path: &str, kind: EntryKind) {
        let n = norm(rel_path);
        if n.is_empty() {
            return;
        }
        let mut acc = String::new();
        let comps: Vec<&str> = n.split('/').collect();
        for c in &comps[..comps.len() - 1] {
            if !acc.is_empty() {
                acc.push('/');
            }
            acc.push_str(c);
            self.entries.insert(acc.clone(), EntryKind::Dir);
        }
        self.entries.insert(n, kind);
    }

    /// Remove an entry and everything below it.
    pub fn remove(&mut self, rel_path: &str) {
        let n = norm(rel_path);
        let prefix = format!("{n}/");
        self.entries
            .retain(|k, _| k != &n && !k.starts_with(prefix.as_str()));
    }
}

impl ContextFs for MemoryContext {
    fn kind(&self, rel_path: &str) -> Option<EntryKind> {
        if rel_path.split('/').any(|c| c == "..") {
            return None;
        }
        let n = norm(rel_path);
        if n.is_empty() {
            return Some(EntryKind::Dir);
        }
        self.entries.get(&n).copied()
    }

    fn read_dir(&self, rel_path: &str) -> Vec<(String, EntryKind)> {
        if self.kind(rel_path) != Some(EntryKind::Dir) {
            return Vec::new();
        }
        let n = norm(rel_path);
        let prefix = if n.is_empty() {
            String::new()
        } else {
            format!("{n}/")
        };
        let mut out: Vec<(String, EntryKind)> = self
            .entries
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(prefix.as_str()))
            .filter(|(k, _)| !k[prefix.len()..].contains('/'))
            .map(|(k, v)| (k[prefix.len()..].to_string(), *v))
            .collect();
        out.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        out
    }
}

impl<T: ContextFs + ?Sized> ContextFs for &T {
    fn kind(&self, rel_path: &str) -> Option<EntryKind> {
        (**self).kind(rel_path)
    }
    fn read_dir(&self, rel_path: &str) -> Vec<(String, EntryKind)> {
        (**self).read_dir(rel_path)
    }
    fn disk_path(&self, rel_path: &str) -> Option<PathBuf> {
        (**self).disk_path(rel_path)
    }
}

impl<T: ContextFs + ?Sized> ContextFs for Box<T> {
    fn kind(&self, rel_path: &str) -> Option<EntryKind> {
        (**self).kind(rel_path)
    }
    fn read_dir(&self, rel_path: &str) -> Vec<(String, EntryKind)> {
        (**self).read_dir(rel_path)
    }
    fn disk_path(&self, rel_path: &str) -> Option<PathBuf> {
        (**self).disk_path(rel_path)
    }
}
