#!/usr/bin/env bash
# Regenerate the BuildKit-parser goldens for the differential test
# (tests/parse_differential.rs). CI does not run this: the outputs are committed.
#
#   pip install dockerfile==3.4.0       # BuildKit v0.12.5's parser, via cgo
#   scripts/oracle-goldens.sh           # [ORACLE_DIR] defaults to ../shared/oracle
#
# Writes tests/data/oracle/official/<path under tests/data/corpus/official>.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
oracle_dir="${1:-$root/../shared/oracle}"
python3 -c 'import dockerfile' 2>/dev/null || {
  echo "missing the oracle: pip install dockerfile==3.4.0" >&2
  exit 1
}
out="$root/tests/data/oracle/official"
rm -rf "$out"
python3 "$root/scripts/oracle-goldens.py" "$root/tests/data/corpus/official" "$out" "$oracle_dir"
