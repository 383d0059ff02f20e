#!/usr/bin/env bash
# Every test of the project, in order of speed. Usage: tests/run_all.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
# Each step prints how long the previous one took (the CI budget is ~20 minutes on 2 cores).
t_step=$(date +%s)
t_all=$t_step
step() {
  local now
  now=$(date +%s)
  printf '(%ds)\n\n== %s\n' $((now - t_step)) "$*"
  t_step=$now
}

step "format (clang-format --dry-run)"
files=$(git ls-files '*.cc' '*.h' 2>/dev/null || find src include tests bench -name '*.cc' -o -name '*.h')
clang-format --dry-run -Werror $files
echo "clang-format clean: $(echo "$files" | wc -w) files"

step "source folders form layers (no folder-level include cycles)"
python3 tests/include_layers.py

step "clang-tidy (.clang-tidy rule set) over every source file"
tests/tidy.sh "$build-tidy"

step "unit tests"
"$build/aips_unit_tests" --gtest_brief=1

step "behaviour cases (tests/cases)"
python3 tests/run_cases.py "$build/aips" tests/cases

step "engine vs brute-force oracle on simulated worlds"
python3 tests/oracle_check.py "$build/aips" --users 1500 --days 50 --seed 11
python3 tests/oracle_check.py "$build/aips" --users 600 --days 400 --seed 5

step "a daily refresh (continuing from the stored engine state) equals a full compute"
python3 tests/incremental_test.py "$build/aips"

step "end to end: simulate, ingest twice, compute, answer from snapshots in a fresh process"
tests/e2e.sh "$build/aips"

step "parity: every command and endpoint byte-equal on embedded, one 18.16 server, 2 shards and chdb (ClickHouse 26)"
python3 tests/parity/run.py "$build/aips" --users "${PARITY_USERS:-20000}"

step "benchmark harness on a tiny world (aips, DuckDB, ClickHouse: equal answers)"
python3 bench/run.py --tiny --work "$build/bench-tiny" --out "$build/test-output/bench"

step "injected I/O faults at every write (ENOSPC/EIO at each write, fsync or rename of 16 write commands, aips rewrite and a spilled ingest among them)"
python3 tests/fault_test.py "$build/aips" "$build/aips_fault" "$build/test-output/faults.txt" --stride "${FAULT_STRIDE:-3}"

step "reads when writes fail: queries answer from memory on a full or read-only disk; HTTP ingest answers 507"
python3 tests/full_disk_test.py "$build/aips" "$build/aips_fault"

step "a year of operations (60 days; the year in make soak): daily ingest with late events, compute, weekly forget, monthly retain, faults and kills, a live server; answers equal a from-scratch build"
python3 tests/ops_test.py "$build/aips" "$build/aips_fault" "$build/test-output/ops.txt" --days "${OPS_DAYS:-60}" --users "${OPS_USERS:-40000}"

step "memory limits: a too-small RLIMIT_AS ends a command cleanly naming the limit; the server answers 503 and stays up"
python3 tests/memory_limit_test.py "$build/aips"

step "crash safety: SIGKILL during ingest and compute"
tests/crash_test.sh "$build/aips" "${CRASH_TRIALS:-50}"

step "backup of a live directory and restore (round trip, refusals)"
tests/backup_test.sh "$build/aips"

step "retention: after aips retain, answers equal a directory that only received the kept days"
python3 tests/retention_test.py "$build/aips"

step "forget: erased users are gone from every file; answers equal a directory that never had them"
python3 tests/forget_test.py "$build/aips"

step "inputs of any size: standard input and pipes read in pieces, rows spilled to sorted runs, store what one in-memory ingest stores"
python3 tests/ingest_stream_test.py "$build/aips"

step "old directories: the formats of before issue #20 answer alike, forget/retain/repair work on them, aips rewrite makes them current"
python3 tests/rewrite_test.py "$build/aips"

step "check + repair: damaged snapshots rebuilt, damaged segments salvaged or named"
python3 tests/repair_test.py "$build/aips"

step "consistency: readers during ingest and compute see one committed snapshot"
python3 tests/consistency_test.py "$build/aips"

step "lookalike tiers beat random on a holdout"
python3 tests/lookalike_holdout.py "$build/aips" "$build/test-output/lookalike.txt"

step "holdout lift recovers the planted truth (A/A and planted simulated worlds, fixed seeds)"
python3 tests/lift_stats.py "$build/aips" "$build/test-output/lift.txt" --worlds "${LIFT_WORLDS:-120}"

step "every measure recovers what the simulator plants (portraits, spectrum, Aurora, topics; fixed seed)"
python3 tests/planted_test.py "$build/aips" "$build/test-output/planted.txt"

step "the purchase forecast beats its baselines and its intervals cover (rolling-origin backtests, fixed seeds)"
python3 tests/forecast_stats.py "$build/aips" "$build/test-output/forecast.txt" --worlds "${FORECAST_WORLDS:-36}"

step "fuzzing: CSV/JSONL reader, expressions, rules, on-disk formats (clang, ASan + UBSan)"
tests/fuzz.sh "${FUZZ_SECONDS:-30}" "$build-fuzz"

step "AddressSanitizer + UndefinedBehaviorSanitizer: unit tests and behaviour cases"
# The fuzz build already compiled the library with clang, ASan and UBSan: link the CLI and the unit tests to it.
cmake --build "$build-fuzz" --target aips aips_unit_tests > /dev/null
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
"$build-fuzz/aips_unit_tests" --gtest_brief=1
python3 tests/run_cases.py "$build-fuzz/aips" tests/cases
unset ASAN_OPTIONS UBSAN_OPTIONS

step "ThreadSanitizer: consistency, slow-client and load tests on a -fsanitize=thread build"
tests/tsan.sh "$build-tsan" "$build/test-output/tsan"

step "load: wrk query mix while ingesting through the API"
tests/load_test.sh "$build/aips" "$build/test-output/load.txt" "${LOAD_SECONDS:-10}"

step "slow and idle clients cannot starve others (aips serve with 4 workers)"
python3 tests/slow_client_test.py "$build/aips"

step "a long-lived server sees every commit without a restart; each request answers from one commit"
python3 tests/serve_generation_test.py "$build/aips"

step "HTTP API and dashboard (real aips serve, Debian's chromium)"
tests/serve_test.sh "$build/aips" "$build/test-output"

step "HTTP API and dashboard over ClickHouse (aips serve --engine on 2 shards, no data directory)"
tests/serve_clickhouse_test.sh "$build/aips" "$build/test-output/serve-clickhouse"

printf '(%ds)\n\nall tests passed in %d s\n' $(($(date +%s) - t_step)) $(($(date +%s) - t_all))
