#!/usr/bin/env bash
# Installs every Debian package pumavp needs. Idempotent; fast when all is present.
# Works as root or through sudo.
#   scripts/setup.sh           what the build and every ctest need
#   scripts/setup.sh --train   also python3-torch and python3-sklearn, for
#                              scripts/train_digits_cnn.py (no test needs them)
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libsystemc-dev
  libyaml-cpp-dev
  libgtest-dev libgmock-dev googletest
  libbenchmark-dev
  nlohmann-json3-dev
  libcli11-dev
  libfmt-dev
  zlib1g-dev
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
  gdb-multiarch
  python3 python3-numpy python3-matplotlib
  libonnx-dev libprotobuf-dev
  libonnx-testdata   # ONNX's operator tests: the conformance ctests (test/compiler/conformance)
  clang libfuzzer-14-dev   # the `fuzz` preset (scripts/fuzz.sh)
  slurm-wlm munge   # `pumavp sweep --executor slurm` and its test (scripts/slurm_local.sh)
  ccache   # optional for developers: CMAKE_CXX_COMPILER_LAUNCHER=ccache (see docs/architecture.md)
)
for arg in "$@"; do
  case "$arg" in
    --train) PACKAGES+=(python3-torch python3-sklearn) ;;
    *) echo "usage: setup.sh [--train]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup.sh: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1
  fi
fi

echo "setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
