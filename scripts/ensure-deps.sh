# Sourced by run.sh and test.sh: installs what VideoLedger needs on a Debian machine when it is
# missing (libpq and libcurl headers, the PostgreSQL server for the embedded/test cluster, and
# pgbench/psql for benchmarks). Needs root or sudo only when something is missing.

videoledger_missing_packages() {
    local missing=()
    command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
    pkg-config --exists libpq 2>/dev/null || missing+=(libpq-dev)
    pkg-config --exists libcurl 2>/dev/null || missing+=(libcurl4-openssl-dev)
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
    ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1 || missing+=(postgresql-contrib)
    # The contract test (scripts/contract-test.sh): curl, and Python with venv and pip.
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
    echo "${missing[@]}"
}

videoledger_ensure_deps() {
    local missing
    missing=$(videoledger_missing_packages)
    if [ -n "$missing" ]; then
        echo "Installing: $missing" >&2
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
    fi
    if ! command -v swift >/dev/null 2>&1; then
        if [ -x /opt/swift/usr/bin/swift ]; then
            export PATH="$PATH:/opt/swift/usr/bin"
        else
            echo "VideoLedger needs a Swift 6 toolchain (swift not found on PATH)." >&2
            return 1
        fi
    fi
}

videoledger_ensure_deps
