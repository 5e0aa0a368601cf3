//! The build context as a tar stream, the body of the Engine API's `/build`.
//!
//! The tar is written on a blocking thread by the `tar` crate into a bounded channel of
//! 64 KiB chunks, so a large context is streamed to the engine, never held whole in memory.
//!
//! Which entries go in is decided by `dflint-context`: its [`Walk`] over the context with the
//! ignore file in effect (`<Dockerfile>.dockerignore` or `.dockerignore`), the same matcher
//! and walk the `missing-context` rule uses, so a file the rule calls excluded is a file the
//! engine never sees. Like the docker CLI, the Dockerfile and the ignore file themselves are
//! sent even when the ignore file excludes them (the engine needs the Dockerfile and drops
//! both before the build).
//!
//! Entries are written in the walk's (lexical) order with uid/gid 0 and no user/group names,
//! so the same files give the same tar (the classic builder's cache keys hash headers without
//! mtime). Symbolic links are stored as links, never followed; sockets, fifos and devices are
//! skipped (the docker CLI skips them too).

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;

use bytes::Bytes;
use dflint_context::{BuildContext, DiskContext, EntryKind, IgnoreFile, Walk};
use futures_util::Stream;
use tokio::sync::mpsc;

const CHUNK: usize = 64 * 1024;

/// A build context to be sent: a [`BuildContext`] (view + ignore file) and files to add or
/// replace.
pub struct ContextTar {
    context: BuildContext,
    always: Vec<String>,
    overrides: BTreeMap<String, Vec<u8>>,
}

impl std::fmt::Debug for ContextTar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContextTar")
            .field("context", &self.context)
            .field("always", &self.always)
            .field("overrides", &self.overrides.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The build context of folder `dir` for the Dockerfile at `dockerfile` (a path on disk,
/// usually inside `dir`), honouring the ignore file BuildKit would pick for it.
///
/// Fails when the ignore file cannot be read or has a bad pattern (BuildKit fails the build
/// on those too).
pub fn context_tar(dir: impl AsRef<Path>, dockerfile: impl AsRef<Path>) -> io::Result<ContextTar> {
    let dir = dir.as_ref();
    let dockerfile = dockerfile.as_ref();
    let context = BuildContext::open(dir, dockerfile);
    let ignore = context.ignore();
    let name = ignore.name.clone();
    if let Some(e) = &ignore.io_error {
        return Err(io::Error::other(format!("{name}: {e}")));
    }
    if let Some(e) = &ignore.error {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{name}: {e}"),
        ));
    }
    let mut always = Vec::new();
    for path in [Some(dockerfile), ignore.path.as_deref()]
        .into_iter()
        .flatten()
    {
        if let Ok(rel) = path.strip_prefix(dir) {
            if let Some(rel) = rel.to_str() {
                always.push(normalize(rel).to_string());
            }
        }
    }
    Ok(ContextTar::new(context).always_include(always))
}

impl ContextTar {
    /// The context as `context` describes it (any view whose entries have disk paths).
    pub fn new(context: BuildContext) -> Self {
        ContextTar {
            context,
            always: Vec::new(),
            overrides: BTreeMap::new(),
        }
    }

    /// The whole folder `dir`, with no ignore file.
    pub fn unfiltered(dir: impl AsRef<Path>) -> Self {
        ContextTar::new(BuildContext::new(
            DiskContext::new(dir.as_ref()),
            IgnoreFile::default(),
        ))
    }

    /// Sends these context-relative files even if the ignore file excludes them (the
    /// Dockerfile and the ignore file, as the docker CLI does).
    pub fn always_include(mut self, paths: impl IntoIterator<Item = String>) -> Self {
        self.always.extend(paths);
        self
    }

    /// Adds a file with these contents at `path` (context-relative), replacing a file of the
    /// same path on disk. Lets callers build a fixed Dockerfile, or a context with one byte
    /// changed, without copying or touching the folder.
    pub fn with_file(mut self, path: &str, contents: impl Into<Vec<u8>>) -> Self {
        self.overrides
            .insert(normalize(path).to_string(), contents.into());
        self
    }

