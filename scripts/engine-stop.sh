#!/usr/bin/env bash
# Stop the private Docker engine started by scripts/engine-start.sh, by the pid in its
# pidfile (never by name), then unmount whatever it left under its folder and remove it.
#
#   scripts/engine-stop.sh            # DFLINT_ENGINE_DIR defaults to /tmp/dflint-engine
#   DFLINT_ENGINE_KEEP=1 scripts/engine-stop.sh   # stop, but keep the data root (images)
set -euo pipefail

DIR="${DFLINT_ENGINE_DIR:-/tmp/dflint-engine}"
PIDFILE="$DIR/pid"

log() { echo "engine-stop: $*" >&2; }

if [ ! -d "$DIR" ]; then
    log "nothing at $DIR"
    exit 0
fi
case "$(cd "$DIR" && pwd -P)" in
/ | /tmp | /var | /var/lib | /var/lib/docker | "$HOME") log "refusing to clean $DIR"; exit 1 ;;
esac

if [ -f "$PIDFILE" ]; then
    pid="$(cat "$PIDFILE")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        log "stopping dockerd (pid $pid)"
        kill -TERM "$pid"
        # dockerd stops its containers (10 s grace each) and its containerd; allow for that.
        for _ in $(seq 1 120); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "dockerd (pid $pid) still running after 30s; sending KILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 1
        fi
    fi
    rm -f "$PIDFILE"
fi

# containerd (child of dockerd) writes its own pidfile under the exec root; stop it by pid too
# if dockerd was killed hard and left it behind.
for cpid in "$DIR"/exec/containerd/containerd.pid; do
    [ -f "$cpid" ] || continue
    pid="$(cat "$cpid")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        log "stopping leftover containerd (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        sleep 2
        kill -KILL "$pid" 2>/dev/null || true
    fi
done

# Unmount anything left under the folder, deepest first (overlay2 layers, the data root's
# own bind mount, the exec root's netns/shm mounts).
real="$(cd "$DIR" && pwd -P)"
mapfile -t mounts < <(awk -v d="$real/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r)
for m in "${mounts[@]}"; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
done

if [ "${DFLINT_ENGINE_KEEP:-}" = 1 ]; then
    rm -f "$DIR/docker.sock" "$DIR/env"
    log "stopped; kept $DIR"
else
    rm -rf "$DIR"
    log "stopped and removed $DIR"
fi
