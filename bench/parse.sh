#!/usr/bin/env bash
# Parser throughput on one core over the official corpus, and scaling to 10x the input.
# Usage: bench/parse.sh [CORPUS_DIR] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-tests/data/corpus/official}
rounds=${2:-11}
cargo build --release -q -p dflint-syntax --example parse_bench
# taskset pins to one core where available, so the figure is single-core throughput.
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
"${pin[@]}" target/release/examples/parse_bench "$dir" "$rounds"
