#!/usr/bin/env bash
# make demo: simulate a realistic world, ingest it, compute the snapshots, print a brand's report, then
# serve the dashboard and print its URL (with a read key for the demo tenant).
# Usage: scripts/demo.sh AIPS_BINARY DATA_DIR USERS DAYS [PORT]
set -euo pipefail
aips=$1 dir=$2 users=${3:-200000} days=${4:-90} port=${5:-8080}
world="$dir/world" store="$dir/store"
rm -rf "$dir"
mkdir -p "$dir"
echo "== 1. simulate a world: $users users, $days days (aips simulate)"
"$aips" simulate --out "$world" --users "$users" --days "$days" --seed 7 --bad-rows 25
echo
echo "== 2. ingest events and side tables (aips ingest) — malformed rows go to a reject file"
"$aips" ingest --data "$store" "$world"/categories.csv "$world"/brands.csv "$world"/campaigns.csv "$world"/spend.csv "$world"/user_attributes.csv "$world"/identity.csv "$world"/orders.csv "$world"/events.csv "$world"/notes.csv "$world"/accounts.csv "$world"/messages.csv "$world"/experiments.csv
echo
echo "== 3. compute daily snapshots for every brand, SPU and category (aips compute)"
"$aips" compute --data "$store"
echo
echo "== 4. the crowd-asset report of serum-01 (aips report)"
echo
"$aips" report --data "$store" --brand serum-01
echo
echo "== 5. what seeding bought: campaigns of face serum (x = 29 days) and baby food (x = 70 days) (aips campaign)"
echo
"$aips" campaign --data "$store" --brand serum-01
echo
"$aips" campaign --data "$store" --brand babyfood-01
echo
echo "== 5b. what a campaign caused, against its randomised holdout (aips lift; the truth is in $world/truth.json)"
echo
"$aips" lift --data "$store" --campaign serum-01-c1
echo
echo "== 5c. a campaign without a holdout: the matched design (observational; truth_matched in truth.json)"
echo
"$aips" lift --data "$store" --campaign serum-01-c2
echo
echo "== 5d. 预判: how many of today's TI crowd will buy within the decision cycle, and the backtest that proves it"
echo
"$aips" forecast --data "$store" --brand serum-01
echo
"$aips" forecast backtest --data "$store" --brand serum-01
echo
echo "== 6. act on the crowd: re-delivery pack, its portrait, lookalike tiers, first-party spectrum, correction"
echo
"$aips" crowd count --data "$store" --preset redelivery --brand serum-01
"$aips" crowd portrait --data "$store" --preset redelivery --brand serum-01
echo
"$aips" lookalike --data "$store" --preset redelivery --brand serum-01 --tiers 2000,10000,40000
echo
"$aips" spectrum --data "$store" --brand serum-01
echo
"$aips" correction --data "$store" --campaign serum-01-c1 --target "segment(\"segment:都市白领\") or segment(\"segment:新锐白领\")"
echo
echo "== 7. 灵犀 topic insights in face serum, and a home-decoration merchant's 私信 consultations"
"$aips" topics --data "$store" --category face_serum --brand serum-01
echo
"$aips" consult --data "$store"
echo
echo "== 8. the dashboard (aips serve), for the demo tenant 'demo' (serum-01, serum-02, babyfood-01, homedeco-01)"
"$aips" tenant add --data "$store" --tenant demo --brands serum-01,serum-02,babyfood-01,homedeco-01 2> /dev/null
key=$("$aips" key create --data "$store" --tenant demo 2> /dev/null)
url="http://127.0.0.1:${port}/#key=${key}&brand=serum-01"
echo
echo "Try next:"
echo "  $aips info --data $store"
echo "  $aips trend --data $store --brand serum-01 --spu serum-01-s1"
echo "  $aips flow --data $store --brand babyfood-01 --json"
echo "  $aips campaign --data $store --campaign serum-01-c1"
echo
echo "  Dashboard:  $url"
echo "  (serving until Ctrl-C; the API is documented at http://127.0.0.1:${port}/openapi.json)"
echo
exec "$aips" serve --data "$store" --port "$port" --quiet
