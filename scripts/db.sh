#!/usr/bin/env bash
# Private PostgreSQL + PostGIS cluster for Khaya.
#
#   scripts/db.sh ensure DBNAME...   install if missing, start, create each database + postgis
#   scripts/db.sh url DBNAME         print the SQLAlchemy URL of DBNAME
#   scripts/db.sh stop               stop the private cluster
#   scripts/db.sh status             say whether it runs
#   scripts/db.sh standby PORT       a streaming replica of the cluster on PORT (pg_basebackup
#                                    -R into var/pg/standby-PORT), started; for the replica tests
#   scripts/db.sh standby-stop PORT  stop that replica and remove it
#
# With DATABASE_URL set, nothing is installed or started: that server is used as it is.
# Every step checks before it acts, so a second `ensure` changes nothing and says so.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${KHAYA_PG_PORT:-54329}
VAR="$ROOT/var"
PGHOME="$VAR/pg"

say() { printf 'db: %s\n' "$*" >&2; }

as_pg() {
    # PostgreSQL refuses to run as root, so root hands every server command to `postgres`.
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# shellcheck source=scripts/apt.sh
. "$ROOT/scripts/apt.sh"

installed_majors() {
    ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sed -E 's#.*/postgresql/([0-9]+)/bin/postgres#\1#' | sort -n
}

has_postgis() { ls "/usr/share/postgresql/$1/extension/postgis.control" >/dev/null 2>&1; }

pkg_available() { apt-cache show "$1" >/dev/null 2>&1; }

ensure_packages() {
    # Prefer the newest installed server that has (or can get) its matching PostGIS; otherwise
    # fall back to the distribution's default server and its PostGIS.
    local major default
    for major in $(installed_majors | sort -rn); do
        if has_postgis "$major"; then echo "$major"; return; fi
    done
    apt_update_once
    for major in $(installed_majors | sort -rn); do
        if pkg_available "postgresql-$major-postgis-3"; then
            say "installing postgresql-$major-postgis-3"
            apt_install "postgresql-$major-postgis-3"
            echo "$major"; return
        fi
    done
    default=$(apt-cache depends postgresql 2>/dev/null | sed -nE 's/.*Depends: postgresql-([0-9]+)$/\1/p' | head -1)
    [ -n "$default" ] || { say "cannot tell the default PostgreSQL version from apt"; exit 1; }
    say "installing the distribution's PostgreSQL $default with PostGIS"
    apt_install "postgresql-$default" "postgresql-$default-postgis-3"
    echo "$default"
}

pg_home() {
    # The postgres user must reach the data directory; a checkout under /root is closed to it,
    # so the cluster then lives under /var/lib/khaya and var/pg points there.
    mkdir -p "$VAR"
    if [ "$(id -u)" = 0 ] && [ ! -e "$PGHOME" ] && ! runuser -u postgres -- test -x "$VAR"; then
        local alt
        alt="/var/lib/khaya/$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)"
        mkdir -p "$alt"
        ln -s "$alt" "$PGHOME"
    fi
    mkdir -p "$PGHOME"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$(readlink -f "$PGHOME")"
    return 0
}

bin() { echo "/usr/lib/postgresql/$MAJOR/bin/$1"; }

running() { [ -f "$PGHOME/data/postmaster.pid" ] && as_pg "$(bin pg_ctl)" -D "$PGHOME/data" status >/dev/null 2>&1; }

# Stop the replica whose files are in DIR (scripts/db.sh standby), if there is one: MODE is
# pg_ctl's shutdown mode.
stop_standby() {
    [ -f "$1/data/PG_VERSION" ] || return 0
    local MAJOR  # bin() reads it; the caller's stays as it was
    MAJOR=$(cat "$1/data/PG_VERSION")
    as_pg "$(bin pg_ctl)" -D "$1/data" -m "$2" -w stop >/dev/null 2>&1 || true
}

psql_pg() { as_pg "$(bin psql)" -h "$PGHOME/run" -p "$PORT" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

ensure_cluster() {
    pg_home
    if [ -f "$PGHOME/data/PG_VERSION" ]; then
        MAJOR=$(cat "$PGHOME/data/PG_VERSION")
    fi
    if [ ! -f "$PGHOME/data/PG_VERSION" ]; then
        say "creating cluster (PostgreSQL $MAJOR) in $PGHOME/data"
        as_pg "$(bin initdb)" -D "$PGHOME/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
        mkdir -p "$PGHOME/run"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGHOME/run"
        cat >> "$PGHOME/data/postgresql.conf" <<CONF
# Khaya private cluster: loopback and its own socket only.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$PGHOME/run'
max_connections = 100
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
fsync = on
synchronous_commit = on
CONF
    fi
    if ! running; then
        say "starting cluster on port $PORT"
        mkdir -p "$PGHOME/run"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGHOME/run"
        as_pg "$(bin pg_ctl)" -D "$PGHOME/data" -l "$PGHOME/server.log" -w -t 60 start >/dev/null
    fi
}

ensure_database() {
    local name=$1
    if [ "$(psql_pg -tAc "select 1 from pg_roles where rolname='khaya'")" != 1 ]; then
        say "creating role khaya"
        psql_pg -c "create role khaya login createdb"
    fi
    if [ "$(psql_pg -tAc "select 1 from pg_database where datname='$name'")" != 1 ]; then
        say "creating database $name"
        psql_pg -c "create database \"$name\" owner khaya"
    fi
    if [ "$(psql_pg -d "$name" -tAc "select 1 from pg_extension where extname='postgis'")" != 1 ]; then
        say "creating extension postgis in $name"
        psql_pg -d "$name" -c "create extension postgis"
    fi
}

url() { echo "postgresql+psycopg2://khaya@127.0.0.1:$PORT/$1"; }

cmd=${1:-}
shift || true
case "$cmd" in
ensure)
    if [ -n "${DATABASE_URL:-}" ]; then say "DATABASE_URL is set: using that server"; exit 0; fi
    MAJOR=$(ensure_packages)
    ensure_cluster
    for name in "$@"; do ensure_database "$name"; done
    ;;
url)
    if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; else url "$1"; fi
    ;;
