#!/usr/bin/env bash
# Runs the whole test suite. The tests start their own throwaway PostgreSQL cluster under /tmp
# (unix socket only, as the postgres user when run as root) and stop it when they finish.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/ensure-deps.sh
swift build --build-tests
swift test --skip-build "$@"
