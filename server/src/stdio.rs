//! The process's stdin and stdout for the transport: plain file handles on the same
//! descriptors (std's stdout is line-buffered and would split each message at its header),
//! with larger pipe buffers where they are pipes.
//!
//! A pipe holds 64 KB by default, so a 342 KB publication or a 0.9 MB symbols answer went out
//! in 6-15 rounds of "writer fills the pipe, sleeps, reader wakes and drains it". With 1 MB the
//! whole message is written in one call and the client reads it in one: a 0.93 MB message took
//! the benchmark's client 3.3 ms to read with 64 KB and 0.27 ms with 1 MB
//! (`python3 bench/pipe_read.py`). The kernel holds the buffer only while data sits in it.

use std::fs::File;
use std::os::fd::{AsFd, BorrowedFd};

/// Pipe buffer size asked for, at most `/proc/sys/fs/pipe-max-size` (the most an unprivileged
/// process may set; 1 MB by default).
const PIPE_SIZE: i32 = 1 << 20;

/// Stdin as a file handle of its own, its pipe buffer grown.
pub fn input() -> Box<dyn std::io::Read + Send> {
    match own_handle(std::io::stdin().as_fd()) {
        Some(file) => Box::new(file),
        None => Box::new(std::io::stdin()),
    }
}

/// Stdout as a file handle of its own (unbuffered: the transport writes whole messages), its
/// pipe buffer grown.
pub fn output() -> Box<dyn std::io::Write + Send> {
    match own_handle(std::io::stdout().as_fd()) {
        Some(file) => Box::new(file),
        None => Box::new(std::io::stdout()),
    }
}

/// A file handle on a duplicate of `fd`, with its pipe buffer grown if it is a pipe.
fn own_handle(fd: BorrowedFd<'_>) -> Option<File> {
    let file = File::from(fd.try_clone_to_owned().ok()?);
    grow_pipe(&file);
    Some(file)
}

#[cfg(target_os = "linux")]
fn grow_pipe(file: &File) {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::FileTypeExt;
    const F_SETPIPE_SZ: i32 = 1031;
    unsafe extern "C" {
        fn fcntl(fd: i32, cmd: i32, ...) -> i32;
    }
    if file.metadata().is_ok_and(|m| m.file_type().is_fifo()) {
        let max = std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
            .ok()
            .and_then(|s| s.trim().parse::<i32>().ok())
            .unwrap_or(PIPE_SIZE);
        // SAFETY: F_SETPIPE_SZ only resizes the pipe's buffer; the descriptor is open and
        // owned by `file`. A refusal (a per-user limit on pipe memory) leaves the pipe as it was.
        unsafe {
            fcntl(file.as_raw_fd(), F_SETPIPE_SZ, PIPE_SIZE.min(max));
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn grow_pipe(_file: &File) {}
