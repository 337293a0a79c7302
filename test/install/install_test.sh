#!/usr/bin/env bash
# Installs the build into a temporary prefix, then, from outside the source tree: checks
# `pumavp --version`, builds a firmware app against the installed SDK, runs it on the
# installed pumavp with an installed config, and runs a 2-point sweep from the prefix.
# usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
tmp=$(mktemp -d /tmp/pumavp-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

cmake --install "$build" --prefix "$prefix" > "$tmp/install.log"
for f in bin/pumavp share/pumavp/configs/small.yaml share/pumavp/configs/profiles/puma.yaml \
         share/pumavp/firmware-sdk/lib/libpuma.a share/pumavp/firmware-sdk/lib/pumavp_rt.o \
         share/pumavp/firmware-sdk/lib/pumavp.ld share/pumavp/firmware-sdk/firmware/lib/puma/puma.h \
         share/pumavp/firmware-sdk/cmake/riscv32-toolchain.cmake lib/cmake/PumavpFirmware/PumavpFirmwareConfig.cmake; do
  [ -e "$prefix/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
pv=$prefix/bin/pumavp
# The version of the project and a commit of this repository (the one built: HEAD, unless
# commits were made since the last build).
got=$("$pv" --version)
[[ "$got" =~ ^pumavp\ 1\.0\ \(commit\ ([0-9a-f]{12})(-dirty)?\)$ ]] || { echo "FAIL: --version '$got'"; exit 1; }
git -C "$src" cat-file -e "${BASH_REMATCH[1]}^{commit}" || { echo "FAIL: --version names no commit of $src"; exit 1; }

# The app, copied out of the tree, configured against the prefix only.
cp -r "$src/test/install/app" "$tmp/app"
cmake -S "$tmp/app" -B "$tmp/app-build" -DCMAKE_TOOLCHAIN_FILE="$prefix/share/pumavp/firmware-sdk/cmake/riscv32-toolchain.cmake" \
      -DCMAKE_PREFIX_PATH="$prefix" -DEXPECT_TILES=4 > "$tmp/app-config.log" || { cat "$tmp/app-config.log"; exit 1; }
cmake --build "$tmp/app-build" > "$tmp/app-build.log" || { cat "$tmp/app-build.log"; exit 1; }
if grep -rq "$src" "$tmp/app-build/CMakeCache.txt" "$tmp/app-build/build.ninja" 2>/dev/null; then
  echo "FAIL: the app build refers to the source tree"; exit 1
fi
out=$("$pv" run -q --config "$prefix/share/pumavp/configs/small.yaml" "$tmp/app-build/sdk_app.elf" --max-time 10ms)
echo "$out"
[ "$out" = "sdk_app: 4 tiles x 8 cores x 2 MVMUs of 128 rows" ] || { echo "FAIL: output"; exit 1; }
# Another config: the app sees that geometry (and exits 3 against its 4-tile expectation).
set +e
"$pv" run -q --config "$prefix/share/pumavp/configs/small.yaml" --set node.tiles=2 "$tmp/app-build/sdk_app.elf" --max-time 10ms > "$tmp/run2.log"
rc=$?
set -e
[ $rc -eq 3 ] && grep -q "sdk_app: 2 tiles" "$tmp/run2.log" || { echo "FAIL: 2-tile run rc $rc"; cat "$tmp/run2.log"; exit 1; }

# A sweep from the prefix: the installed binary, configs and the out-of-tree app.
cat > "$tmp/sweep.yaml" <<SPEC
base: $prefix/share/pumavp/configs/small.yaml
axes:
  node.tiles: [4, 2]
workload:
  firmware: $tmp/app-build/sdk_app.elf
  max_time: 10ms
SPEC
set +e
"$pv" sweep "$tmp/sweep.yaml" -o "$tmp/sweep" 2> "$tmp/sweep.log"
rc=$?
set -e
[ $rc -eq 1 ] || { echo "FAIL: sweep rc $rc"; cat "$tmp/sweep.log"; exit 1; }
grep -q '^p0000,4,[0-9]*,ok,0,' "$tmp/sweep/results.csv" && grep -q '^p0001,2,[0-9]*,failed,3,' "$tmp/sweep/results.csv" ||
  { echo "FAIL: sweep results"; cat "$tmp/sweep/results.csv"; exit 1; }
echo "install: pumavp, configs and the firmware SDK installed; an out-of-tree app built and ran; a sweep ran from the prefix"
