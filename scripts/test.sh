#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test twice (plain, then
# under AddressSanitizer + UndefinedBehaviorSanitizer), the integration tests labelled `valgrind`
# once more under valgrind's memcheck, then runs each fuzzer for a bounded time.
# Environment: FUZZ_SECONDS (default 30 per fuzzer), JOBS (default: number of cores).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/setup.sh

# Tests talk only on loopback; each test picks its own ROS_DOMAIN_ID.
export CYCLONEDDS_URI="file://$root/lm_studio_connector/tests/fixtures/cyclonedds-loopback.xml"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
jobs=${JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-30}
passed=0
failed=0

run_ctest() { # build-dir label [more ctest arguments]
  local log
  log=$(mktemp)
  set +e
  ctest --test-dir "$1" --output-on-failure -j "$jobs" --timeout 300 "${@:3}" 2>&1 | tee "$log"
  set -e
  local summary
  summary=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  rm -f "$log"
  if [ -z "$summary" ]; then
    echo "test.sh: ctest in $1 printed no summary"
    failed=$((failed + 1))
    return
  fi
  local f total
  f=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$summary")
  total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$summary")
  passed=$((passed + total - f))
  failed=$((failed + f))
  echo "test.sh: $2: $((total - f)) of $total passed"
}

echo "== build (plain)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"
echo "== tests (plain)"
run_ctest build plain

echo "== build (AddressSanitizer + UndefinedBehaviorSanitizer)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLMS_SANITIZE=ON -DLMS_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j "$jobs"
echo "== tests (sanitizers)"
run_ctest build-asan sanitizers

# The node's end-to-end and fault tests under memcheck, on the plain build: any memory error or
# definitely/indirectly lost block fails the test (exit 99). Suppressions: third-party noise only.
echo "== integration tests under valgrind (memcheck)"
run_ctest build valgrind -T memcheck -L valgrind \
  --overwrite MemoryCheckCommand="$(command -v valgrind)" \
  --overwrite "MemoryCheckCommandOptions=--error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --num-callers=30 \
--suppressions=$root/lm_studio_connector/tests/valgrind.supp"

if command -v clang >/dev/null; then
  echo "== fuzzers (${fuzz_seconds}s each)"
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLMS_FUZZ=ON -DLMS_BUILD_TESTS=OFF -DLMS_BUILD_BENCH=OFF >/dev/null
  cmake --build build-fuzz -j "$jobs"
  for fuzzer in build-fuzz/lm_studio_connector/fuzz/fuzz_* build-fuzz/lm_studio_connector/fuzz/fuzz_*/fuzz_*; do
    [ -f "$fuzzer" ] && [ -x "$fuzzer" ] || continue
    name=$(basename "$fuzzer")
    corpus=$(mktemp -d)
    cp -r "lm_studio_connector/fuzz/$name/corpus/." "$corpus/" 2>/dev/null || true
    if "$fuzzer" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
         -print_final_stats=1 "$corpus" >"build-fuzz/$name.log" 2>&1; then
      echo "test.sh: $name: $(grep -E 'stat::number_of_executed_units' "build-fuzz/$name.log" | awk '{print $2}') runs, no crash"
      passed=$((passed + 1))
    else
      tail -40 "build-fuzz/$name.log"
      echo "test.sh: $name FAILED (log above; crash input in the working directory)"
      failed=$((failed + 1))
    fi
    rm -rf "$corpus"
  done
else
  echo "test.sh: clang not found, fuzzers skipped"
fi

echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
