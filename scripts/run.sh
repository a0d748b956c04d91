#!/usr/bin/env bash
# The run command: installs what is missing, builds, and runs the node against the LM Studio
# server at $LM_STUDIO_URL (default http://localhost:1234). Extra arguments go to the program.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
url_args=()
if [ -n "${LM_STUDIO_URL:-}" ]; then
  url_args=(--ros-args -p "lm_studio_url:=$LM_STUDIO_URL")
fi
exec build/lm_studio_connector/lm_studio_node "$@" "${url_args[@]}"
