#!/usr/bin/env bash
# Create .venv and install Khaya's pinned Python packages; rerun only when the pins change.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/apt.sh
. "$ROOT/scripts/apt.sh"

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
    apt_install python3 python3-venv || exit 1
    PY=$(pick_python) || exit 1
fi

if [ ! -x .venv/bin/python ]; then
    if ! "$PY" -m venv .venv 2>/dev/null; then
        # Debian splits venv out of python3.
        apt_install python3-venv
        rm -rf .venv && "$PY" -m venv .venv
    fi
fi
echo "setup: installing Khaya's pinned Python packages into .venv" >&2
# pip's chatter (including warnings about this machine's own index settings) goes to a log
# that is shown only when the install fails.
LOG=var/pip-install.log
mkdir -p var
if ! .venv/bin/python -m pip install -q --disable-pip-version-check -c requirements.lock \
        -e '.[dev]' >"$LOG" 2>&1; then
    echo "setup: pip install failed; its output:" >&2
    grep -v "^WARNING: Location" "$LOG" | tail -n 40 >&2
    exit 1
fi
touch .venv/.installed
