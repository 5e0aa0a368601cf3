//! Finding the Dockerfiles that `dflint check` lints.
//!
//! A path named on the command line is always linted, whatever its name (pre-commit passes file
//! names, and a user who names a file means it). A folder is walked recursively for files named
//! like Dockerfiles (see [`is_dockerfile_name`]), honouring `.gitignore`, `.ignore` and the global
//! git excludes even outside a git repository (so a tarball or a fresh copy behaves like the
//! checkout). Hidden folders are walked (`.devcontainer/Dockerfile` is common), `.git` is not.

use std::path::{Path, PathBuf};

/// One file to lint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The path to read, as given or as found under a given folder.
    pub path: PathBuf,
    /// Named on the command line (as opposed to found in a folder).
    pub explicit: bool,
}

/// A path that could not be used; reported with exit status 2, the other files are still linted.
#[derive(Debug)]
pub struct DiscoverError {
    pub path: PathBuf,
    pub message: String,
}

/// Does a file name look like a Dockerfile? `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`,
/// `*.dockerfile`, `Containerfile`, `Containerfile.*`; BuildKit's per-Dockerfile ignore files
/// (`Dockerfile.dockerignore`) are not Dockerfiles.
pub fn is_dockerfile_name(name: &str) -> bool {
    if name.ends_with(".dockerignore") {
        return false;
    }
    let stem_match = |stem: &str| {
        name == stem
            || name
                .strip_prefix(stem)
                .is_some_and(|rest| rest.len() > 1 && rest.starts_with('.'))
    };
    stem_match("Dockerfile")
        || stem_match("Containerfile")
        || ["Dockerfile", "dockerfile"].iter().any(|ext| {
            name.strip_suffix(ext)
                .and_then(|s| s.strip_suffix('.'))
                .is_some_and(|s| !s.is_empty())
        })
}

/// Expands the command line's paths into files, in a stable order: the arguments in the order
/// given, each folder's files sorted by path. A file reached twice is linted once.
pub fn discover(paths: &[PathBuf]) -> (Vec<Target>, Vec<DiscoverError>) {
    let mut targets: Vec<Target> = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |targets: &mut Vec<Target>, path: PathBuf, explicit: bool| {
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if seen.insert(key) {
            targets.push(Target { path, explicit });
        }
    };
    for arg in paths {
        let meta = match std::fs::metadata(arg) {
            Ok(m) => m,
            Err(e) => {
                errors.push(DiscoverError {
                    path: arg.clone(),
                    message: io_message(&e),
                });
                continue;
            }
        };
        if !meta.is_dir() {
            push(&mut targets, arg.clone(), true);
            continue;
        }
        let mut found = Vec::new();
        let walk = ignore::WalkBuilder::new(arg)
            .hidden(false)
            .require_git(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walk {
            match entry {
                Ok(e) => {
                    let is_file = e.file_type().is_some_and(|t| t.is_file())
                        || (e.path_is_symlink() && e.path().is_file());
                    let named = e.file_name().to_str().is_some_and(is_dockerfile_name);
                    if is_file && named {
                        found.push(e.into_path());
                    }
                }
                Err(e) => errors.push(DiscoverError {
                    path: walk_error_path(&e).unwrap_or_else(|| arg.clone()),
                    message: walk_error_message(&e),
                }),
            }
        }
        found.sort();
        for p in found {
            push(&mut targets, p, false);
        }
    }
    (targets, errors)
}

/// `No such file or directory` rather than `... (os error 2)`.
pub fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn walk_error_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        _ => None,
    }
}

fn walk_error_message(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            walk_error_message(err)
        }
        ignore::Error::Io(io) => io_message(io),
        other => other.to_string(),
    }
}

/// The path as the user should see it: without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    let mut s: &str = &s;
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for yes in [
            "Dockerfile",
            "Dockerfile.dev",
            "Dockerfile.alpine.3",
            "api.Dockerfile",
            "api.dockerfile",
            "Containerfile",
            "Containerfile.ci",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "Dockerfile.",
            "Dockerfile.dockerignore",
            "Dockerfilex",
            ".dockerfile",
            "dockerfile.txt",
            "Containerfiles",
            "README.md",
            "docker-compose.yml",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }
}
