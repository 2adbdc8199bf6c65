# Sourced by the setup scripts: run a step with its output kept in var/log/, shown only on failure.

# quietly NAME COMMAND...: run COMMAND, writing its output to var/log/NAME.log.
quietly() {
    local name=$1 dir log
    shift
    dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/var/log"
    mkdir -p "$dir"
    log="$dir/$name.log"
    if ! "$@" >"$log" 2>&1; then
        echo "$name failed; the end of $log:" >&2
        grep -v "^WARNING: Location" "$log" | tail -n 40 >&2
        return 1
    fi
}
