#!/usr/bin/env bash
# Start the private database with its own test database and run every test.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
TEST_DB=${KHAYA_TEST_DB:-khaya_test}
export KHAYA_TEST_DB=$TEST_DB

if [ -n "${DATABASE_URL:-}" ] && [ -z "${KHAYA_TEST_DATABASE_URL:-}" ]; then
    echo "test: DATABASE_URL is set; tests rebuild their database, so name it in KHAYA_TEST_DATABASE_URL" >&2
    exit 2
fi
bash scripts/db.sh ensure "$TEST_DB"
# The tests start their own Redis (tests/conftest.py) unless KHAYA_TEST_REDIS_URL names one.
[ -n "${KHAYA_TEST_REDIS_URL:-}" ] || bash scripts/redis.sh install
exec .venv/bin/python -m pytest "$@"
