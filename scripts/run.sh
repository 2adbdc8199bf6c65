#!/usr/bin/env bash
# Start the private database, migrate, seed the Lamphun demo and serve Khaya with its workers.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

# shellcheck source=scripts/quiet.sh
. scripts/quiet.sh
bash scripts/db.sh ensure khaya
DATABASE_URL=$(bash scripts/db.sh url khaya)
export DATABASE_URL FLASK_APP=khaya
if [ -z "${KHAYA_RATELIMIT_STORAGE_URI:-}" ]; then
    # Rate-limit counters every gunicorn worker shares (a private Redis under var/redis).
    bash scripts/redis.sh ensure
    KHAYA_RATELIMIT_STORAGE_URI=$(bash scripts/redis.sh url)
    export KHAYA_RATELIMIT_STORAGE_URI
fi
echo "setup: applying migrations and loading the demo (idempotent)" >&2
quietly migrate .venv/bin/flask db upgrade
quietly seed .venv/bin/python -m seed demo
# The VAPID key pair reminders are signed with, made once under var/vapid/.
quietly push-keys .venv/bin/flask push ensure-keys

if [ -z "${KHAYA_SECRET_KEY:-}" ]; then
    # A demo secret kept under var/ so tokens survive restarts; production sets its own.
    [ -s var/secret_key ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))' > var/secret_key
    KHAYA_SECRET_KEY=$(cat var/secret_key)
    export KHAYA_SECRET_KEY
fi

cat <<MSG

Khaya is serving the Lamphun demo on http://$HOST:$PORT
  API docs:  http://$HOST:$PORT/api/v1/docs
  Health:    http://$HOST:$PORT/api/v1/health
MSG
.venv/bin/python -m seed logins
echo "Stop with Ctrl-C, or 'make stop' from another terminal (it also stops the database)."
echo "Job-queue workers: ${KHAYA_JOB_WORKERS:-1} (logs in var/log/worker-*.log)"
# supervisord runs gunicorn and the queue workers together and restarts a crashed one.
export KHAYA_ROOT="$ROOT" KHAYA_RUN_DIR="$ROOT/var" HOST PORT KHAYA_WORKERS=${KHAYA_WORKERS:-2} \
    KHAYA_JOB_WORKERS=${KHAYA_JOB_WORKERS:-1}
exec .venv/bin/supervisord -c deploy/supervisor/khaya.conf