    /// The context view and ignore file.
    pub fn context(&self) -> &BuildContext {
        &self.context
    }

    /// Writes the whole tar to `out` (synchronously).
    pub fn write_to<W: Write>(self, out: W) -> io::Result<W> {
        let mut builder = tar::Builder::new(out);
        builder.follow_symlinks(false);
        let fs = self.context.fs();
        let matcher = &self.context.ignore().matcher;
        let mut sent = std::collections::HashSet::new();
        for entry in Walk::new(fs, "", None, Some(matcher)) {
            let entry =
                entry.map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            if self.overrides.contains_key(&entry.rel_path) {
                continue;
            }
            append(
                &mut builder,
                &entry.rel_path,
                entry.kind,
                entry.disk_path.as_deref(),
            )?;
            sent.insert(entry.rel_path);
        }
        for path in &self.always {
            if sent.contains(path) || self.overrides.contains_key(path) {
                continue;
            }
            if let Some(kind) = fs.kind(path) {
                append(&mut builder, path, kind, fs.disk_path(path).as_deref())?;
            }
        }
        for (path, data) in &self.overrides {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(tar::EntryType::Regular);
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_mtime(0);
            header.set_uid(0);
            header.set_gid(0);
            builder.append_data(&mut header, path, data.as_slice())?;
        }
        builder.into_inner()
    }

    /// Starts writing the tar on a blocking thread and returns the stream of its chunks.
    ///
    /// Must be called inside a tokio runtime. The stream ends with an `Err` item if reading
    /// the context failed; [`ContextStream::result`] tells the error afterwards. Dropping the
    /// stream stops the writer.
    pub fn stream(self) -> ContextStream {
        let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(4);
        let task = tokio::task::spawn_blocking(move || {
            let writer = ChannelWriter {
                tx: tx.clone(),
                buf: Vec::with_capacity(CHUNK),
            };
            let result = self.write_to(writer).and_then(|mut w| w.flush());
            if let Err(e) = &result {
                // Fail the request body so the engine does not build a truncated context.
                let _ = tx.blocking_send(Err(io::Error::new(e.kind(), e.to_string())));
            }
            result
        });
        ContextStream {
            rx,
            task: Some(task),
        }
    }
}

/// The streamed tar of a [`ContextTar`].
pub struct ContextStream {
    rx: mpsc::Receiver<io::Result<Bytes>>,
    task: Option<tokio::task::JoinHandle<io::Result<()>>>,
}

impl ContextStream {
    /// Splits into the body stream and a handle that resolves to the writer's result.
    pub fn into_parts(
        self,
    ) -> (
        impl Stream<Item = io::Result<Bytes>> + Send + 'static,
        ContextWriter,
    ) {
        let stream = futures_util::stream::unfold(self.rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        });
        (stream, ContextWriter { task: self.task })
    }

    /// Reads the whole stream into memory (tests and small contexts only).
    pub async fn collect(self) -> io::Result<Vec<u8>> {
        use futures_util::StreamExt;
        let (stream, writer) = self.into_parts();
        let mut stream = Box::pin(stream);
        let mut out = Vec::new();
        while let Some(chunk) = stream.next().await {
            out.extend_from_slice(&chunk?);
        }
        writer.result().await?;
        Ok(out)
    }
}

/// The writer thread of a [`ContextStream`].
pub struct ContextWriter {
    task: Option<tokio::task::JoinHandle<io::Result<()>>>,
}

