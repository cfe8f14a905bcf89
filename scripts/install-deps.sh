#!/usr/bin/env bash
# Installs the Debian 12 packages parley needs to build and test.
# The one list of build dependencies (python3 only for the golden CLI tests' JSON checks,
# groff-base only for the install test, which renders every man page and fails on a warning):
# README's commands and .ci/run use it.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libfyaml-dev libjansson-dev libyajl-dev libxml2-dev libsqlite3-dev libmicrohttpd-dev libglpk-dev libcriterion-dev libopenmpi-dev openmpi-bin python3 groff-base)
# Extra packages for optional jobs: PARLEY_DEPS_EXTRA="clang valgrind" scripts/install-deps.sh
read -r -a extra <<< "${PARLEY_DEPS_EXTRA:-}"
missing=()
for p in "${pkgs[@]}" "${extra[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
