//! DiskContext, ignore-file selection and source resolution on a real
//! folder (tempfile).

use dflint_context::{
    BuildContext, ContextFs, DiskContext, EntryKind, PatternError, SourceResolution, Walk,
};
use std::fs;
use std::path::Path;

fn write(root: &Path, rel: &str, content: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, content).unwrap();
}

fn sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "Dockerfile", "FROM scratch\n");
    write(r, "src/main.go", "");
    write(r, "src/util.go", "");
    write(r, "docs/README.md", "");
    write(r, "docs/guide.md", "");
    write(r, "b.txt", "");
    write(r, "a.txt", "");
    fs::create_dir(r.join("empty")).unwrap();
    dir
}

#[test]
fn disk_context_kinds_and_sorted_listing() {
    let dir = sample();
    let ctx = DiskContext::new(dir.path());
    assert_eq!(ctx.kind("src"), Some(EntryKind::Dir));
    assert_eq!(ctx.kind("src/main.go"), Some(EntryKind::File));
    assert_eq!(ctx.kind("./src//main.go"), Some(EntryKind::File));
    assert_eq!(ctx.kind("nope"), None);
    assert_eq!(ctx.kind("../etc"), None, "never looks outside the root");
    assert_eq!(ctx.kind(""), Some(EntryKind::Dir));
    let names: Vec<String> = ctx.read_dir("").into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        ["Dockerfile", "a.txt", "b.txt", "docs", "empty", "src"]
    );
    assert!(ctx.read_dir("a.txt").is_empty());
    assert_eq!(
        ctx.disk_path("src/main.go"),
        Some(dir.path().join("src/main.go"))
    );
}

#[cfg(unix)]
#[test]
fn disk_context_reports_symlinks_without_following() {
    let dir = sample();
    std::os::unix::fs::symlink("src", dir.path().join("link")).unwrap();
    std::os::unix::fs::symlink("missing", dir.path().join("dangling")).unwrap();
    let ctx = DiskContext::new(dir.path());
    assert_eq!(ctx.kind("link"), Some(EntryKind::Symlink));
    assert_eq!(ctx.kind("dangling"), Some(EntryKind::Symlink));
}