impl ContextWriter {
    /// Waits for the writer and returns its result. A writer stopped because the receiver
    /// went away (the request was aborted) reports `BrokenPipe`.
    pub async fn result(mut self) -> io::Result<()> {
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx.blocking_send(Ok(chunk)).map_err(|_| {
            io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the build request stopped reading the context",
            )
        })
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// Normalises a context-relative path: `/` separators, no leading `./` or `/`.
fn normalize(path: &str) -> &str {
    let mut p = path;
    loop {
        if let Some(rest) = p.strip_prefix("./") {
            p = rest;
        } else if let Some(rest) = p.strip_prefix('/') {
            p = rest;
        } else {
            return p;
        }
    }
}

fn append<W: Write>(
    builder: &mut tar::Builder<W>,
    path: &str,
    kind: EntryKind,
    disk: Option<&Path>,
) -> io::Result<()> {
    let disk = disk.ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::Unsupported,
            format!("{path}: the context view has no files on disk"),
        )
    })?;
    let meta = fs::symlink_metadata(disk).map_err(|e| with_path(e, disk))?;
    let ft = meta.file_type();
    match kind {
        EntryKind::Dir => {
            let mut header = header_for(&meta, tar::EntryType::Directory);
            builder.append_data(&mut header, format!("{path}/"), io::empty())
        }
        EntryKind::Symlink => {
            let target = fs::read_link(disk).map_err(|e| with_path(e, disk))?;
            let mut header = header_for(&meta, tar::EntryType::Symlink);
            builder.append_link(&mut header, path, target)
        }
        EntryKind::File if ft.is_file() => {
            let mut header = header_for(&meta, tar::EntryType::Regular);
            header.set_size(meta.len());
            let file = fs::File::open(disk).map_err(|e| with_path(e, disk))?;
            // Never send more than the header announced, even if the file grows meanwhile.
            builder.append_data(&mut header, path, file.take(meta.len()))
        }
        // Sockets, fifos, devices: skipped.
        EntryKind::File => Ok(()),
    }
}

fn header_for(meta: &fs::Metadata, kind: tar::EntryType) -> tar::Header {
    use std::os::unix::fs::MetadataExt;
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(kind);
    header.set_size(0);
    header.set_mode(meta.mode() & 0o7777);
    header.set_mtime(u64::try_from(meta.mtime()).unwrap_or(0));
    header.set_uid(0);
    header.set_gid(0);
    header
}

fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(tar_bytes: &[u8]) -> Vec<(String, tar::EntryType, Vec<u8>)> {
        let mut archive = tar::Archive::new(tar_bytes);
        archive
            .entries()
            .unwrap()
            .map(|e| {
                let mut e = e.unwrap();
                let path = e.path().unwrap().to_string_lossy().into_owned();
                let kind = e.header().entry_type();
                let mut data = Vec::new();
                e.read_to_end(&mut data).unwrap();
                (path, kind, data)
            })
            .collect()
    }

    fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("Dockerfile"), "FROM scratch\n").unwrap();
        fs::create_dir_all(d.join("src/deep")).unwrap();
        fs::write(d.join("src/a.txt"), "a").unwrap();
        fs::write(d.join("src/deep/b.txt"), "b").unwrap();
        fs::create_dir_all(d.join("node_modules/x")).unwrap();
        fs::write(d.join("node_modules/x/keep.js"), "k").unwrap();
        fs::write(d.join("node_modules/x/drop.js"), "d").unwrap();
        std::os::unix::fs::symlink("src/a.txt", d.join("link")).unwrap();
        dir
    }

    #[test]
    fn follows_the_dockerignore_like_buildkit() {
        let dir = fixture();
        fs::write(
            dir.path().join(".dockerignore"),
            "node_modules\n!node_modules/x/keep.js\nDockerfile\n.dockerignore\n",
        )
        .unwrap();
        let tar = context_tar(dir.path(), dir.path().join("Dockerfile"))
            .unwrap()
            .write_to(Vec::new())
            .unwrap();
        let got: Vec<_> = entries(&tar).into_iter().map(|(p, k, _)| (p, k)).collect();
        use tar::EntryType::{Directory as D, Regular as F, Symlink as L};
        let want = [
            ("link", L),
            // Excluded parents are sent because an exception keeps a file below them.
            ("node_modules/", D),
            ("node_modules/x/", D),
            ("node_modules/x/keep.js", F),
            ("src/", D),
            ("src/a.txt", F),
            ("src/deep/", D),
            ("src/deep/b.txt", F),
            // Excluded, but always sent, as the docker CLI does.
            ("Dockerfile", F),
            (".dockerignore", F),
        ];
        let want: Vec<_> = want.iter().map(|(p, k)| (p.to_string(), *k)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn dockerfile_specific_ignore_file_wins() {
        let dir = fixture();
        fs::write(dir.path().join(".dockerignore"), "src\n").unwrap();
        fs::write(dir.path().join("Dockerfile.dockerignore"), "node_modules\n").unwrap();
        let tar = context_tar(dir.path(), dir.path().join("Dockerfile"))
            .unwrap()
            .write_to(Vec::new())
            .unwrap();
        let names: Vec<_> = entries(&tar).into_iter().map(|e| e.0).collect();
        assert!(names.contains(&"src/a.txt".to_string()), "{names:?}");
        assert!(
            !names.iter().any(|n| n.starts_with("node_modules")),
            "{names:?}"
        );
    }

    #[test]
    fn bad_ignore_pattern_is_an_error() {
        let dir = fixture();
        fs::write(dir.path().join(".dockerignore"), "[\n").unwrap();
        let err = context_tar(dir.path(), dir.path().join("Dockerfile")).unwrap_err();
        assert!(err.to_string().contains(".dockerignore"), "{err}");
    }

    #[test]
    fn overrides_replace_and_add() {
        let dir = fixture();
        let tar = ContextTar::unfiltered(dir.path())
            .with_file("./src/a.txt", "changed")
            .with_file(".dflint/Dockerfile.fixed", "FROM busybox\n")
            .write_to(Vec::new())
            .unwrap();
        let all = entries(&tar);
        let a: Vec<_> = all.iter().filter(|e| e.0 == "src/a.txt").collect();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].2, b"changed");
        assert!(all
            .iter()
            .any(|e| e.0 == ".dflint/Dockerfile.fixed" && e.2 == b"FROM busybox\n"));
        assert!(all.iter().any(|e| e.0 == "node_modules/x/drop.js"));
    }

    #[test]
    fn same_files_same_tar() {
        let dir = fixture();
        let one = ContextTar::unfiltered(dir.path())
            .write_to(Vec::new())
            .unwrap();
        let two = ContextTar::unfiltered(dir.path())
            .write_to(Vec::new())
            .unwrap();
        assert_eq!(one, two);
    }

    #[tokio::test]
    async fn streams_in_chunks_and_matches_the_sync_writer() {
        let dir = fixture();
        // A file bigger than a chunk so several messages go through the channel.
        fs::write(dir.path().join("big.bin"), vec![7u8; 3 * CHUNK + 5]).unwrap();
        let streamed = ContextTar::unfiltered(dir.path())
            .stream()
            .collect()
            .await
            .unwrap();
        let direct = ContextTar::unfiltered(dir.path())
            .write_to(Vec::new())
            .unwrap();
        assert_eq!(streamed, direct);
        assert!(streamed.len() > 3 * CHUNK);
    }

    #[tokio::test]
    async fn a_context_error_fails_the_stream() {
        // A view with no files on disk cannot be sent: the stream ends in an error and the
        // writer reports it.
        let view = dflint_context::MemoryContext::from_list(&["Dockerfile", "src/", "src/a"]);
        let ctx = ContextTar::new(BuildContext::new(view, IgnoreFile::default()));
        let err = ctx.stream().collect().await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Unsupported, "{err}");
        assert!(err.to_string().contains("Dockerfile"), "{err}");
    }

    #[test]
    fn a_missing_always_included_file_is_skipped() {
        let dir = fixture();
        let tar = ContextTar::unfiltered(dir.path())
            .always_include(["vanished.txt".to_string()])
            .write_to(Vec::new())
            .unwrap();
        assert!(!entries(&tar).iter().any(|e| e.0 == "vanished.txt"));
    }
}
