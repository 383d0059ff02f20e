#!/usr/bin/env bash
# Starts or stops a 2-shard ClickHouse cluster on loopback for aips's distributed path and its tests.
#   scripts/clickhouse-cluster.sh start DIR   # node 1: http 19123 / tcp 19000, node 2: http 19223 / tcp 19100
#   scripts/clickhouse-cluster.sh stop DIR
# Both nodes know the cluster 'two_shards'. Installs Debian's clickhouse-server when missing. Users: `default`
# (no password) and `aips` with the password `p@ss:w/rd` (for the credentials in --engine URLs:
# clickhouse://aips:p%40ss%3Aw%2Frd@127.0.0.1:19123/DB).
set -euo pipefail
cmd=${1:?start|stop}
dir=$(mkdir -p "${2:?DIR}" && realpath "$2")

node_conf() {  # n tcp http interserver
  local n=$1 tcp=$2 http=$3 inter=$4
  mkdir -p "$dir/n$n"/{data,tmp,user_files,log,format_schemas}
  cat > "$dir/n$n/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/n$n/log/server.log</log><errorlog>$dir/n$n/log/server.err.log</errorlog><size>50M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http</http_port>
  <tcp_port>$tcp</tcp_port>
  <interserver_http_port>$inter</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <max_concurrent_queries>32</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <path>$dir/n$n/data/</path>
  <tmp_path>$dir/n$n/tmp/</tmp_path>
  <user_files_path>$dir/n$n/user_files/</user_files_path>
  <format_schema_path>$dir/n$n/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <query_log><database>system</database><table>query_log</table><flush_interval_milliseconds>1000</flush_interval_milliseconds></query_log>
  <remote_servers>
    <two_shards>
      <shard><replica><host>127.0.0.1</host><port>19000</port></replica></shard>
      <shard><replica><host>127.0.0.1</host><port>19100</port></replica></shard>
    </two_shards>
  </remote_servers>
</yandex>
XML
}

case "$cmd" in
  start)
    if ! command -v clickhouse-server > /dev/null; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server clickhouse-client > /dev/null ||
        { echo "clickhouse-server could not be installed from Debian's archive" >&2; exit 1; }
    fi
    cat > "$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>8000000000</max_memory_usage><load_balancing>random</load_balancing></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
    <aips><password>p@ss:w/rd</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></aips></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
    node_conf 1 19000 19123 19009
    node_conf 2 19100 19223 19109
    for n in 1 2; do
      clickhouse-server --config-file="$dir/n$n/config.xml" > "$dir/n$n/log/stdout.log" 2>&1 &
      echo $! > "$dir/n$n/pid"
    done
    for port in 19000 19100; do
      for _ in $(seq 150); do clickhouse-client --port "$port" -q 'SELECT 1' > /dev/null 2>&1 && break; sleep 0.2; done
      clickhouse-client --port "$port" -q 'SELECT 1' > /dev/null || { echo "ClickHouse on port $port did not start (see $dir)" >&2; exit 1; }
    done
    echo "ClickHouse cluster two_shards: http://127.0.0.1:19123 and http://127.0.0.1:19223"
    ;;
  stop)
    for n in 1 2; do
      [ -f "$dir/n$n/pid" ] || continue
      pid=$(cat "$dir/n$n/pid")
      kill -TERM "$pid" 2> /dev/null || true
      for _ in $(seq 150); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2> /dev/null || true
      rm -f "$dir/n$n/pid"
    done
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