stop)
    for dir in "$PGHOME"/standby-*; do stop_standby "$dir" fast; done
    if [ -f "$PGHOME/data/PG_VERSION" ]; then
        MAJOR=$(cat "$PGHOME/data/PG_VERSION")
        if running; then as_pg "$(bin pg_ctl)" -D "$PGHOME/data" -m fast -w stop >/dev/null; say "stopped"; else say "not running"; fi
    else
        say "no private cluster"
    fi
    ;;
status)
    if [ -f "$PGHOME/data/PG_VERSION" ]; then
        MAJOR=$(cat "$PGHOME/data/PG_VERSION")
        if running; then echo "running (PostgreSQL $MAJOR, port $PORT)"; else echo "stopped"; exit 3; fi
    else
        echo "absent"; exit 3
    fi
    ;;
standby)
    sport=$1
    [ -f "$PGHOME/data/PG_VERSION" ] || { say "no private cluster to copy"; exit 1; }
    MAJOR=$(cat "$PGHOME/data/PG_VERSION")
    ensure_cluster
    dir="$PGHOME/standby-$sport"
    [ -f "$dir/data/postmaster.pid" ] && stop_standby "$dir" immediate
    rm -rf "$dir"
    mkdir -p "$dir/run"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
    say "copying the cluster into a streaming replica on port $sport"
    # -R writes standby.signal and the primary's connection; -X stream takes the WAL along.
    as_pg "$(bin pg_basebackup)" -h "$PGHOME/run" -p "$PORT" -U postgres -D "$dir/data" -R \
        -X stream -c fast
    cat >> "$dir/data/postgresql.conf" <<CONF
# A streaming replica of the private cluster (scripts/db.sh standby).
port = $sport
unix_socket_directories = '$dir/run'
hot_standby = on
shared_buffers = 128MB
CONF
    as_pg "$(bin pg_ctl)" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
    say "replica running on port $sport"
    ;;
standby-stop)
    dir="$PGHOME/standby-$1"
    stop_standby "$dir" fast
    rm -rf "$dir"
    ;;
*)
    echo "usage: scripts/db.sh ensure DBNAME... | url DBNAME | stop | status | standby PORT | standby-stop PORT" >&2
    exit 2
    ;;
esac
