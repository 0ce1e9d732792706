#!/usr/bin/env bash
# Installs the Debian 12 packages mfg needs (only those missing), then configures and builds mfg in
# Release mode. Run as root on a fresh machine; later runs only rebuild what changed.
#   bash jobs/setup.sh            # build into ./build
#   MFG_BUILD_DIR=/path bash jobs/setup.sh
set -euo pipefail

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,6p' "$0"
  exit 0
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MFG_BUILD_DIR:-$root/build}"

packages=(
  g++ cmake make pkg-config
  openmpi-bin libopenmpi-dev
  petsc-dev libhdf5-openmpi-dev
  libeigen3-dev libboost-test-dev libtorch-dev
  libopenblas0-pthread  # LibTorch on Debian calls the system BLAS; the reference one is ~4x slower
  libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libfmt-dev zlib1g-dev
  libplplot-dev plplot-driver-cairo  # `mfg plot` and the plots of solve/train/certify (PNG, PDF, SVG)
  nettle-dev  # SHA-256 of the certified policy file
  slurm-wlm munge  # the job scripts' tests run on a local one-node cluster (jobs/slurm)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "mfg setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$jobs"
