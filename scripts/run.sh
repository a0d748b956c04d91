#!/usr/bin/env bash
# The run command: installs what is missing, builds, and runs the node against the LM Studio
# server at $LM_STUDIO_URL (default http://localhost:1234), with the model $LM_STUDIO_MODEL
# (default: the model_name parameter's). Extra arguments go to the program.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
params=()
if [ -n "${LM_STUDIO_URL:-}" ]; then params+=(-p "lm_studio_url:=$LM_STUDIO_URL"); fi
if [ -n "${LM_STUDIO_MODEL:-}" ]; then params+=(-p "model_name:=$LM_STUDIO_MODEL"); fi
if [ ${#params[@]} -gt 0 ]; then params=(--ros-args "${params[@]}"); fi
exec build/lm_studio_connector/lm_studio_node "$@" "${params[@]}"
