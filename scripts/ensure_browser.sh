#!/usr/bin/env bash
# Install Debian's Chromium (and Thai fonts for screenshots) for the browser tests when missing.
# The tests drive /usr/bin/chromium through Playwright; no browser is ever downloaded.
set -euo pipefail
CHROMIUM=${KHAYA_CHROMIUM:-/usr/bin/chromium}

say() { printf 'browser: %s\n' "$*" >&2; }

if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "$CHROMIUM is missing; install it (as root: apt-get install chromium fonts-thai-tlwg) and rerun"
    exit 1
fi
say "installing chromium and fonts-thai-tlwg with apt"
# shellcheck source=scripts/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"
apt_install chromium fonts-thai-tlwg
[ -x "$CHROMIUM" ] || { say "chromium did not install at $CHROMIUM"; exit 1; }
