#!/usr/bin/env bash
# Runs every test of the project: installs what the tests need (Debian packages, when missing
# and run as root), starts the private Docker engine for the engine tests, runs the workspace
# tests, and stops the engine again.
#
#   scripts/test.sh [extra cargo test args]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."

# Debian packages the tests use: the engine tests (docker.io, busybox-static, xz-utils) and the
# real-editor test (neovim).
need=()
command -v dockerd >/dev/null || need+=(docker.io)
[ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 && ! ldd /bin/busybox >/dev/null 2>&1 || need+=(busybox-static)
command -v xz >/dev/null || need+=(xz-utils)
command -v nvim >/dev/null || need+=(neovim)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "installing: ${need[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    else
        echo "missing Debian packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2
        exit 2
    fi
fi

export DFLINT_ENGINE_DIR="${DFLINT_ENGINE_DIR:-$(mktemp -d /tmp/dflint-engine.XXXXXX)}"
started=0
if ! { [ -f "$DFLINT_ENGINE_DIR/pid" ] && kill -0 "$(cat "$DFLINT_ENGINE_DIR/pid")" 2>/dev/null; }; then
    started=1
fi
eval "$("$here/engine-start.sh")"
if [ "$started" = 1 ]; then
    trap '"$here/engine-stop.sh" >/dev/null 2>&1 || true' EXIT
fi

cargo test --workspace "$@"
