#!/usr/bin/env python3
"""How long the LSP benchmark client's read loop (../shared/lsp-bench/client.py: readline for the
header, then read() until the body is complete, on an unbuffered pipe) takes to read one message
of N bytes once its header has arrived: the floor under a request with a large answer. Measured
with the pipe's default 64 KB buffer and with the 1 MB that `dflint lsp` asks for on its stdout
(server/src/stdio.rs).

    python3 bench/pipe_read.py [BYTES]      # default 930000, the documentSymbol answer's size
"""
import subprocess
import sys
import time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 930000
msg = b"Content-Length: %d\r\n\r\n" % n + b"x" * n


def run(pipe_size):
    grow = f"fcntl.fcntl(1, 1031, {pipe_size})\n" if pipe_size else ""  # F_SETPIPE_SZ
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl,sys,time\nmsg=sys.stdin.buffer.read()\n" + grow +
         "for i in range(20):\n  time.sleep(0.05); sys.stdout.buffer.write(msg); sys.stdout.buffer.flush()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    writer.stdin.write(msg)
    writer.stdin.close()
    out = writer.stdout
    times = []
    for _ in range(20):
        out.readline()
        while out.readline().strip():
            pass
        t0 = time.perf_counter()
        buf = b""
        while len(buf) < n:
            buf += out.read(n - len(buf))
        times.append((time.perf_counter() - t0) * 1000)
    writer.wait()
    times.sort()
    return times[len(times) // 2]


for label, size in (("64 KB pipe (default)", 0), ("1 MB pipe", 1 << 20)):
    print("read %d bytes after the header, %s: median %.2f ms of 20" % (n, label, run(size)))
