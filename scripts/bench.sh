#!/usr/bin/env bash
# Runs every benchmark in lm_studio_connector/bench and prints their figures, then ONE table of
# all of them: figure | ours | baseline | ratio. Each baseline is measured in the same run, on
# the same machine (ratio = ours / baseline); BENCHMARKS.md explains every figure.
# Each program's own output (its notes on what was measured) is shown as it runs; the table is
# gathered from the rows bench_row() appends to $LMS_BENCH_ROWS. A benchmark that fails is
# listed under the table and makes this script exit 1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CYCLONEDDS_URI="file://$PWD/lm_studio_connector/tests/fixtures/cyclonedds-loopback.xml"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLMS_BUILD_BENCH=ON >/dev/null
cmake --build build

LMS_BENCH_ROWS="$(mktemp)"
export LMS_BENCH_ROWS
trap 'rm -f "$LMS_BENCH_ROWS"' EXIT

machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -srm)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
failed=()
for b in build/lm_studio_connector/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" || failed+=("$(basename "$b") (exit $?)")
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "machine: $machine; load average before $load_before, after $load_after"
awk -F'\t' '
  function num(v) {
    if (v < 0) return "-" num(-v)
    if (v >= 1000) return sprintf("%.0f", v)
    if (v >= 10) return sprintf("%.1f", v)
    if (v >= 1) return sprintf("%.2f", v)
    return sprintf("%.3f", v)
  }
  BEGIN {
    fmt = "| %-42s | %-18s | %-18s | %-7s |\n"  # a Markdown table, as in BENCHMARKS.md
    printf fmt, "figure", "ours", "baseline", "ratio"
    printf fmt, "---", "---", "---", "---"
  }
  { printf fmt, $1, num($2) " " $4, num($3) " " $4, num($5) "x" }
' "$LMS_BENCH_ROWS"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
