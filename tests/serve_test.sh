#!/usr/bin/env bash
# Starts a real `aips serve` on a simulated world and runs the HTTP API tests (tests/api_test.py) and the
# dashboard test in Debian's chromium (tests/browser/dashboard_test.mjs); then stops the server with
# SIGTERM and checks that it exits cleanly.
# Usage: tests/serve_test.sh AIPS_BINARY OUTPUT_DIR [ENGINE_URL]
# With ENGINE_URL (or AIPS_SERVE_ENGINE), a clickhouse:// URL of a database to (re)create (a cluster URL
# with nodes=, docs/distributed.md), the world, tenants and keys are loaded there and the server runs with
# `--engine URL` and no data directory; every check must pass there too.
set -euo pipefail
aips=$(realpath "$1")
out=$(mkdir -p "$2" && realpath "$2")
engine=${3:-${AIPS_SERVE_ENGINE:-}}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/aips-serve-XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$aips" simulate --out "$work/world" --users 6000 --days 70 --seed 5 --brands 10 > /dev/null
if [ -n "$engine" ]; then
  # A fresh database on every node of the URL (the entry node and nodes=).
  db=$(sed -E 's#^clickhouse://[^/]*/([A-Za-z0-9_]+).*#\1#' <<< "$engine")
  nodes=$(sed -E 's#^clickhouse://([^/]*)/.*#\1#' <<< "$engine")
  [[ "$engine" == *nodes=* ]] && nodes="$nodes,$(sed -E 's#.*nodes=([^&]*).*#\1#' <<< "$engine")"
  for n in ${nodes//,/ }; do
    curl -sf "http://$n/" --data-binary "DROP DATABASE IF EXISTS $db" > /dev/null
  done
  where=(--engine "$engine")
  "$aips" ingest "${where[@]}" "$work"/world/*.csv > /dev/null 2> "$work/ingest.log"
else
  where=(--data "$work/d")
  "$aips" ingest "${where[@]}" "$work"/world/*.csv > /dev/null
  "$aips" compute "${where[@]}" > /dev/null
fi
"$aips" tenant add "${where[@]}" --tenant acme --brands serum-01,babyfood-01 2> /dev/null
"$aips" tenant add "${where[@]}" --tenant rival --brands serum-02 2> /dev/null
"$aips" tenant add "${where[@]}" --tenant deco --brands homedeco-01 2> /dev/null
acme=$("$aips" key create "${where[@]}" --tenant acme 2> /dev/null)
rival=$("$aips" key create "${where[@]}" --tenant rival 2> /dev/null)
deco=$("$aips" key create "${where[@]}" --tenant deco 2> /dev/null)
admin=$("$aips" key create "${where[@]}" --admin 2> /dev/null)
if [ -n "$engine" ]; then
  stored=$(curl -sf "http://${nodes%%,*}/" --data-binary "SELECT * FROM $db.api_keys FORMAT TSV")
  [ "$(wc -l <<< "$stored")" -eq 4 ] || { echo "FAIL: expected 4 keys in $db.api_keys" >&2; exit 1; }
  grep -q "$acme" <<< "$stored" && { echo "FAIL: a key is stored in clear" >&2; exit 1; }
  data="$engine"
else
  grep -q "$acme" "$work/d/tenants.bin" && { echo "FAIL: a key is stored in clear" >&2; exit 1; }
  data="$work/d"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$aips" serve "${where[@]}" --port "$port" --max-body-mb 1 2> "$out/serve.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break; sleep 0.1; done
base="http://127.0.0.1:$port"

python3 "$here/tests/api_test.py" "$base" "$aips" "$data" "$acme" "$rival" "$admin"
node "$here/tests/browser/dashboard_test.mjs" "$base" "$acme" serum-01 "$out/screenshots" "$deco" \
  "$aips" "$data" "$admin"

kill -TERM "$pid"
code=0
wait "$pid" || code=$?
pid=""
[ "$code" -eq 0 ] || { echo "FAIL: aips serve exited $code after SIGTERM" >&2; exit 1; }
grep -q '"path":"/api/v1/stages"' "$out/serve.log" || { echo "FAIL: no structured request log" >&2; exit 1; }
echo "serve: stopped cleanly on SIGTERM; request log in $out/serve.log"
