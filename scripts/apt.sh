# Sourced by the setup scripts: apt helpers shared by all of them.

apt_update_once() {
    # One `apt-get update` per machine: package look-ups need fresh lists, later runs don't.
    if [ "$(id -u)" = 0 ] && [ ! -f /var/lib/apt/periodic/khaya-updated ]; then
        apt-get update -qq
        mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/khaya-updated
    fi
}
