#!/usr/bin/env bash
# Install a Debian command-line tool the tests drive, when missing.
#   scripts/ensure_tool.sh COMMAND PACKAGE
# e.g. ogrinfo from gdal-bin (the OGC API - Features test reads the API as GDAL would) and
# pdftotext from poppler-utils (the PDF tests read each document's text layer as a reader's
# copy and search would). Idempotent: with COMMAND on PATH it does nothing.
set -euo pipefail
COMMAND=$1 PACKAGE=$2

if command -v "$COMMAND" >/dev/null 2>&1; then
    exit 0
fi
# shellcheck source=scripts/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"
printf 'tools: installing %s for %s\n' "$PACKAGE" "$COMMAND" >&2
apt_install "$PACKAGE"
command -v "$COMMAND" >/dev/null 2>&1 || { echo "tools: $PACKAGE installed but $COMMAND is not on PATH" >&2; exit 1; }
