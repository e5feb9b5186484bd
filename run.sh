#!/usr/bin/env bash
# Starts VideoLedger: builds it (release), then `videoledger serve`. With no DATABASE_URL it
# creates and starts a private PostgreSQL cluster under .videoledger/ (unix socket only).
# Extra arguments go to `serve`, e.g. ./run.sh --port 9090.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/ensure-deps.sh
swift build -c release --product videoledger
exec .build/release/videoledger serve "$@"
