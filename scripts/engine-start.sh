#!/usr/bin/env bash
# Start a private Docker engine for dflint's engine tests and `dflint verify`.
#
#   scripts/engine-start.sh            # prints `export DOCKER_HOST=unix://...`
#   eval "$(scripts/engine-start.sh)"  # and use it in this shell
#
# Everything lives under ${DFLINT_ENGINE_DIR:-/tmp/dflint-engine}: its own data root, exec
# root, pidfile, log and socket, so it never touches a system daemon or /var/lib/docker.
# No network: no bridge, no iptables/masquerading; builds are meant to run with network
# mode `none`. Nothing is pulled: the base images `busybox:1.36` and `busybox:latest` are
# built FROM scratch out of Debian's static busybox (plus a stand-in `npm` script in
# /usr/local/bin, see below).
#
# Needs (Debian): apt-get install -y docker.io busybox-static xz-utils
#
# Idempotent: when the daemon recorded in <dir>/pid still answers on <dir>/docker.sock it is
# reused (and the base images are rebuilt only if missing).
#
# Storage driver: dockerd picks one itself (overlay2 where the backing filesystem allows it;
# it refuses overlay2 on top of overlayfs, e.g. inside some containers, and falls back).
# On this project's machines (ext4 root, privileged) overlay2 works. Where it is accepted at
# start-up but mounting fails at the first RUN (seen in nested/unprivileged sandboxes), this
# script notices through a smoke test (`RUN true`) and restarts the daemon with
# `--storage-driver=vfs`, which needs no mounts at all (slow and disk-hungry, but always
# works). Force one with DFLINT_ENGINE_STORAGE_DRIVER=vfs|overlay2.
set -euo pipefail

DIR="${DFLINT_ENGINE_DIR:-/tmp/dflint-engine}"
TIMEOUT="${DFLINT_ENGINE_TIMEOUT:-60}"
SOCK="$DIR/docker.sock"
PIDFILE="$DIR/pid"
LOG="$DIR/dockerd.log"
HOST="unix://$SOCK"

log() { echo "engine-start: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Prefer Debian's CLI (same version as the daemon); any `docker` works.
DOCKER="${DFLINT_DOCKER_CLI:-}"
if [ -z "$DOCKER" ]; then
    if [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker; else DOCKER="$(command -v docker || true)"; fi
fi
command -v dockerd >/dev/null || die "dockerd not found; apt-get install -y docker.io"
[ -n "$DOCKER" ] || die "docker CLI not found; apt-get install -y docker.io"
BUSYBOX="${DFLINT_BUSYBOX:-/bin/busybox}"
# Debian's busybox-static installs /bin/busybox; it must be the static one (the image has no libc).
"$BUSYBOX" --list >/dev/null 2>&1 || die "$BUSYBOX missing; apt-get install -y busybox-static"
if command -v ldd >/dev/null && ldd "$BUSYBOX" 2>/dev/null | grep -q '=>'; then
    die "$BUSYBOX is dynamically linked; apt-get install -y busybox-static"
fi
command -v xz >/dev/null || die "xz not found; apt-get install -y xz-utils"

# The daemon log is full of grpc connectivity chatter; show the lines that matter.
log_tail() { grep -v 'module=grpc' "$LOG" | tail -n 20 >&2 || true; }

dock() { DOCKER_HOST="$HOST" DOCKER_BUILDKIT=0 "$DOCKER" "$@"; }

running() {
    [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && [ -S "$SOCK" ] &&
        dock version --format '{{.Server.Version}}' >/dev/null 2>&1
}

start_daemon() {
    local driver="${1:-}"
    local args=(
        --data-root "$DIR/data"
        --exec-root "$DIR/exec"
        --pidfile "$PIDFILE"
        -H "$HOST"
        --bridge=none --iptables=false --ip-masq=false
        --userland-proxy=false
    )
    [ -n "$driver" ] && args+=(--storage-driver="$driver")
    mkdir -p "$DIR"
    rm -f "$SOCK"
    log "starting dockerd${driver:+ (storage driver $driver)}; log in $LOG"
    # setsid: the daemon must not die with the calling shell nor get its Ctrl-C.
    setsid dockerd "${args[@]}" >>"$LOG" 2>&1 </dev/null &
    local pid=$! waited=0
    until dock version --format '{{.Server.Version}}' >/dev/null 2>&1; do
        if [ "$waited" -ge "$((TIMEOUT * 2))" ]; then
            log "dockerd did not answer on $SOCK within ${TIMEOUT}s; last lines of $LOG:"
            log_tail
            exit 1
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            log "dockerd exited; last lines of $LOG:"
            log_tail
            exit 1
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
}

build_base() {
    if dock image inspect busybox:1.36 >/dev/null 2>&1 && dock image inspect busybox:latest >/dev/null 2>&1; then
        return 0
    fi
    log "building busybox:1.36 and busybox:latest from scratch with $BUSYBOX"
    local ctx
    ctx="$(mktemp -d "$DIR/base.XXXXXX")"
    mkdir -p "$ctx/root/bin" "$ctx/root/tmp" "$ctx/root/etc" "$ctx/root/root"
    chmod 1777 "$ctx/root/tmp"
    cp "$BUSYBOX" "$ctx/root/bin/busybox"
    chmod 755 "$ctx/root/bin/busybox"
    local applet
    for applet in $("$BUSYBOX" --list); do
        [ "$applet" = busybox ] || ln -s busybox "$ctx/root/bin/$applet"
    done
    # A stand-in npm, so Node-style fixtures (`RUN npm ci`) run offline: it installs nothing,
    # but records what it was given, so a rerun is visible and its output depends on inputs.
    mkdir -p "$ctx/root/usr/local/bin"
    cat >"$ctx/root/usr/local/bin/npm" <<'NPM'
#!/bin/sh
# dflint test stand-in for npm (no registry can be reached). Not the real npm.
case "$1" in
ci | install | i)
    [ -f package.json ] || { echo "npm ERR! no package.json in $(pwd)" >&2; exit 1; }
    mkdir -p node_modules
    md5sum package.json $( [ -f package-lock.json ] && echo package-lock.json ) >node_modules/.dflint-installed
    echo "added $(wc -l <node_modules/.dflint-installed) stand-in packages"
    ;;
--version | -v) echo "10.0.0-dflint-stand-in" ;;
*) echo "npm (stand-in) $*" ;;
esac
NPM
    chmod 755 "$ctx/root/usr/local/bin/npm"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$ctx/root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$ctx/root/etc/group"
    tar --numeric-owner --owner=0 --group=0 -C "$ctx/root" -cJf "$ctx/busybox.tar.xz" .
    rm -rf "$ctx/root"
    printf 'FROM scratch\nADD busybox.tar.xz /\nENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nCMD ["sh"]\n' >"$ctx/Dockerfile"
    if ! dock build --network none -t busybox:1.36 -t busybox:latest "$ctx" >"$DIR/base-build.log" 2>&1; then
        tail -n 20 "$DIR/base-build.log" >&2
        rm -rf "$ctx"
        die "building the busybox base image failed"
    fi
    rm -rf "$ctx"
}

