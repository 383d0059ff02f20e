#!/usr/bin/env bash
# End-to-end checks of the CLI contract on a simulated world: ingest idempotency, rejects with bad rows,
# compute then answer from stored snapshots, JSON on stdout only, exit codes.
set -euo pipefail
aips=$(realpath "$1")
work=$(mktemp -d /tmp/aips-e2e-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }

"$aips" simulate --out "$work/world" --users 5000 --days 60 --seed 3 --bad-rows 40 --json > "$work/sim.json"
rows=$(($(wc -l < "$work/world/events.csv") - 1))
"$aips" ingest --data "$work/d" --json "$work/world/events.csv" > "$work/i1.json" 2> "$work/i1.err"
acc=$(json 'd["accepted"]' < "$work/i1.json"); dup=$(json 'd["duplicates"]' < "$work/i1.json"); rej=$(json 'd["rejected"]' < "$work/i1.json")
[ $((acc + dup + rej)) -eq "$rows" ] || fail "accepted+duplicates+rejected=$((acc + dup + rej)) != $rows rows"
[ "$rej" -gt 0 ] || fail "the bad rows were not rejected"
[ "$(wc -l < "$(json 'd["rejects_file"]' < "$work/i1.json")")" -eq "$rej" ] || fail "reject file does not hold every rejected row"
grep -q 'rejected: ' "$work/i1.err" || fail "rejections are not summarised on stderr"
echo "ingest: $acc accepted, $dup duplicates, $rej rejected of $rows rows"

"$aips" ingest --data "$work/d" --json "$work/world/events.csv" > "$work/i2.json" 2> /dev/null
[ "$(json 'd["accepted"]' < "$work/i2.json")" -eq 0 ] || fail "second ingest of the same file accepted rows"
[ "$(json 'd["duplicates"]' < "$work/i2.json")" -eq $((acc + dup)) ] || fail "second ingest: wrong duplicate count"
echo "re-ingest: 0 accepted"
# Standard input, JSON Lines: a new user's event arrives through '-'.
printf '{"event_id":"stdin-1","ts":"2024-09-05T10:00:00+08:00","user_id":"stdin-user","brand":"serum-01","action":"click"}\n' |
  "$aips" ingest --data "$work/d" --json - > "$work/i3.json"
[ "$(json 'd["accepted"]' < "$work/i3.json")" -eq 1 ] || fail "ingest from standard input"
echo "stdin ingest: 1 accepted"

"$aips" ingest --data "$work/d" "$work/world/brands.csv" "$work/world/categories.csv" "$work/world/campaigns.csv" "$work/world/spend.csv" > /dev/null
"$aips" compute --data "$work/d" --json > "$work/c.json"
brand=$("$aips" info --data "$work/d" --json | json 'd["brands"][0]["brand"]')
before=$(ls -l --time-style=+%s.%N "$work/d/snap" | md5sum)
"$aips" stages --data "$work/d" --brand "$brand" --json > "$work/s.json"
"$aips" flow --data "$work/d" --brand "$brand" --json > /dev/null
"$aips" penetration --data "$work/d" --brand "$brand" --json > /dev/null
after=$(ls -l --time-style=+%s.%N "$work/d/snap" | md5sum)
[ "$before" = "$after" ] || fail "queries after compute rewrote snapshots instead of reading them"
python3 -c "import json; json.load(open('$work/s.json'))" || fail "stages --json is not one JSON document"
echo "queries answered from stored snapshots"

# A query on a directory with no data, an unknown brand, and a damaged snapshot file.
set +e
"$aips" stages --data "$work/none" --brand x > /dev/null 2>&1; [ $? -eq 2 ] || fail "missing data dir: expected exit 2"
"$aips" stages --data "$work/d" --brand no-such-brand > /dev/null 2> "$work/e.err"; [ $? -eq 2 ] || fail "unknown brand: expected exit 2"
for snap in "$work/d/snap"/b*.snap; do printf 'X' | dd of="$snap" bs=1 seek=100 conv=notrunc 2> /dev/null; done
"$aips" stages --data "$work/d" --brand "$brand" --json > /dev/null 2> "$work/c.err"; code=$?
set -e
[ $code -eq 1 ] && grep -q "checksum" "$work/c.err" || fail "a damaged snapshot was not reported by name (exit $code: $(cat "$work/c.err"))"
echo "damaged snapshot reported: $(cat "$work/c.err")"
echo "e2e ok"
