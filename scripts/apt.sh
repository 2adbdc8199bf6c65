# Sourced by the setup scripts: the one way they call apt.
#
# Another install may hold dpkg's lock (unattended upgrades, a second checkout setting itself
# up): every call waits for it rather than failing. Output goes to a log under /tmp and is shown
# only when apt fails, so a newcomer sees the few lines that matter.

APT_WAIT=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

apt_log() { printf '%s/khaya-apt.log' "${TMPDIR:-/tmp}"; }

apt_run() {
    local log
    log=$(apt_log)
    if ! DEBIAN_FRONTEND=noninteractive apt-get "${APT_WAIT[@]}" "$@" >>"$log" 2>&1; then
        echo "apt-get $* failed; its output:" >&2
        tail -n 40 "$log" >&2
        return 1
    fi
}

apt_update_once() {
    # One `apt-get update` per machine: package look-ups need fresh lists, later runs don't.
    if [ "$(id -u)" = 0 ] && [ ! -f /var/lib/apt/periodic/khaya-updated ]; then
        apt_run update -qq
        mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/khaya-updated
    fi
}

# apt_install PACKAGE...: install as root, refreshing the package lists once if they are stale.
apt_install() {
    [ "$(id -u)" = 0 ] || { echo "need root to apt-get install $*; install it and rerun" >&2; return 1; }
    command -v apt-get >/dev/null 2>&1 || { echo "no apt-get here; install $* and rerun" >&2; return 1; }
    apt_update_once
    if ! apt_run install -y -qq --no-install-recommends "$@"; then
        rm -f /var/lib/apt/periodic/khaya-updated
        apt_update_once
        apt_run install -y -qq --no-install-recommends "$@"
    fi
}
