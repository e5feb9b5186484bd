#!/usr/bin/env bash
# The REST contract, proved against the real service (run by ./test.sh after `swift test`):
#  1. Sources/API/openapi.yaml is valid OpenAPI 3.1 (openapi-spec-validator);
#  2. schemathesis runs every check against a live `videoledger serve` (a throwaway embedded
#     cluster, the built-in provider simulator): no server error, no undocumented status, no
#     schema-valid request refused as malformed, no schema-violating request accepted
#     (scripts/schemathesis.toml states which answers count as what).
# The tools live in a venv under .build/ (git-ignored). The service is stopped on exit.
# Environment: CONTRACT_MAX_EXAMPLES (default 100) bounds the generated cases per operation.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build/contract-venv
if [ ! -x "$venv/bin/schemathesis" ] || ! cmp -s scripts/contract-requirements.txt "$venv/requirements.txt"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/contract-requirements.txt
    cp scripts/contract-requirements.txt "$venv/requirements.txt"
fi

echo "== openapi-spec-validator"
"$venv/bin/openapi-spec-validator" Sources/API/openapi.yaml

binary=.build/debug/videoledger
[ -x "$binary" ] || swift build --product videoledger
work=$(mktemp -d /tmp/videoledger-contract-XXXXXX)
chmod 711 "$work"  # the embedded cluster runs as postgres when this is root
serve_pid=""
cleanup() {
    if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
        kill -TERM "$serve_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$serve_pid" 2>/dev/null || true
    fi
    # serve leaves the embedded cluster running: stop its postmaster too.
    if [ -f "$work/postgres/data/postmaster.pid" ]; then
        kill -QUIT "$(head -1 "$work/postgres/data/postmaster.pid")" 2>/dev/null || true
        sleep 0.5
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# A clean environment (no provider credentials) and the built-in simulator.
env -i PATH="$PATH" HOME="${HOME:-/root}" LANG=C.UTF-8 \
    VIDEOLEDGER_EMBEDDED_DIR="$work/postgres" VIDEOLEDGER_TOKEN_FILE="$work/secrets/admin-token" \
    VIDEOLEDGER_LOG_LEVEL=notice \
    "$binary" serve --simulator --host 127.0.0.1 --port 0 --pricing-dir pricing --migrations-dir migrations \
    >"$work/serve.log" 2>&1 &
serve_pid=$!

# Port 0: serve binds a free port and logs it (`port=N [VideoLedgerCLI] listening`); nothing can take it in between.
port=""
for _ in $(seq 1 600); do
    [ -n "$port" ] || port=$(sed -n 's/.* port=\([0-9][0-9]*\) .*\] listening$/\1/p' "$work/serve.log" | head -1)
    if [ -n "$port" ] && curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$serve_pid" 2>/dev/null; then echo "serve exited:"; cat "$work/serve.log"; exit 1; fi
    sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "serve did not become healthy:"; cat "$work/serve.log"; exit 1; }
bootstrap=$(cat "$work/secrets/admin-token")
# The run's own admin token, under a name no generated request will guess (the hooks keep it
# from being revoked by name anyway).
token_name="contract-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
token=$(curl -fsS -X POST -H @- -H 'Content-Type: application/json' \
    -d "{\"name\": \"$token_name\", \"scope\": \"admin\"}" "http://127.0.0.1:$port/v1/tokens" \
    <<<"Authorization: Bearer $bootstrap" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

echo "== schemathesis (all checks) against serve on port $port"
status=0
repository=$(pwd)
# From the throwaway folder: schemathesis and Hypothesis keep their caches in the working folder.
(cd "$work" && CONTRACT_TOKEN="$token" CONTRACT_TOKEN_NAME="$token_name" SCHEMATHESIS_HOOKS="$repository/scripts/contract_hooks.py" \
"$repository/$venv/bin/schemathesis" --config-file "$repository/scripts/schemathesis.toml" run "$repository/Sources/API/openapi.yaml" \
    --url "http://127.0.0.1:$port" \
    --checks all --max-examples "${CONTRACT_MAX_EXAMPLES:-100}" --workers 1 --seed "${CONTRACT_SEED:-1}" \
    --no-color --output-truncate true --output-sanitize true) || status=$?
if [ "$status" -ne 0 ]; then
    echo "schemathesis found problems (exit $status); the service's log:"
    tail -n 50 "$work/serve.log"
fi
exit "$status"
