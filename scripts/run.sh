#!/usr/bin/env bash
# The run command: installs what is missing, builds, and runs the node against the LM Studio
# server at $LM_STUDIO_URL (default http://localhost:1234). Extra arguments go to the program.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
bin=build/lm_studio_connector
if [ -x "$bin/lm_studio_node" ]; then
  exec "$bin/lm_studio_node" "$@"
fi
echo "run.sh: lm_studio_node is not part of this version yet; checking the LM Studio server" \
     "with lms_check instead (lms_check --help)." >&2
exec "$bin/lms_check" "$@"
