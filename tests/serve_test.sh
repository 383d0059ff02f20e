#!/usr/bin/env bash
# Starts a real `aips serve` on a simulated world and runs the HTTP API tests (tests/api_test.py) and the
# dashboard test in Debian's chromium (tests/browser/dashboard_test.mjs); then stops the server with
# SIGTERM and checks that it exits cleanly. Usage: tests/serve_test.sh AIPS_BINARY OUTPUT_DIR
set -euo pipefail
aips=$(realpath "$1")
out=$(mkdir -p "$2" && realpath "$2")
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/aips-serve-XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$aips" simulate --out "$work/world" --users 6000 --days 70 --seed 5 --brands 10 > /dev/null
"$aips" ingest --data "$work/d" "$work"/world/*.csv > /dev/null
"$aips" compute --data "$work/d" > /dev/null
"$aips" tenant add --data "$work/d" --tenant acme --brands serum-01,babyfood-01 2> /dev/null
"$aips" tenant add --data "$work/d" --tenant rival --brands serum-02 2> /dev/null
"$aips" tenant add --data "$work/d" --tenant deco --brands homedeco-01 2> /dev/null
acme=$("$aips" key create --data "$work/d" --tenant acme 2> /dev/null)
rival=$("$aips" key create --data "$work/d" --tenant rival 2> /dev/null)
deco=$("$aips" key create --data "$work/d" --tenant deco 2> /dev/null)
admin=$("$aips" key create --data "$work/d" --admin 2> /dev/null)
grep -q "$acme" "$work/d/tenants.bin" && { echo "FAIL: a key is stored in clear" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$aips" serve --data "$work/d" --port "$port" --max-body-mb 1 2> "$out/serve.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break; sleep 0.1; done
base="http://127.0.0.1:$port"

python3 "$here/tests/api_test.py" "$base" "$aips" "$work/d" "$acme" "$rival" "$admin"
node "$here/tests/browser/dashboard_test.mjs" "$base" "$acme" serum-01 "$out/screenshots" "$deco" \
  "$aips" "$work/d" "$admin"

kill -TERM "$pid"
code=0
wait "$pid" || code=$?
pid=""
[ "$code" -eq 0 ] || { echo "FAIL: aips serve exited $code after SIGTERM" >&2; exit 1; }
grep -q '"path":"/api/v1/stages"' "$out/serve.log" || { echo "FAIL: no structured request log" >&2; exit 1; }
echo "serve: stopped cleanly on SIGTERM; request log in $out/serve.log"
