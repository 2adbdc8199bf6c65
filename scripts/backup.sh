#!/usr/bin/env bash
# Back up a Khaya database with pg_dump's custom format (restore it with scripts/restore.sh).
#
#   scripts/backup.sh [DBNAME]     DBNAME (or DB=...) defaults to the demo database `khaya`
#   FILE=path scripts/backup.sh    write there instead of var/backups/DBNAME-YYYYmmdd-HHMMSS.dump
#
# Without DATABASE_URL the private cluster (port KHAYA_PG_PORT, default 54329) is dumped as its
# superuser over loopback, starting it first if it is stopped. With DATABASE_URL that server is
# dumped with its credentials (DBNAME, if given, replaces the URL's database). pg_dump comes
# from the same PostgreSQL major as the server (a newer one if that is all there is). The file
# is written under umask 077 (it holds personal data), checked by reading its table of contents
# back, and only then moved into place; its path and size are printed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${KHAYA_PG_PORT:-54329}
PGHOME="$ROOT/var/pg"

say() { printf 'backup: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# shellcheck source=scripts/pg_client.sh
. "$ROOT/scripts/pg_client.sh"

DB=${1:-${DB:-}}
if [ -n "${DATABASE_URL:-}" ]; then
    URL=$(libpq_url "$DATABASE_URL")
    DB=${DB:-$(url_db "$URL")}
    [ -n "$DB" ] || die "DATABASE_URL names no database; give one: scripts/backup.sh DBNAME"
    CONN=(-d "$(with_db "$URL" "$DB")")
    version=$("$(any_psql)" "${CONN[@]}" -X -tAc 'show server_version_num') \
        || die "cannot reach the server of DATABASE_URL"
    MAJOR=$((version / 10000))
else
    DB=${DB:-khaya}
    if ! bash "$ROOT/scripts/db.sh" status >/dev/null 2>&1; then
        [ -f "$PGHOME/data/PG_VERSION" ] || die "no private cluster under var/pg: nothing to back up"
        say "starting the private cluster"
        bash "$ROOT/scripts/db.sh" ensure
    fi
    MAJOR=$(cat "$PGHOME/data/PG_VERSION")
    CONN=(-h 127.0.0.1 -p "$PORT" -U postgres -d "$DB")
fi
[[ "$DB" =~ ^[A-Za-z0-9_-]+$ ]] || die "unexpected database name '$DB'"

exists=$("$(tool psql)" "${CONN[@]}" -X -tAc 'select 1' 2>/dev/null || true)
[ "$exists" = 1 ] || die "cannot connect to database $DB"

FILE=${FILE:-$ROOT/var/backups/$DB-$(date +%Y%m%d-%H%M%S).dump}
mkdir -p "$(dirname "$FILE")"
umask 077
partial="$FILE.partial"
trap 'rm -f "$partial"' EXIT
began=$(date +%s%N)
"$(tool pg_dump)" "${CONN[@]}" --format=custom --file="$partial"
# A dump that cannot be listed back could not be restored either.
"$(tool pg_restore)" --list "$partial" >/dev/null || die "the dump of $DB is unreadable"
mv "$partial" "$FILE"
trap - EXIT
bytes=$(stat -c %s "$FILE")
seconds=$(awk -v ns=$(($(date +%s%N) - began)) 'BEGIN { printf "%.1f", ns / 1e9 }')
say "dumped $DB (PostgreSQL $MAJOR) in ${seconds} s"
printf '%s\t%s (%s bytes)\n' "$FILE" "$(numfmt --to=iec --suffix=B "$bytes")" "$bytes"
