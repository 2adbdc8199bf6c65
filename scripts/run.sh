#!/usr/bin/env bash
# Start the private database, migrate, seed the Lamphun demo and serve Khaya.
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
echo "Stop with Ctrl-C; 'make stop' stops the database."
exec .venv/bin/gunicorn --bind "$HOST:$PORT" --workers "${KHAYA_WORKERS:-2}" --threads 4 \
    --access-logfile var/log/access.log --log-level warning "khaya:create_app()"
