#!/usr/bin/env bash
# ThreadSanitizer over the concurrency tests (issue #8): builds the CLI with clang -fsanitize=thread and
# runs the tests where threads and processes meet — the consistency hammer (parallel compute, the ingest
# parsing thread, readers during writes), the wrk load test (the HTTP server's event loop and worker pool,
# queries during API ingests) and the slow-client test. Any data race report fails the run.
# Usage: tests/tsan.sh [BUILD_DIR] [OUTPUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build-tsan}
out=${2:-$build/test-output}
command -v clang++ > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang > /dev/null
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DAIPS_TSAN=ON -DAIPS_PCH=ON > /dev/null
cmake --build "$build" --target aips > /dev/null
mkdir -p "$out"
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 log_path=$out/tsan suppressions=$here/tests/tsan.supp"
rm -f "$out"/tsan.*
# Whatever test fails, the sanitizer's reports are what explains it: print them on every exit.
show_reports() {
  if ls "$out"/tsan.* > /dev/null 2>&1; then
    head -80 "$out"/tsan.*
    echo "FAIL: ThreadSanitizer reported (full reports in $out/tsan.*)" >&2
    return 1
  fi
}
trap 'rc=$?; if [ $rc -ne 0 ]; then show_reports || true; fi' EXIT
python3 "$here/tests/consistency_test.py" "$build/aips"
python3 "$here/tests/slow_client_test.py" "$build/aips"
LOAD_USERS=10000 "$here/tests/load_test.sh" "$build/aips" "$out/load-tsan.txt" 5
trap - EXIT
show_reports || exit 1
echo "ThreadSanitizer: no report over the consistency, slow-client and load tests"
