#!/usr/bin/env bash
# Sets up (Debian packages), builds and runs the whole test suite.
#   scripts/test.sh            default preset (RelWithDebInfo), then the debug preset (ASan/UBSan):
#                              the pure-C++ tests and every firmware test on the sanitized VP
#   PUMAVP_SKIP_SETUP=1 ...    skip scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${PUMAVP_SKIP_SETUP:-0}" != 1 ]; then
  bash scripts/setup.sh
fi

cmake --preset default
cmake --build --preset default -j2
ctest --test-dir build --output-on-failure -j2 --timeout 600

# The pure-C++ libraries (ISA, kernel image, numerics, config, the GDB
# packet layer, the model compiler, its graph reference and the ONNX conformance harness) and the fabric contracts again under ASan/UBSan: their robustness tests feed
# them mutated and truncated input.
if [ "${PUMAVP_SKIP_SANITIZE:-0}" != 1 ]; then
  cmake --preset debug
  sanitized_targets=$(cmake --build build-debug --target help | sed -n 's/^\(test_\(common\|isa\|xbar\|fabric\|firmware_gdb\|compiler\|graph_reference\|onnx_conformance\)\): .*/\1/p' | sort -u)
  if [ -n "$sanitized_targets" ]; then
    # shellcheck disable=SC2086
    cmake --build build-debug -j2 --target $sanitized_targets
    ctest --test-dir build-debug --output-on-failure -j2 --timeout 600 -L sanitize
  fi
  # The whole virtual platform under ASan/UBSan, driven by every firmware test, the guest
  # fault suite among them (issue 15: broken firmware must never make the simulator fail).
  cmake --build build-debug -j2 --target pumavp pumavp_firmware
  ctest --test-dir build-debug --output-on-failure -j2 --timeout 600 -L firmware
fi