#[test]
fn context_root_dockerignore_is_used_by_default() {
    let dir = sample();
    write(dir.path(), ".dockerignore", "# docs\n*.md\ndocs\n");
    let ctx = BuildContext::open(dir.path(), dir.path().join("Dockerfile"));
    assert_eq!(ctx.ignore().name, ".dockerignore");
    assert_eq!(
        ctx.ignore().path.as_deref(),
        Some(dir.path().join(".dockerignore").as_path())
    );
    match ctx.resolve_source("docs/README.md") {
        SourceResolution::Excluded { by, .. } => {
            assert_eq!(by.pattern, "docs");
            assert_eq!(by.line, Some(3));
            assert_eq!(by.file, ".dockerignore");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn dockerfile_specific_ignore_file_wins_and_is_not_merged() {
    let dir = sample();
    write(dir.path(), ".dockerignore", "src\n");
    write(dir.path(), "build/prod.Dockerfile", "FROM scratch\n");
    write(dir.path(), "build/prod.Dockerfile.dockerignore", "a.txt\n");
    let ctx = BuildContext::open(dir.path(), dir.path().join("build/prod.Dockerfile"));
    assert_eq!(ctx.ignore().name, "prod.Dockerfile.dockerignore");
    assert!(matches!(
        ctx.resolve_source("a.txt"),
        SourceResolution::Excluded { .. }
    ));
    assert_eq!(
        ctx.resolve_source("src/main.go"),
        SourceResolution::Found {
            paths: vec!["src/main.go".into()]
        },
        "the root .dockerignore is not read when the specific one exists"
    );
    // Without the specific file, the root one applies.
    fs::remove_file(dir.path().join("build/prod.Dockerfile.dockerignore")).unwrap();
    let ctx = BuildContext::open(dir.path(), dir.path().join("build/prod.Dockerfile"));
    assert_eq!(ctx.ignore().name, ".dockerignore");
    assert!(matches!(
        ctx.resolve_source("src/main.go"),
        SourceResolution::Excluded { .. }
    ));
}

#[test]
fn no_ignore_file_means_no_patterns() {
    let dir = sample();
    let ctx = BuildContext::open(dir.path(), dir.path().join("Dockerfile"));
    assert!(ctx.ignore().path.is_none());
    assert!(ctx.ignore().matcher.is_empty());
    assert!(ctx.ignore().error.is_none());
}

#[test]
fn bad_ignore_file_is_reported_not_a_panic() {
    let dir = sample();
    write(dir.path(), ".dockerignore", "ok\n!\n");
    let ctx = BuildContext::open(dir.path(), dir.path().join("Dockerfile"));
    assert_eq!(
        ctx.ignore().error,
        Some(PatternError::IllegalExclusion { line: Some(2) })
    );
    write(dir.path(), ".dockerignore", "ok\n\n[z-a]\n");
    let ctx = BuildContext::open(dir.path(), dir.path().join("Dockerfile"));
    assert_eq!(ctx.ignore().error.as_ref().and_then(|e| e.line()), Some(3));
}

#[test]
fn resolve_source_variants() {
    let dir = sample();
    write(dir.path(), ".dockerignore", "*.txt\n");
    let ctx = BuildContext::open(dir.path(), dir.path().join("Dockerfile"));
    assert_eq!(
        ctx.resolve_source("src"),
        SourceResolution::Found {
            paths: vec!["src".into()]
        }
    );
    assert_eq!(
        ctx.resolve_source("."),
        SourceResolution::Found {
            paths: vec![".".into()]
        }
    );
    assert_eq!(ctx.resolve_source("/"), ctx.resolve_source("."));
    assert_eq!(
        ctx.resolve_source("src/*.go"),
        SourceResolution::Found {
            paths: vec!["src/main.go".into(), "src/util.go".into()]
        }
    );
    assert_eq!(
        ctx.resolve_source("nope"),
        SourceResolution::Missing {
            path: "nope".into()
        }
    );
    assert_eq!(
        ctx.resolve_source("*.rs"),
        SourceResolution::WildcardNoMatch
    );
    match ctx.resolve_source("*.txt") {
        SourceResolution::WildcardOnlyExcluded { paths, by } => {
            assert_eq!(paths, ["a.txt", "b.txt"]);
            assert_eq!(by.pattern, "*.txt");
        }
        other => panic!("{other:?}"),
    }
    match ctx.resolve_source("../src") {
        SourceResolution::EscapesContext { clamped, resolved } => {
            assert_eq!(clamped, "src");
            assert!(matches!(*resolved, SourceResolution::Found { .. }));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        ctx.resolve_source("src/[a-"),
        SourceResolution::BadPattern { .. }
    ));
}

#[test]
fn excluded_dir_with_surviving_exception_is_present() {
    let dir = sample();
    write(dir.path(), ".dockerignore", "docs\n!docs/README.md\n");
    let ctx = BuildContext::open(dir.path(), dir.path().join("Dockerfile"));
    assert!(matches!(
        ctx.resolve_source("docs"),
        SourceResolution::Found { .. }
    ));
    assert!(matches!(
        ctx.resolve_source("docs/guide.md"),
        SourceResolution::Excluded { .. }
    ));
}

#[test]
fn walk_on_disk_gives_absolute_paths() {
    let dir = sample();
    write(
        dir.path(),
        ".dockerignore",
        "docs\n!docs/README.md\n*.txt\n",
    );
    let ctx = BuildContext::open(dir.path(), dir.path().join("Dockerfile"));
    let entries: Vec<_> = Walk::new(ctx.fs(), "", None, Some(&ctx.ignore().matcher))
        .map(|e| e.unwrap())
        .collect();
    let paths: Vec<&str> = entries.iter().map(|e| e.rel_path.as_str()).collect();
    assert_eq!(
        paths,
        [
            ".dockerignore",
            "Dockerfile",
            "docs",
            "docs/README.md",
            "empty",
            "src",
            "src/main.go",
            "src/util.go"
        ]
    );
    let main = entries
        .iter()
        .find(|e| e.rel_path == "src/main.go")
        .unwrap();
    assert_eq!(
        main.disk_path.as_deref(),
        Some(dir.path().join("src/main.go").as_path())
    );
    assert_eq!(entries[2].kind, EntryKind::Dir);
}
