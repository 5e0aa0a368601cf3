#!/usr/bin/env bash
# Run the dflint-engine tests against the private test engine.
#
#   scripts/engine-test.sh [extra cargo test args]
#
# Starts the engine with scripts/engine-start.sh (reusing one that is already running), runs
# `cargo test -p dflint-engine` and the `dflint verify` end-to-end tests
# (`cargo test --test verify_engine`) with DOCKER_HOST pointing at it, and stops the engine again
# if this script started it. Needs: apt-get install -y docker.io busybox-static xz-utils
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
DIR="${DFLINT_ENGINE_DIR:-/tmp/dflint-engine}"
export DFLINT_ENGINE_DIR="$DIR"

started=0
if ! { [ -f "$DIR/pid" ] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null; }; then
    started=1
fi
eval "$("$here/engine-start.sh")"
if [ "$started" = 1 ]; then
    trap '"$here/engine-stop.sh"' EXIT
fi
cd "$here/.."
cargo test -p dflint-engine "$@"
cargo test --test verify_engine "$@"
