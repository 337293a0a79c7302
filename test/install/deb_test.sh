#!/usr/bin/env bash
# CPack makes a .deb holding pumavp, the configs and the firmware SDK under /usr, with its
# shared-library dependencies found by dpkg-shlibdeps.  usage: deb_test.sh BUILD_DIR
set -euo pipefail
tmp=$(mktemp -d /tmp/pumavp-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cpack --config "$1/CPackConfig.cmake" -B "$tmp" > "$tmp/cpack.log" || { cat "$tmp/cpack.log"; exit 1; }
deb=$(ls "$tmp"/pumavp_*.deb)
dpkg-deb -c "$deb" > "$tmp/files"
for f in ./usr/bin/pumavp ./usr/share/pumavp/configs/small.yaml ./usr/share/pumavp/firmware-sdk/lib/libpuma.a \
         ./usr/share/pumavp/firmware-sdk/lib/pumavp_rt.o ./usr/lib/cmake/PumavpFirmware/PumavpFirmwareConfig.cmake; do
  grep -q " $f\$" "$tmp/files" || { echo "FAIL: $f not in $deb"; exit 1; }
done
dpkg-deb -f "$deb" Depends | grep -q "libsystemc" || { echo "FAIL: Depends lacks libsystemc"; exit 1; }
echo "deb: $(basename "$deb") with pumavp, configs and the firmware SDK"
