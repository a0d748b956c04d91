#!/usr/bin/env bash
# Runs every benchmark in lm_studio_connector/bench and prints their figures.
# Each figure is printed next to a baseline measured in the same run (ratio = ours / baseline).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CYCLONEDDS_URI="file://$PWD/lm_studio_connector/tests/fixtures/cyclonedds-loopback.xml"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -srm)"
printf 'BENCH %-38s | %-22s | %-22s | %s\n' figure ours baseline ratio
for b in build/lm_studio_connector/bench/bench_*; do
  [ -x "$b" ] && "$b"
done
