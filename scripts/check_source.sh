#!/usr/bin/env bash
# Source rules a machine can check (run as a CTest):
#  - the layers stay apart: src/llm includes nothing of DDS/ROS, src/ros nothing of the LLM
#    client, src/image neither;
#  - no sprintf/strcpy/strcat/atoi/atol/strtok/gets in our C sources (use snprintf, memcpy,
#    strtol, explicit lengths).
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
src=$root/lm_studio_connector
status=0
fail() { echo "check_source: $*"; status=1; }

while IFS= read -r hit; do fail "DDS/ROS in the LLM client: $hit"; done < <(
  grep -nE '#include *[<"](dds/|ros/|ros_)' "$src"/src/llm/*.[ch])
while IFS= read -r hit; do fail "LLM client in the ROS layer: $hit"; done < <(
  grep -nE '#include *[<"](llm/|llm_|curl/)' "$src"/src/ros/*.[ch])
while IFS= read -r hit; do fail "image module depends on DDS or the LLM client: $hit"; done < <(
  grep -nE '#include *[<"](dds/|ros/|ros_|llm/|llm_|curl/)' "$src"/src/image/*.[ch])
while IFS= read -r hit; do fail "banned function: $hit"; done < <(
  grep -rnE '\b(sprintf|vsprintf|strcpy|strcat|atoi|atol|strtok|gets)\s*\(' \
    --include='*.c' --include='*.h' "$src"/src "$src"/tools "$src"/tests "$src"/bench "$src"/fuzz |
  grep -vE '\b(snprintf|vsnprintf)\s*\(' | grep -vE '^[^:]*:[0-9]+:\s*(/\*|\*|//)')
[ $status -eq 0 ] && echo "check_source: layers separate, no banned functions"
exit $status
