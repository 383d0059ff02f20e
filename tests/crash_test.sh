#!/usr/bin/env bash
# Kills `aips ingest` and `aips compute` with SIGKILL at random points and proves that nothing
# acknowledged is lost and nothing half-written is visible: after every kill `aips check` passes, the
# store holds either all or none of the interrupted run, and re-running the same command gives exactly
# the numbers of an uninterrupted run. Usage: tests/crash_test.sh AIPS_BINARY TRIALS
set -euo pipefail
aips=$(realpath "$1")
trials=${2:-20}
work=$(mktemp -d /tmp/aips-crash-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }

"$aips" simulate --out "$work/world" --users 12000 --days 60 --seed 21 > /dev/null
# Two halves of the events: the first is ingested and acknowledged before any kill.
head -n 60000 "$work/world/events.csv" > "$work/first.csv"
{ head -n 1 "$work/world/events.csv"; tail -n +60001 "$work/world/events.csv"; } > "$work/second.csv"
"$aips" ingest --data "$work/base" "$work/world/brands.csv" "$work/first.csv" > /dev/null 2>&1
base_events=$("$aips" info --data "$work/base" --json | json 'd["events"]')

# The reference: an uninterrupted second ingest and compute.
cp -r "$work/base" "$work/ref"
"$aips" ingest --data "$work/ref" "$work/second.csv" > /dev/null 2>&1
"$aips" compute --data "$work/ref" > /dev/null
full_events=$("$aips" info --data "$work/ref" --json | json 'd["events"]')
ref_stages=$("$aips" trend --data "$work/ref" --brand serum-01 --from 2024-09-01 --to 2024-10-30 --json)
ref_flow=$("$aips" flow --data "$work/ref" --brand babyfood-01 --json)

# How long an uninterrupted run takes, to spread the kills over it.
start=$(date +%s%N)
cp -r "$work/base" "$work/timing"
"$aips" ingest --data "$work/timing" "$work/second.csv" > /dev/null 2>&1
"$aips" compute --data "$work/timing" > /dev/null
span_us=$((($(date +%s%N) - start) / 1000))
rm -rf "$work/timing"

seen_none=0 seen_all=0
for i in $(seq "$trials"); do
  rm -rf "$work/t"
  cp -r "$work/base" "$work/t"
  delay_us=$((RANDOM * RANDOM % (span_us + 1)))
  ( "$aips" ingest --data "$work/t" "$work/second.csv" > /dev/null 2>&1 && "$aips" compute --data "$work/t" > /dev/null 2>&1 ) 2> /dev/null &
  runner=$!
  sleep "$(printf '0.%06d' "$delay_us")" 2> /dev/null || sleep 0
  pkill -KILL -f "aips (ingest|compute) --data $work/t( |\$)" 2> /dev/null || true
  wait "$runner" 2> /dev/null || true
  "$aips" check --data "$work/t" > "$work/check.txt" || fail "trial $i: aips check after a kill at ${delay_us}us: $(cat "$work/check.txt")"
  events=$("$aips" info --data "$work/t" --json | json 'd["events"]')
  if [ "$events" -eq "$base_events" ]; then
    seen_none=$((seen_none + 1))
  elif [ "$events" -eq "$full_events" ]; then
    seen_all=$((seen_all + 1))
  else
    fail "trial $i: $events events visible: neither the acknowledged $base_events nor the complete $full_events"
  fi
  # Re-running the same commands gives exactly the uninterrupted numbers.
  "$aips" ingest --data "$work/t" "$work/second.csv" > /dev/null 2>&1
  "$aips" compute --data "$work/t" > /dev/null
  [ "$("$aips" info --data "$work/t" --json | json 'd["events"]')" -eq "$full_events" ] || fail "trial $i: re-run did not restore $full_events events"
  [ "$("$aips" trend --data "$work/t" --brand serum-01 --from 2024-09-01 --to 2024-10-30 --json)" = "$ref_stages" ] || fail "trial $i: trend differs after recovery"
  [ "$("$aips" flow --data "$work/t" --brand babyfood-01 --json)" = "$ref_flow" ] || fail "trial $i: flow differs after recovery"
done
echo "crash test: $trials SIGKILL trials over ${span_us}us of ingest+compute; after each kill the store checked clean and held the acknowledged data (${seen_none}x) or all of it (${seen_all}x); every re-run matched the uninterrupted numbers"
