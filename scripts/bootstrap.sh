#!/usr/bin/env bash
# Create .venv and install Khaya's pinned Python packages; rerun only when the pins change.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

pick_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"; return
        fi
    done
    return 1
}

if ! PY=$(pick_python); then
    echo "bootstrap: Khaya needs Python 3.11 or newer" >&2
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
        PY=$(pick_python) || exit 1
    else
        exit 1
    fi
fi

if [ ! -x .venv/bin/python ]; then
    if ! "$PY" -m venv .venv 2>/dev/null; then
        # Debian splits venv out of python3.
        [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        rm -rf .venv && "$PY" -m venv .venv
    fi
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
touch .venv/.installed
