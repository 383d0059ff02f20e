#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time on its seed
# corpus (tests/fuzz/corpus/<target>). A crash fails the run and leaves its input in BUILD_DIR/crashes:
# add it to the corpus as a regression case. Usage: tests/fuzz.sh [SECONDS_PER_TARGET] [BUILD_DIR]
set -euo pipefail
secs=${1:-30}
here=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$here/build-fuzz}
command -v clang++ > /dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libfuzzer-14-dev > /dev/null; }
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DAIPS_FUZZ=ON -DAIPS_SANITIZE=ON -DAIPS_PCH=ON > /dev/null
targets="fuzz_csv fuzz_expr fuzz_rules fuzz_formats fuzz_http"
cmake --build "$build" --target $targets > /dev/null
mkdir -p "$build/crashes"
fuzz() {
  local t=$1 corpus="$here/tests/fuzz/corpus/$1" work="$build/corpus/$1"
  mkdir -p "$work"
  cp -n "$corpus"/* "$work"/ 2> /dev/null || true
  if "$build/$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$build/crashes/$t-" "$work" > "$build/$t.log" 2>&1; then
    echo "$t: $(grep -o 'Done [0-9]* runs' "$build/$t.log" | tail -1 | cut -d' ' -f2) runs in ${secs}s, no crash"
  else
    tail -30 "$build/$t.log"
    echo "FAIL: $t found a crash (input saved in $build/crashes)" >&2
    return 1
  fi
}
# One fuzzer per core at a time (each is single-threaded).
jobs=$(nproc)
pids=()
failed=0
for t in $targets; do
  fuzz "$t" &
  pids+=($!)
  if [ "${#pids[@]}" -ge "$jobs" ]; then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
[ "$failed" -eq 0 ]
