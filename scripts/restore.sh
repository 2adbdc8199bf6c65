#!/usr/bin/env bash
# Restore a Khaya backup (scripts/backup.sh, pg_dump's custom format) into a fresh database.
#
#   scripts/restore.sh FILE [TARGET_DB]     TARGET_DB (or DB=...) defaults to `khaya`
#   FORCE=1 scripts/restore.sh FILE DB      drop and recreate DB even if it holds tables
#
# A database that does not exist is created (owned by the app's role `khaya` on the private
# cluster) with the extensions the dump needs (PostGIS); an existing empty one is used as it is;
# an existing one with tables is refused unless FORCE=1, which drops it first (ending its
# connections). The dump is restored as the app's role in one transaction
# (`pg_restore --no-owner --exit-on-error --single-transaction`), so every table belongs to
# the role the app connects as, and a failure leaves nothing half restored. Extensions are
# created by the server's superuser instead of from the dump, since only their owner may
# restore them and their comments. The new database is vacuumed and analysed at the end.
#
# Without DATABASE_URL the private cluster is used (started if it is stopped); with it, that
# server and its credentials (TARGET_DB replaces the URL's database).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${KHAYA_PG_PORT:-54329}
PGHOME="$ROOT/var/pg"

say() { printf 'restore: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# shellcheck source=scripts/pg_client.sh
. "$ROOT/scripts/pg_client.sh"

FILE=${1:-${FILE:-}}
[ -n "$FILE" ] || die "usage: scripts/restore.sh FILE [TARGET_DB]  (FORCE=1 replaces a database with tables)"
[ -r "$FILE" ] || die "cannot read $FILE"
TARGET=${2:-${DB:-}}

if [ -n "${DATABASE_URL:-}" ]; then
    URL=$(libpq_url "$DATABASE_URL")
    TARGET=${TARGET:-$(url_db "$URL")}
    [ -n "$TARGET" ] || die "DATABASE_URL names no database; give one: scripts/restore.sh FILE DBNAME"
    version=$("$(any_psql)" -d "$(with_db "$URL" postgres)" -X -tAc 'show server_version_num') \
        || die "cannot reach the server of DATABASE_URL"
    MAJOR=$((version / 10000))
    admin() { "$(tool "$1")" -d "$(with_db "$URL" "$2")" "${@:3}"; }
    app() { "$(tool "$1")" -d "$(with_db "$URL" "$2")" "${@:3}"; }
    OWNER=""
else
    TARGET=${TARGET:-khaya}
    if ! bash "$ROOT/scripts/db.sh" status >/dev/null 2>&1; then
        say "starting the private cluster"
        bash "$ROOT/scripts/db.sh" ensure
    fi
    MAJOR=$(cat "$PGHOME/data/PG_VERSION")
    admin() { "$(tool "$1")" -h 127.0.0.1 -p "$PORT" -U postgres -d "$2" "${@:3}"; }
    app() { "$(tool "$1")" -h 127.0.0.1 -p "$PORT" -U khaya -d "$2" "${@:3}"; }
    OWNER=khaya
fi
[[ "$TARGET" =~ ^[A-Za-z0-9_-]+$ ]] || die "unexpected database name '$TARGET'"
sql() { admin psql "$1" -X -q -v ON_ERROR_STOP=1 -tA -c "$2"; }

# Read the dump before touching anything: a file that cannot be listed is refused here.
work=$(mktemp -d)
created=""
cleanup() {
    local rc=$?
    rm -rf "$work"
    if [ "$rc" != 0 ] && [ -n "$created" ]; then
        say "dropping $TARGET again: the restore failed"
        sql postgres "drop database if exists \"$TARGET\" with (force)" || true
    fi
}
trap cleanup EXIT
"$(tool pg_restore)" --list "$FILE" > "$work/toc" 2>"$work/err" \
    || die "$FILE is not a custom-format dump: $(head -1 "$work/err")"

# Extensions, and the rows their configuration tables keep (spatial_ref_sys), are the
# superuser's; everything else is restored as the app's role.
awk '$4 == "EXTENSION" { print $6 }' "$work/toc" > "$work/extensions"
awk '$4 == "TABLE" && $5 != "DATA" { print $5 "." $6 }' "$work/toc" > "$work/tables"
awk -v extdata="$work/extdata" '
    NR == FNR { table[$0] = 1; next }
    /^;/ { print; next }
    $4 == "EXTENSION" { next }
    $4 == "COMMENT" && $6 == "EXTENSION" { next }
    $4 == "TABLE" && $5 == "DATA" && !(($6 "." $7) in table) { print > extdata; next }
    { print }' "$work/tables" "$work/toc" > "$work/main"

if [ -n "$OWNER" ] && [ "$(sql postgres "select 1 from pg_roles where rolname = '$OWNER'")" != 1 ]; then
    say "creating role $OWNER"
    sql postgres "create role $OWNER login createdb" >/dev/null
fi

tables_in() {
    sql "$1" "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where c.relkind in ('r', 'p', 'v', 'm')
                and n.nspname not in ('pg_catalog', 'information_schema')
                and n.nspname !~ '^pg_toast'
                and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                                and d.objid = c.oid and d.deptype = 'e')"
}

