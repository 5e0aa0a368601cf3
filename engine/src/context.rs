//! The build context as a tar stream, the body of the Engine API's `/build`.
//!
//! The tar is written on a blocking thread by the `tar` crate into a bounded channel of
//! 64 KiB chunks, so a large context is streamed to the engine, never held whole in memory.
//!
//! Which files go in is decided by a closure over context-relative paths (`/`-separated, no
//! leading `./`): `exclude(path) == true` leaves the entry out. Directories are asked too; an
//! excluded directory gets no entry of its own but is still walked, because `.dockerignore`
//! exceptions (`!dir/keep`) can bring back files below an excluded directory. (The
//! `.dockerignore` matcher lives in `dflint-context`; until it has a walk of its own the CLI
//! passes its matcher in through this closure, so there is still one implementation.)
//!
//! Entries are written in sorted order with uid/gid 0 and no user/group names, so the same
//! files give the same tar (the classic builder's cache keys hash headers without mtime).
//! Symbolic links are stored as links, never followed; sockets, fifos and devices are skipped
//! (the docker CLI skips them too).

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::Stream;
use tokio::sync::mpsc;

const CHUNK: usize = 64 * 1024;

type Exclude = Box<dyn Fn(&str) -> bool + Send + 'static>;

/// A build context to be sent: a folder, an exclusion predicate, and files to add or replace.
pub struct ContextTar {
    dir: PathBuf,
    exclude: Exclude,
    overrides: BTreeMap<String, Vec<u8>>,
}

impl std::fmt::Debug for ContextTar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContextTar")
            .field("dir", &self.dir)
            .field("overrides", &self.overrides.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The build context of `dir`, leaving out every path for which `exclude` returns true.
///
/// The Dockerfile must not be excluded (the docker CLI always sends it); pass a closure that
/// keeps it, or add it with [`ContextTar::with_file`].
pub fn context_tar(
    dir: impl AsRef<Path>,
    exclude: impl Fn(&str) -> bool + Send + 'static,
) -> ContextTar {
    ContextTar {
        dir: dir.as_ref().to_path_buf(),
        exclude: Box::new(exclude),
        overrides: BTreeMap::new(),
    }
}

impl ContextTar {
    /// Adds a file with these contents at `path` (context-relative), replacing a file of the
    /// same path on disk. Lets callers build a fixed Dockerfile, or a context with one byte
    /// changed, without copying or touching the folder.
    pub fn with_file(mut self, path: &str, contents: impl Into<Vec<u8>>) -> Self {
        self.overrides
            .insert(normalize(path).to_string(), contents.into());
        self
    }

    /// The folder this context is read from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the whole tar to `out` (synchronously).
    pub fn write_to<W: Write>(self, out: W) -> io::Result<W> {
        let mut builder = tar::Builder::new(out);
        builder.follow_symlinks(false);
        let mut skip: HashSet<&str> = HashSet::new();
        for k in self.overrides.keys() {
            skip.insert(k.as_str());
        }
        walk(&self.dir, "", &self.exclude, &skip, &mut builder)?;
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

fn walk<W: Write>(
    root: &Path,
    rel: &str,
    exclude: &Exclude,
    skip: &HashSet<&str>,
    builder: &mut tar::Builder<W>,
) -> io::Result<()> {
    let dir = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    let mut names: Vec<(String, fs::Metadata)> = Vec::new();
    for entry in fs::read_dir(&dir).map_err(|e| with_path(e, &dir))? {
        let entry = entry.map_err(|e| with_path(e, &dir))?;
        let meta = entry.metadata().map_err(|e| with_path(e, &entry.path()))?;
        let name = entry.file_name().into_string().map_err(|n| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("file name is not UTF-8: {}", Path::new(&n).display()),
            )
        })?;
        names.push((name, meta));
    }
    names.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, meta) in names {
        let path = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let full = root.join(&path);
        let excluded = exclude(&path);
        let ft = meta.file_type();
        if ft.is_dir() {
            if !excluded {
                let mut header = header_for(&meta, tar::EntryType::Directory);
                builder.append_data(&mut header, format!("{path}/"), io::empty())?;
            }
            walk(root, &path, exclude, skip, builder)?;
        } else if excluded || skip.contains(path.as_str()) {
            continue;
        } else if ft.is_symlink() {
            let target = fs::read_link(&full).map_err(|e| with_path(e, &full))?;
            let mut header = header_for(&meta, tar::EntryType::Symlink);
            builder.append_link(&mut header, &path, target)?;
        } else if ft.is_file() {
            let mut header = header_for(&meta, tar::EntryType::Regular);
            header.set_size(meta.len());
            let file = fs::File::open(&full).map_err(|e| with_path(e, &full))?;
            // Never send more than the header announced, even if the file grows meanwhile.
            builder.append_data(&mut header, &path, file.take(meta.len()))?;
        }
        // Sockets, fifos, devices: skipped.
    }
    Ok(())
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
    fn sorted_entries_with_links_and_exclusions() {
        let dir = fixture();
        // Like `.dockerignore`: node_modules, !node_modules/x/keep.js
        let tar = context_tar(dir.path(), |p| {
            p.starts_with("node_modules") && p != "node_modules/x/keep.js"
        })
        .write_to(Vec::new())
        .unwrap();
        let got: Vec<_> = entries(&tar).into_iter().map(|(p, k, _)| (p, k)).collect();
        let want = [
            ("Dockerfile", tar::EntryType::Regular),
            ("link", tar::EntryType::Symlink),
            ("node_modules/x/keep.js", tar::EntryType::Regular),
            ("src/", tar::EntryType::Directory),
            ("src/a.txt", tar::EntryType::Regular),
            ("src/deep/", tar::EntryType::Directory),
            ("src/deep/b.txt", tar::EntryType::Regular),
        ];
        let want: Vec<_> = want.iter().map(|(p, k)| (p.to_string(), *k)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn overrides_replace_and_add() {
        let dir = fixture();
        let tar = context_tar(dir.path(), |p| p.starts_with("node_modules"))
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
    }

    #[test]
    fn same_files_same_tar() {
        let dir = fixture();
        let one = context_tar(dir.path(), |_| false)
            .write_to(Vec::new())
            .unwrap();
        let two = context_tar(dir.path(), |_| false)
            .write_to(Vec::new())
            .unwrap();
        assert_eq!(one, two);
    }

    #[tokio::test]
    async fn streams_in_chunks_and_matches_the_sync_writer() {
        let dir = fixture();
        // A file bigger than a chunk so several messages go through the channel.
        fs::write(dir.path().join("big.bin"), vec![7u8; 3 * CHUNK + 5]).unwrap();
        let streamed = context_tar(dir.path(), |_| false)
            .stream()
            .collect()
            .await
            .unwrap();
        let direct = context_tar(dir.path(), |_| false)
            .write_to(Vec::new())
            .unwrap();
        assert_eq!(streamed, direct);
    }

    #[tokio::test]
    async fn unreadable_context_is_an_error() {
        let err = context_tar("/nonexistent/dflint/context", |_| false)
            .stream()
            .collect()
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent/dflint/context"),
            "{err}"
        );
    }
}
