#!/usr/bin/env python3
"""Where an edit's time goes in `dflint lsp`: runs the LSP benchmark client
(../shared/lsp-bench/client.py) on its 5,000-line file with DFLINT_LSP_TRACE=1, then prints the
medians of the server's phases per edit next to the client's edit → diagnostics figure. Several
binaries are run in turn, ROUNDS times, so that builds can be compared on a noisy host.

    python3 bench/lsp_phases.py [--rounds N] [--edits N] BINARY [BINARY...]

Phases (from the trace): applied = the reader thread applies the edit (text, reparse, line
index); queued = from the new version to the checker starting on it; check = model and rules;
json = the publication serialized.
"""
import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CLIENT = Path(__file__).resolve().parent.parent.parent / "shared/lsp-bench/client.py"
UNITS = {"ns": 1e-6, "µs": 1e-3, "ms": 1.0, "s": 1e3}


def ms(text):
    m = re.match(r"([\d.]+)(ns|µs|ms|s)$", text)
    return float(m.group(1)) * UNITS[m.group(2)]


def run(binary, edits):
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "result.json"
        subprocess.run(
            [sys.executable, str(CLIENT), "bench", "--server", f"{binary} lsp", "--lines", "5000",
             "--edits", str(edits), "--completions", "2", "--extra-reps", "3",
             "--workdir", work, "--json", str(out)],
            check=True, stdout=subprocess.DEVNULL, env={**__import__("os").environ, "DFLINT_LSP_TRACE": "1"})
        result = json.loads(out.read_text())
        phases = {"applied": [], "queued": [], "check": [], "json": []}
        for line in (Path(work) / "server.stderr.log").read_text().splitlines():
            if m := re.search(r"applied version \d+ in (\S+?),", line):
                phases["applied"].append(ms(m.group(1)))
            elif "checked version" in line:
                f = {k: ms(v) for k, v in re.findall(
                    r"(queued|model and rules|model|rules|to LSP) (\S+?)(?:,|$)", line)}
                phases["queued"].append(f["queued"])
                # Builds before 2026-11-27 08:00 UTC print the model and the rules apart.
                phases["check"].append(f.get("model and rules", f.get("model", 0) + f.get("rules", 0)))
                phases["json"].append(f["to LSP"])
    # The first check is the whole file just opened.
    for k in ("queued", "check", "json"):
        phases[k] = phases[k][1:]
    return result["didChange_to_diag"], {k: statistics.median(v) for k, v in phases.items() if v}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binaries", nargs="+")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--edits", type=int, default=100)
    args = ap.parse_args()
    print("| binary | round | applied | queued | model+rules | JSON | edit → diagnostics median | p90 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in range(args.rounds):
        for b in args.binaries:
            edit, p = run(b, args.edits)
            cell = lambda k: f"{p[k]:.2f}" if k in p else "n/a"
            print(f"| {b} | {r + 1} | {cell('applied')} | {cell('queued')} | {cell('check')} | "
                  f"{cell('json')} | {edit['median_ms']:.2f} | {edit['p90_ms']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
