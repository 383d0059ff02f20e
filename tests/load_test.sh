#!/usr/bin/env bash
# Load test: wrk (Debian) sends a mix of dashboard queries to a real `aips serve` while events are
# ingested through the API; fails on any error status or failed connection, and writes the latency
# percentiles and throughput to OUTPUT_FILE. Usage: tests/load_test.sh AIPS_BINARY OUTPUT_FILE [SECONDS]
set -euo pipefail
aips=$(realpath "$1")
out=$2
secs=${3:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
command -v wrk > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk > /dev/null
work=$(mktemp -d /tmp/aips-load-XXXXXX)
pid=""
spinners=()
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2> /dev/null
  [ ${#spinners[@]} -gt 0 ] && kill "${spinners[@]}" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
"$aips" simulate --out "$work/world" --users "${LOAD_USERS:-50000}" --days 60 --seed 9 > /dev/null
"$aips" ingest --data "$work/d" "$work"/world/{categories,brands,campaigns,spend,events}.csv > /dev/null 2>&1
"$aips" compute --data "$work/d" > /dev/null
"$aips" tenant add --data "$work/d" --tenant t --brands serum-01,babyfood-01 2> /dev/null
key=$("$aips" key create --data "$work/d" --tenant t 2> /dev/null)
admin=$("$aips" key create --data "$work/d" --admin 2> /dev/null)
day=$("$aips" info --data "$work/d" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["last_day"])')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$aips" serve --data "$work/d" --port "$port" --quiet 2> "$work/serve.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break; sleep 0.1; done
# Ingest through the API during the load: batches of new events for the last day.
(
  for b in $(seq 1 20); do
    python3 -c "
import json
for i in range(500):
    print(json.dumps({'event_id': 'load-$b-%d' % i, 'ts': '${day}T12:00:00+08:00', 'user_id': 'load-user-%d' % i, 'brand': 'serum-01', 'action': 'click'}))
" | curl -s -o "$work/ingest-$b.json" -w "%{http_code}" -X POST -H "Authorization: Bearer $admin" -H "Content-Type: application/x-ndjson" --data-binary @- "http://127.0.0.1:$port/api/v1/ingest/events" > "$work/ingest-$b.code"; [ "$(cat "$work/ingest-$b.code")" = 200 ] || echo "ingest batch $b: HTTP $(cat "$work/ingest-$b.code") $(head -c 200 "$work/ingest-$b.json" 2>/dev/null)" >&2
    sleep 0.3
  done
) &
ingester=$!
# Runs the dashboard mix for $secs seconds into $work/$1.txt; fails (naming $2) on any error status or failed
# connection, else prints "requests N, errors 0, throughput R req/s, latency p50 .. ms, p99 .. ms, max .. ms".
run_mix() {
  KEY=$key DAY=$day wrk -t2 -c16 -d"${secs}s" --latency -s "$here/tests/load/mix.lua" "http://127.0.0.1:$port" > "$work/$1.txt"
  local requests errs_status errs_other p50 p99 maxl rps
  read -r _ requests errs_status errs_other p50 p99 maxl rps <<< "$(grep '^RESULT' "$work/$1.txt" | tr '=' ' ' | awk '{print $1, $3, $5, $7, $9, $11, $13, $15}')"
  [ "$errs_status" -eq 0 ] && [ "$errs_other" -eq 0 ] || {
    cat "$work/$1.txt" >&2
    kill -0 "$pid" 2> /dev/null || echo "the server is gone ($(wait "$pid" 2> /dev/null; echo "exit status $?"))" >&2
    echo "server log (last 40 lines):" >&2
    tail -40 "$work/serve.log" >&2
    echo "FAIL: errors under load $2" >&2
    return 1
  }
  echo "requests $requests, errors 0, throughput ${rps} req/s, latency p50 ${p50} ms, p99 ${p99} ms, max ${maxl} ms"
}
idle=$(run_mix wrk "while ingesting")
wait "$ingester"
mkdir -p "$(dirname "$out")"
cat > "$out" <<TXT
load test ($(date -u +%Y-%m-%d), $(nproc) cores): wrk -t2 -c16 -d${secs}s, 7 dashboard queries in rotation, ${LOAD_USERS:-50000}-user world,
20 ingest batches of 500 events through the API during the run
$idle
TXT
# The same mix while both cores are kept busy by something else (a steady CPU load): no request may fail.
for _ in $(seq "$(nproc)"); do (while :; do :; done) & spinners+=($!); done
busy=$(run_mix wrk-busy "beside a busy CPU")
kill "${spinners[@]}" 2> /dev/null || true
spinners=()
echo "beside $(nproc) spinning processes: $busy" >> "$out"
cat "$out"
