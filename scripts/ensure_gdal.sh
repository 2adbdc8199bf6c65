#!/usr/bin/env bash
# Install GDAL's command-line tools (ogrinfo) for the OGC API - Features test. Idempotent:
# with ogrinfo present it does nothing; as root it installs Debian's gdal-bin with apt.
set -euo pipefail

say() { printf 'gdal: %s\n' "$*" >&2; }

if command -v ogrinfo >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "ogrinfo is missing and apt-get cannot run here; install gdal-bin (the OAPIF test skips)"
    exit 0
fi
install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gdal-bin >/dev/null; }
say "installing gdal-bin"
if ! install; then
    # Stale or missing package lists: refresh once and try again.
    apt-get update -qq
    mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/khaya-updated
    install
fi
command -v ogrinfo >/dev/null 2>&1 || { say "gdal-bin installed but ogrinfo is not on PATH"; exit 1; }
