#!/usr/bin/env bash
# `aips serve --engine` over ClickHouse 18.16, with no data directory: the HTTP API test and the chromium
# dashboard test (tests/serve_test.sh) against a 2-shard loopback cluster holding the world, its tenants
# and keys; then a server over one node that must see every load and a new key within 200 ms
# (tests/serve_generation_test.py --engine). Every API and dashboard check must pass.
# Usage: tests/serve_clickhouse_test.sh AIPS_BINARY OUTPUT_DIR
set -euo pipefail
aips=$(realpath "$1")
out=$(mkdir -p "$2" && realpath "$2")
here=$(cd "$(dirname "$0")/.." && pwd)
cluster=$(mktemp -d /tmp/aips-serve-ch-XXXXXX)
cleanup() { "$here/scripts/clickhouse-cluster.sh" stop "$cluster" > /dev/null 2>&1 || true; rm -rf "$cluster"; }
trap cleanup EXIT
"$here/scripts/clickhouse-cluster.sh" start "$cluster" > /dev/null
nodes=127.0.0.1:19123,127.0.0.1:19223
"$here/tests/serve_test.sh" "$aips" "$out" "clickhouse://127.0.0.1:19123/serve_test?cluster=two_shards&nodes=$nodes"
python3 "$here/tests/serve_generation_test.py" "$aips" --engine clickhouse://127.0.0.1:19123/serve_generations
