#!/usr/bin/env bash
# clang-tidy over every source file under src/ with the project's rule set (.clang-tidy), warnings as
# errors. The compile database comes from a configure-only CMake tree without precompiled headers (GCC's
# PCH flags mean nothing to clang). Usage: tests/tidy.sh WORK_DIR
set -euo pipefail
work=${1:-build-tidy}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
command -v clang-tidy > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang-tidy > /dev/null
cmake -S . -B "$work" -G Ninja -DCMAKE_BUILD_TYPE=Release -DAIPS_PCH=OFF > /dev/null
files=$(git ls-files 'src/*.cc' 2>/dev/null || find src -name '*.cc')
out=$(mktemp)
# -n 4: a few files per process; -P: one process per core.
if ! echo "$files" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$work" --quiet > "$out" 2> /dev/null; then
  grep -E "error:|warning:" -A3 "$out" | head -80
  echo "clang-tidy: $(grep -c 'error:' "$out") finding(s)" >&2
  rm -f "$out"
  exit 1
fi
rm -f "$out"
echo "clang-tidy clean: $(echo "$files" | wc -w) files, $(grep -c '^  [a-z]' .clang-tidy) checks"
