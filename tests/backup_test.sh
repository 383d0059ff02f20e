#!/usr/bin/env bash
# aips backup / restore round trip (issue #8): a backup of a live directory — taken while another ingest
# wants to commit — restores to a directory that verifies clean and answers exactly as the source did at one
# committed state; restore refuses a damaged backup and a non-empty target.
set -euo pipefail
aips=$(realpath "$1")
work=$(mktemp -d /tmp/aips-backup-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
answers() {  # what a user sees of a directory
  "$aips" info --data "$1" --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['events'], d['days'][-1], len(d['brands']))"
  "$aips" trend --data "$1" --brand "$brand" --from 2024-09-01 --to 2024-10-30 --json
  "$aips" crowd count --data "$1" --preset redelivery --brand "$brand" --json 2> /dev/null || true
}

"$aips" simulate --out "$work/world" --users 6000 --days 60 --seed 9 > /dev/null
python3 - "$work/world/events.csv" "$work" <<'PY'
import sys
rows = open(sys.argv[1]).read().splitlines()
head, body = rows[0], rows[1:]
half = len(body) // 2
open(sys.argv[2] + "/a.csv", "w").write("\n".join([head] + body[:half]) + "\n")
open(sys.argv[2] + "/b.csv", "w").write("\n".join([head] + body[half:]) + "\n")
PY
brand=$(sed -n 2p "$work/world/brands.csv" | cut -d, -f1)
"$aips" ingest --data "$work/live" "$work/a.csv" "$work/world/brands.csv" "$work/world/campaigns.csv" > /dev/null
"$aips" compute --data "$work/live" > /dev/null
answers "$work/live" > "$work/state1.txt"

# Backup while a second ingest (and compute) tries to commit.
( sleep 0.05; "$aips" ingest --data "$work/live" "$work/b.csv" > /dev/null && "$aips" compute --data "$work/live" > /dev/null ) &
writer=$!
"$aips" backup --data "$work/live" --to "$work/bk" --json > "$work/backup.json"
wait "$writer"
answers "$work/live" > "$work/state2.txt"
cmp -s "$work/state1.txt" "$work/state2.txt" && fail "the second ingest changed nothing; the test would prove nothing"

"$aips" restore --from "$work/bk" --data "$work/restored" --json > "$work/restore.json"
"$aips" check --data "$work/restored" > /dev/null || fail "the restored directory does not verify"
answers "$work/restored" > "$work/restored.txt"
if cmp -s "$work/restored.txt" "$work/state1.txt"; then which=1
elif cmp -s "$work/restored.txt" "$work/state2.txt"; then which=2
else fail "the restored directory answers neither as before nor as after the concurrent ingest"; fi
echo "backup during a concurrent ingest restored to committed state $which: $(cat "$work/backup.json")"

# The restored directory keeps working: the rest of the events go in and it matches the live one.
if [ "$which" = 1 ]; then "$aips" ingest --data "$work/restored" "$work/b.csv" > /dev/null; fi
"$aips" compute --data "$work/restored" > /dev/null
answers "$work/restored" | cmp -s - "$work/state2.txt" || fail "the restored directory, brought up to date, differs"
echo "restored directory ingests on and ends equal to the live one"

# Refusals: a non-empty target, a damaged backup.
set +e
out=$("$aips" restore --from "$work/bk" --data "$work/live" 2>&1); code=$?
set -e
[ "$code" -eq 2 ] && grep -q "not empty" <<< "$out" || fail "restore into a non-empty directory: exit $code: $out"
seg=$(ls "$work/bk/seg" | head -1)
printf 'X' | dd of="$work/bk/seg/$seg" bs=1 seek=200 conv=notrunc status=none
set +e
out=$("$aips" restore --from "$work/bk" --data "$work/r2" 2>&1); code=$?
set -e
[ "$code" -ne 0 ] && grep -q "damaged" <<< "$out" || fail "restore of a damaged backup: exit $code: $out"
[ ! -e "$work/r2/MANIFEST" ] || fail "a damaged backup was partly restored"
echo "refused: restore into a non-empty directory; restore of a damaged backup ($seg)"
echo "backup/restore ok"
