#!/usr/bin/env bash
# Language-server benchmark: dflint lsp and the reference server (dockerfile-language-server-nodejs)
# through the same client (../shared/lsp-bench/client.py) on a generated 5,000-line Dockerfile,
# in one run. Prints both results and writes them to bench/out/lsp-*.json.
#
#   bench/lsp.sh [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
LINES="${1:-5000}"
CLIENT="${LSP_BENCH_CLIENT:-../shared/lsp-bench/client.py}"
OUT=bench/out
mkdir -p "$OUT"

cargo build --release --bin dflint
DFLINT="$PWD/target/release/dflint"

if [ ! -x bench/node/node_modules/.bin/docker-langserver ]; then
  npm install --prefix bench/node dockerfile-language-server-nodejs
fi
PEER="$PWD/bench/node/node_modules/.bin/docker-langserver"

echo "== dflint lsp" >&2
python3 "$CLIENT" bench --server "$DFLINT lsp" --lines "$LINES" \
  --workdir /tmp/lsp-bench-dflint --json "$OUT/lsp-dflint.json" >/dev/null
echo "== docker-langserver --stdio" >&2
python3 "$CLIENT" bench --server "$PEER --stdio" --lines "$LINES" \
  --workdir /tmp/lsp-bench-peer --json "$OUT/lsp-peer.json" >/dev/null

python3 - "$OUT/lsp-dflint.json" "$OUT/lsp-peer.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def g(d, *ks):
    for k in ks:
        d = (d or {}).get(k)
    return d
rows = [
    ("open → first diagnostics (ms)", ("didOpen_to_first_diag_ms",)),
    ("edit → diagnostics, median (ms)", ("didChange_to_diag", "median_ms")),
    ("edit → diagnostics, p90 (ms)", ("didChange_to_diag", "p90_ms")),
    ("completion, median of all (ms)", ("completion_all", "median_ms")),
    ("hover, median (ms)", ("other_requests", "hover", "median_ms")),
    ("documentSymbol, median (ms)", ("other_requests", "documentSymbol", "median_ms")),
    ("foldingRange, median (ms)", ("other_requests", "foldingRange", "median_ms")),
    ("semanticTokens/full, median (ms)", ("other_requests", "semanticTokens/full", "median_ms")),
    ("formatting, median (ms)", ("other_requests", "formatting", "median_ms")),
    ("peak memory VmHWM (MB)", ("peak_VmHWM_kb",)),
]
print(f"| {a['lines']}-line file ({a['bytes']} bytes, {a['stages']} stages) | dflint lsp | docker-langserver |")
print("|---|---:|---:|")
for label, ks in rows:
    va, vb = g(a, *ks), g(b, *ks)
    if ks == ("peak_VmHWM_kb",):
        va, vb = (v / 1024 if v else v for v in (va, vb))
    f = lambda v: "n/a" if v is None else f"{v:.1f}" if v >= 10 else f"{v:.2f}"
    print(f"| {label} | {f(va)} | {f(vb)} |")
PY