if [ "$(sql postgres "select 1 from pg_database where datname = '$TARGET'")" = 1 ]; then
    held=$(tables_in "$TARGET")
    if [ "$held" != 0 ]; then
        [ "${FORCE:-0}" = 1 ] || die "database $TARGET already holds $held tables; refusing to overwrite it (FORCE=1 drops and recreates it)"
        say "FORCE=1: dropping $TARGET ($held tables)"
        # WITH (FORCE) ends its sessions; a role that may not end them all drops it plainly.
        sql postgres "drop database \"$TARGET\" with (force)" >/dev/null 2>&1 \
            || sql postgres "drop database \"$TARGET\"" >/dev/null
    else
        say "using the existing empty database $TARGET"
    fi
fi
if [ "$(sql postgres "select 1 from pg_database where datname = '$TARGET'")" != 1 ]; then
    say "creating database $TARGET"
    sql postgres "create database \"$TARGET\"${OWNER:+ owner $OWNER}" >/dev/null
    created=1
fi
while read -r extension; do
    [ -n "$extension" ] || continue
    PGOPTIONS='-c client_min_messages=warning' sql "$TARGET" \
        "create extension if not exists \"$extension\"" >/dev/null \
        || die "cannot create extension $extension in $TARGET: create it there beforehand as a superuser"
done < "$work/extensions"

began=$(date +%s%N)
app pg_restore "$TARGET" --no-owner --exit-on-error --single-transaction \
    --use-list="$work/main" "$FILE"
# Rows of extension tables the dump carries (user-added spatial reference systems), if any.
if [ -s "$work/extdata" ] && [ "$("$(tool pg_restore)" --data-only --use-list="$work/extdata" \
        --file=- "$FILE" | awk '/^COPY / { c = 1; next } /^\\\.$/ { c = 0; next } c { n++ }
                                END { print n + 0 }')" != 0 ]; then
    admin pg_restore "$TARGET" --data-only --exit-on-error --single-transaction \
        --use-list="$work/extdata" "$FILE" \
        || die "the dump adds rows to an extension's table (spatial_ref_sys): restore needs a superuser"
fi
# Statistics for the planner, and the visibility map set now rather than by autovacuum later.
admin psql "$TARGET" -X -q -c 'vacuum (analyze)' 2>/dev/null
created=""
seconds=$(awk -v ns=$(($(date +%s%N) - began)) 'BEGIN { printf "%.1f", ns / 1e9 }')
say "restored $(basename "$FILE") into $TARGET: $(tables_in "$TARGET") tables in ${seconds} s"
