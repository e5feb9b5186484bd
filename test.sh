#!/usr/bin/env bash
# Checks the formatting (`swift format lint --strict` against .swift-format: line length 120;
# `swift format format -i --recursive Package.swift Sources Tests` fixes it), then runs the
# whole test suite. The tests start their own throwaway PostgreSQL cluster under /tmp
# (unix socket only, password-protected, as the postgres user when run as root) and stop it
# when they finish. Then the REST contract: the OpenAPI document is validated and schemathesis
# runs every check against a live `serve` (scripts/contract-test.sh; tools in a venv under
# .build/). Arguments go to `swift test` (a filtered run skips the contract test), and
# VIDEOLEDGER_SKIP_CONTRACT=1 skips it too.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/ensure-deps.sh
swift format lint --strict --recursive --parallel Package.swift Sources Tests
swift build --build-tests
swift test --skip-build "$@"
if [ "$#" -eq 0 ] && [ "${VIDEOLEDGER_SKIP_CONTRACT:-}" != "1" ]; then
    ./scripts/contract-test.sh
fi
