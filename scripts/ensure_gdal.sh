#!/usr/bin/env bash
# Install GDAL's command-line tools (ogrinfo) for the OGC API - Features test. Idempotent:
# with ogrinfo present it does nothing; otherwise it installs Debian's gdal-bin with apt.
set -euo pipefail

say() { printf 'gdal: %s\n' "$*" >&2; }

if command -v ogrinfo >/dev/null 2>&1; then
    exit 0
fi
# shellcheck source=scripts/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"
say "installing gdal-bin"
apt_install gdal-bin
command -v ogrinfo >/dev/null 2>&1 || { say "gdal-bin installed but ogrinfo is not on PATH"; exit 1; }
