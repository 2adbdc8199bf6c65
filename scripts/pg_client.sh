#!/usr/bin/env bash
# Shared by scripts/backup.sh and scripts/restore.sh (sourced; they define say and die):
# libpq URLs from SQLAlchemy ones, and PostgreSQL client tools matching the server's major.

libpq_url() {  # SQLAlchemy's postgresql+psycopg2://... -> libpq's postgresql://...
    printf '%s' "$1" | sed -E 's#^postgres(ql)?(\+[A-Za-z0-9_]+)?://#postgresql://#'
}
url_db() { printf '%s' "$1" | sed -nE 's#^[^/]*//[^/]*/([^?]*).*#\1#p'; }
with_db() { printf '%s' "$1" | sed -E "s#^([^/]*//[^/?]*)(/[^?]*)?#\\1/$2#"; }

# The client tool NAME for server major $MAJOR: the same major, else the newest newer one.
tool() {
    local name=$1 major
    if [ -x "/usr/lib/postgresql/$MAJOR/bin/$name" ]; then echo "/usr/lib/postgresql/$MAJOR/bin/$name"; return; fi
    for major in $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
        if [ "$major" -gt "$MAJOR" ] && [ -x "/usr/lib/postgresql/$major/bin/$name" ]; then
            echo "/usr/lib/postgresql/$major/bin/$name"; return
        fi
    done
    die "no $name for PostgreSQL $MAJOR: install postgresql-client-$MAJOR"
}

any_psql() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)
    [ -n "$found" ] || found=$(command -v psql || true)
    [ -n "$found" ] || die "no psql found: install postgresql-client"
    echo "$found"
}
