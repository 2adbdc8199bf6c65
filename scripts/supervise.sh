#!/usr/bin/env bash
# The web server and queue workers that `make run` started under supervisord.
#
#   scripts/supervise.sh stop      stop them all (workers finish the job in hand) and wait
#   scripts/supervise.sh status    list them
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SOCK="$ROOT/var/supervisor.sock"
PIDFILE="$ROOT/var/supervisord.pid"
CTL=("$ROOT/.venv/bin/supervisorctl" -s "unix://$SOCK")

running() { [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

case "${1:-}" in
    stop)
        running || exit 0
        pid=$(cat "$PIDFILE")
        echo "app: stopping the web server and the job-queue workers" >&2
        "${CTL[@]}" shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
        # Workers get up to a minute to finish their job (stopwaitsecs in the config).
        for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.5; done
        echo "app: supervisord ($pid) did not stop in time" >&2
        exit 1
        ;;
    status)
        if running; then "${CTL[@]}" status; else echo "stopped"; exit 3; fi
        ;;
    *)
        echo "usage: $0 stop|status" >&2
        exit 2
        ;;
esac
