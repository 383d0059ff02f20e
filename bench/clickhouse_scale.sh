#!/usr/bin/env bash
# Load and query times of one world on the embedded engine, one ClickHouse server and a 2-shard loopback
# cluster (docs/distributed.md, "Measured"). Writes bench/results/clickhouse-<date>.md.
#   bench/clickhouse_scale.sh AIPS [USERS=2000000] [WORK=/tmp/aips-chbench]
set -euo pipefail
aips=$(realpath "$1")
users=${2:-2000000}
work=${3:-/tmp/aips-chbench}
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/bench/results/clickhouse-$(date +%F).md"
mkdir -p "$work" "$here/bench/results"
"$here/scripts/clickhouse-cluster.sh" start "$work/ch" > /dev/null
trap '"$here/scripts/clickhouse-cluster.sh" stop "$work/ch"' EXIT
[ -f "$work/world-$users/events.csv" ] || "$aips" simulate --out "$work/world-$users" --users "$users" --days 90 --seed 7 > /dev/null
world="$work/world-$users"
events=$(($(wc -l < "$world/events.csv") - 1))
tag=u$users
one="clickhouse://127.0.0.1:19123/bench_one_$tag"
two="clickhouse://127.0.0.1:19123/bench_two_$tag?cluster=two_shards&nodes=127.0.0.1:19123,127.0.0.1:19223"
for db in "bench_one_$tag" "bench_two_$tag"; do
  for p in 19123 19223; do curl -s "http://127.0.0.1:$p/" --data-binary "DROP DATABASE IF EXISTS $db" > /dev/null; done
done
rm -rf "$work/data-$tag"
secs() { /usr/bin/time -f "%e %M" -o "$work/t" "$@" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }; cut -d' ' -f1 < "$work/t"; }
mem() { awk '{printf "%.0f", $2/1024}' < "$work/t"; }
load_e=$(secs "$aips" ingest --data "$work/data-$tag" "$world"/*.csv); load_e_mem=$(mem)
compute_e=$(secs "$aips" compute --data "$work/data-$tag")
load_1=$(secs "$aips" ingest --engine "$one" "$world"/*.csv); load_1_mem=$(mem)
load_2=$(secs "$aips" ingest --engine "$two" "$world"/*.csv); load_2_mem=$(mem)
brand=$("$aips" info --data "$work/data-$tag" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['brands'][0]['brand'])")
{
  echo "# aips on ClickHouse: load and query times ($(date +%F))"
  echo
  echo "Machine: $(nproc) vCPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); ClickHouse $(curl -s http://127.0.0.1:19123/ --data-binary "SELECT version()") (Debian) on loopback, both shards on this machine."
  echo "World: \`aips simulate --users $users --days 90 --seed 7\`: $events event rows, $(du -h "$world/events.csv" | cut -f1) CSV."
  echo "Every query is a fresh \`aips\` process (start-up included), brand \`$brand\`, median of 3 runs."
  echo
  echo "| work | embedded | ClickHouse, one server | ClickHouse, 2 shards |"
  echo "|---|---|---|---|"
  echo "| load every CSV (s) | $load_e (+ compute $compute_e) | $load_1 | $load_2 |"
  echo "| loader peak memory (MB) | $load_e_mem | $load_1_mem | $load_2_mem |"
  for q in "stages" "trend" "flow" "penetration" "campaign"; do
    row="| $q --brand (s) |"
    for w in "--data $work/data-$tag" "--engine $one" "--engine $two"; do
      ts=()
      for _ in 1 2 3; do ts+=("$(secs "$aips" $q $w --brand "$brand" --json)"); done
      row="$row $(printf '%s\n' "${ts[@]}" | sort -n | sed -n 2p) |"
    done
    echo "$row"
  done
} > "$out"
cat "$out"
