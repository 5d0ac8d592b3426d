#!/usr/bin/env bash
# Installs every Debian package imc needs to build, test and run its demo.
# Idempotent: packages already present are skipped, and nothing is done when all are there.
# Uses apt-get directly when run as root, sudo otherwise.
set -euo pipefail

PACKAGES=(
  cmake ninja-build ccache g++ make
  libmlir-19-dev mlir-19-tools llvm-19-dev llvm-19-tools
  libfmt-dev nlohmann-json3-dev libgtest-dev
  pybind11-dev python3-dev python3-numpy python3-pytest
  python3-torch python3-torchvision python3-onnx python3-sklearn python3-matplotlib
  # the co-optimizer on a cluster (imc.coopt(dask=...), imc-coopt --dask)
  python3-distributed
  # make check-sanitize and make fuzz: clang with libFuzzer, ASan and UBSan
  clang-19 libclang-rt-19-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get update -qq; then
  echo "install-deps: 'apt-get update' failed; check the network/apt sources" >&2
  exit 1
fi
if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/imc-install-deps.log 2>&1; then
  tail -20 /tmp/imc-install-deps.log >&2
  echo "install-deps: apt-get could not install: ${missing[*]} (log: /tmp/imc-install-deps.log)" >&2
  exit 1
fi
echo "install-deps: done"
