#!/usr/bin/env bash
# Private Redis for Khaya's rate-limit counters (shared by every gunicorn worker).
#
#   scripts/redis.sh install     install redis-server with apt when missing (nothing else)
#   scripts/redis.sh ensure      install if missing and start the private server
#   scripts/redis.sh url         print its URL (redis://127.0.0.1:PORT/0)
#   scripts/redis.sh stop        stop it
#   scripts/redis.sh status      say whether it runs
#
# Port KHAYA_REDIS_PORT (default 63790), loopback only, its files under var/redis; no
# persistence: the counters are worth nothing after a restart. With KHAYA_RATELIMIT_STORAGE_URI
# set, scripts/run.sh uses that server instead and never calls this.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${KHAYA_REDIS_PORT:-63790}
HOME_DIR="$ROOT/var/redis"
PIDFILE="$HOME_DIR/redis.pid"

say() { printf 'redis: %s\n' "$*" >&2; }

# shellcheck source=scripts/apt.sh
. "$ROOT/scripts/apt.sh"

install() {
    command -v redis-server >/dev/null 2>&1 && return 0
    say "installing redis-server"
    apt_install redis-server
}

running() {
    [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

ping() { redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG; }

start() {
    mkdir -p "$HOME_DIR"
    if running; then return 0; fi
    say "starting on port $PORT"
    redis-server --bind 127.0.0.1 --port "$PORT" --dir "$HOME_DIR" \
        --pidfile "$PIDFILE" --logfile "$HOME_DIR/redis.log" --daemonize yes \
        --save "" --appendonly no --protected-mode yes >/dev/null
    for _ in $(seq 1 50); do
        # Ours must answer, not another checkout's server on the same port.
        running && ping && return 0
        sleep 0.1
    done
    say "did not start on port $PORT (another server there? set KHAYA_REDIS_PORT); see $HOME_DIR/redis.log"
    return 1
}

cmd=${1:-}
case "$cmd" in
install) install ;;
ensure) install; start ;;
url) echo "redis://127.0.0.1:$PORT/0" ;;
stop)
    if running; then
        kill "$(cat "$PIDFILE")"
        for _ in $(seq 1 50); do running || break; sleep 0.1; done
        say "stopped"
    else
        say "not running"
    fi
    ;;
status)
    if running; then echo "running (port $PORT)"; else echo "stopped"; exit 3; fi
    ;;
*)
    echo "usage: scripts/redis.sh install | ensure | url | stop | status" >&2
    exit 2
    ;;
esac