# A RUN step needs the storage driver to mount layers and runc to start a container.
smoke() {
    local ctx out
    ctx="$(mktemp -d "$DIR/smoke.XXXXXX")"
    printf 'FROM busybox:1.36\nRUN true\n' >"$ctx/Dockerfile"
    out=0
    dock build --network none --rm --force-rm -q "$ctx" >"$DIR/smoke.log" 2>&1 || out=$?
    if [ "$out" -eq 0 ]; then
        dock rmi "$(tail -n 1 "$DIR/smoke.log")" >/dev/null 2>&1 || true
    fi
    rm -rf "$ctx"
    return "$out"
}

driver() { dock info --format '{{.Driver}}' 2>/dev/null; }

if running; then
    log "reusing dockerd (pid $(cat "$PIDFILE"), storage driver $(driver)) at $SOCK"
else
    if [ -f "$PIDFILE" ]; then
        log "stale pidfile; cleaning up the previous engine"
        DFLINT_ENGINE_DIR="$DIR" "$(dirname "$0")/engine-stop.sh" || true
    fi
    start_daemon "${DFLINT_ENGINE_STORAGE_DRIVER:-}"
    build_base
    if ! smoke; then
        if [ -z "${DFLINT_ENGINE_STORAGE_DRIVER:-}" ] && [ "$(driver)" != vfs ]; then
            log "a RUN step failed with storage driver $(driver):"
            tail -n 5 "$DIR/smoke.log" >&2 || true
            log "restarting with --storage-driver=vfs"
            DFLINT_ENGINE_DIR="$DIR" "$(dirname "$0")/engine-stop.sh"
            start_daemon vfs
            build_base
            smoke || { tail -n 20 "$DIR/smoke.log" >&2; die "a RUN step fails even with vfs"; }
        else
            tail -n 20 "$DIR/smoke.log" >&2
            die "a RUN step fails with storage driver $(driver)"
        fi
    fi
    log "dockerd ready (pid $(cat "$PIDFILE"), storage driver $(driver))"
fi
build_base

echo "export DOCKER_HOST=$HOST" >"$DIR/env"
echo "export DOCKER_HOST=$HOST"
