#!/usr/bin/env bash
# Demo wall time (whole process: elaboration, boot, run, exit) of two pumavp binaries,
# interleaved in the same session, e.g. "tracing off vs before the observability hooks" or
# "full Perfetto tracing vs off".
#   scripts/bench_demo_wall.sh BASE_PUMAVP NEW_PUMAVP ELF CONFIG [N] [-- extra args for NEW]
# Prints the median and the minimum wall seconds of each and NEW/BASE for both (the minimum is
# the least disturbed by other load on the machine).
set -euo pipefail
base=$1 new=$2 elf=$3 cfg=$4 n=${5:-15}
shift $(( $# >= 5 ? 5 : 4 ))
[[ ${1:-} == -- ]] && shift
extra=("$@")
wall() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s%N)
  awk -v d="$((t1 - t0))" 'BEGIN {printf "%.4f", d / 1e9}'
}
b=() w=()
for ((i = 0; i < n; i++)); do
  b+=("$(wall "$base" run --config "$cfg" "$elf")")
  w+=("$(wall "$new" run --config "$cfg" "$elf" "${extra[@]}")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
minimum() { printf '%s\n' "$@" | sort -g | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.4f", a / b}'; }
mb=$(median "${b[@]}") mw=$(median "${w[@]}") nb=$(minimum "${b[@]}") nw=$(minimum "${w[@]}")
echo "median: base $mb s, new $mw s, new/base $(ratio "$mw" "$mb")"
echo "min:    base $nb s, new $nw s, new/base $(ratio "$nw" "$nb")"
