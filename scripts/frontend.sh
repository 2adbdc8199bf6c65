#!/usr/bin/env bash
# Build the phone app (frontend/ -> frontend/dist, which Flask serves at /).
#
# Idempotent and quick when nothing changed: Node.js and npm are installed with apt only when
# missing, `npm ci` runs only when package.json or package-lock.json changed (stamp under
# frontend/node_modules), and `npm run build` only when a source changed (hash kept in
# frontend/dist/.build-hash). An up-to-date dist needs no Node at all.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FE="$ROOT/frontend"
NODE_MIN=18
# shellcheck source=scripts/quiet.sh
. "$ROOT/scripts/quiet.sh"

say() { printf 'frontend: %s\n' "$*" >&2; }

sha() { sha256sum | cut -c1-64; }

# Everything the build reads, plus the settings that change its output.
build_hash() {
    {
        (cd "$FE" && find src sw shared public index.html vite.config.ts tsconfig.json package.json \
            package-lock.json -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
        echo "VITE_TILE_URL=${VITE_TILE_URL:-}"
        echo "precompressed: brotli and gzip"
    } | sha
}

node_ok() {
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
        [ "$(node -p 'process.versions.node.split(".")[0]')" -ge "$NODE_MIN" ]
}

ensure_node() {
    node_ok && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing Node.js and npm with apt"
        # shellcheck source=scripts/apt.sh
        . "$ROOT/scripts/apt.sh"
        apt_install nodejs npm
    fi
    if ! node_ok; then
        say "the phone app needs Node.js $NODE_MIN or newer with npm (found: $(node --version 2>/dev/null || echo none));"
        say "install them (as root: apt-get install nodejs npm) and rerun"
        exit 1
    fi
}

# Several test runs may start at once on one checkout: one builds, the others wait for it.
if command -v flock >/dev/null 2>&1; then
    exec 9>"${TMPDIR:-/tmp}/khaya-frontend-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12).lock"
    flock 9
fi

install_packages() {
    LOCK=$(cat "$FE/package.json" "$FE/package-lock.json" | sha)
    STAMP="$FE/node_modules/.khaya-lock-hash"
    if [ "$(cat "$STAMP" 2>/dev/null)" != "$LOCK" ]; then
        say "installing the pinned npm packages (npm ci)"
        (cd "$FE" && quietly npm-ci npm ci --no-audit --no-fund --loglevel=error)
        echo "$LOCK" > "$STAMP"
    fi
}

# `frontend.sh lint`: ESLint (with typescript-eslint's type-aware rules) and the type check.
if [ "${1:-}" = "lint" ]; then
    ensure_node
    install_packages
    say "eslint and tsc --noEmit"
    (cd "$FE" && npx --no-install eslint --max-warnings 0 . && npm run --silent typecheck)
    exit 0
fi

WANT=$(build_hash)
if [ -f "$FE/dist/index.html" ] && [ "$(cat "$FE/dist/.build-hash" 2>/dev/null)" = "$WANT" ]; then
    say "dist is up to date"
    exit 0
fi

ensure_node
install_packages
say "building the phone app (node $(node --version))"
(cd "$FE" && quietly frontend-build npm run --silent build)
# Brotli and gzip copies beside each file, made once here instead of on every request;
# WhiteNoise serves the one the browser accepts (see backend/khaya/common/web.py).
"$ROOT/.venv/bin/python" -m whitenoise.compress --quiet "$FE/dist"
echo "$WANT" > "$FE/dist/.build-hash"
say "built $(find "$FE/dist" -type f | wc -l) files into frontend/dist"
