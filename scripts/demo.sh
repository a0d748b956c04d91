#!/usr/bin/env bash
# The demo: the whole path without LM Studio. Starts the LM Studio EMULATOR (a test server that
# echoes deterministic text: not a model), lm_studio_node pointed at it, and streams a chat
# through the lmsc command-line client, all on this machine's loopback in a private DDS domain.
# Environment: DEMO_DOMAIN_ID (default 77).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build >/dev/null
bin=$root/build/lm_studio_connector

export CYCLONEDDS_URI="file://$root/lm_studio_connector/tests/fixtures/cyclonedds-loopback.xml"
export ROS_DOMAIN_ID=${DEMO_DOMAIN_ID:-77}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "starting the LM Studio emulator (a test server, NOT a model: answers are canned echoes)"
"$bin/lms_emulator" --port 0 --interval-ms 40 >"$work/emulator.log" 2>&1 &
pids+=($!)
url=
for _ in $(seq 100); do
  url=$(grep -o 'http://[0-9.]*:[0-9]*' "$work/emulator.log" || true)
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { cat "$work/emulator.log"; echo "demo: the emulator did not start" >&2; exit 1; }
echo "emulator at $url"

say "starting lm_studio_node (ROS_DOMAIN_ID=$ROS_DOMAIN_ID, loopback only)"
"$bin/lm_studio_node" --ros-args -p lm_studio_url:="$url" -p model_name:=llama-3.2-1b-instruct \
  >"$work/node.log" 2>&1 &
pids+=($!)

run() { printf '\n$ %s\n' "$*"; "$@"; }
say "the node through the lmsc client"
run "$bin/lmsc" --timeout 10 models
run "$bin/lmsc" chat "Hello robot, describe what you can do"
run "$bin/lmsc" chat --no-history --max-tokens 12 "A second, shorter answer"
run "$bin/lmsc" status
say "node log"
cat "$work/node.log"
