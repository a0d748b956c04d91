#!/usr/bin/env bash
# Installs every Debian package the build, the tests, the fuzzers and the benchmarks need.
# Safe to run again: it installs only what is missing. Needs root (or sudo) on Debian 12.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  cyclonedds-dev cyclonedds-tools           # DDS (the ROS 2 wire layer) and idlc
  libcurl4-openssl-dev                      # HTTP client to the LLM server
  libjansson-dev                            # JSON
  libturbojpeg0-dev libpng-dev              # image encoding
  libyaml-dev                               # ROS parameter files
  libmicrohttpd-dev                         # the LM Studio emulator used by tests and benchmarks
  clang libclang-rt-14-dev                  # libFuzzer targets
  curl                                      # baseline in the benchmarks
  valgrind                                  # memcheck pass over the integration tests
  ca-certificates
  openssl                                   # the SROS2 keystores of the security tests
  python3                                   # the launch-file tests (syntax, arguments)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
