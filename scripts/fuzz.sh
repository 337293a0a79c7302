#!/usr/bin/env bash
# Builds the `fuzz` preset (clang, libFuzzer + ASan + UBSan) and fuzzes each harness of
# test/fuzz for SECONDS, one at a time (-p 2: two at a time).
#   scripts/fuzz.sh SECONDS [-p 2] [HARNESS...]     HARNESS: kimage asm npy config elf gdb onnx
#                                                     (default: all of them)
# Each harness runs on a working copy of its committed corpus (build-fuzz/fuzz-corpus/<name>/,
# seeded from test/fuzz/corpus/<name>/ and kept between runs); findings are saved under
# build-fuzz/fuzz-artifacts/<name>/. To make a finding a regression test: minimise it
# (build-fuzz/test/fuzz/fuzz_<name> -minimize_crash=1 -runs=10000 FILE), fix it, and commit
# the minimised input to test/fuzz/corpus/<name>/ (ctest fuzz.replay.<name> replays it).
# Every run is appended to build-fuzz/fuzz-logs/history.tsv (UTC time, harness, wall s, CPU s,
# executions, new findings); the summary's last column is the CPU time summed over that history.
# Exit status 1 when any harness found something, 2 on a usage error.
set -euo pipefail
cd "$(dirname "$0")/.."

ALL=(kimage asm npy config elf gdb onnx)
usage() { sed -n '2,12p' "$0" >&2; exit 2; }

[ $# -ge 1 ] || usage
SECONDS_PER="$1"; shift
[[ "$SECONDS_PER" =~ ^[0-9]+$ ]] && [ "$SECONDS_PER" -gt 0 ] || usage
PARALLEL=1
HARNESSES=()
while [ $# -gt 0 ]; do
  case "$1" in
    -p) [ $# -ge 2 ] && [[ "$2" =~ ^[12]$ ]] || usage; PARALLEL="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) [[ " ${ALL[*]} " == *" $1 "* ]] || { echo "fuzz.sh: unknown harness '$1'" >&2; usage; }
       HARNESSES+=("$1"); shift ;;
  esac
done
[ ${#HARNESSES[@]} -gt 0 ] || HARNESSES=("${ALL[@]}")

BUILD=build-fuzz
cmake --preset fuzz >/dev/null
targets=()
for h in "${HARNESSES[@]}"; do targets+=("fuzz_$h"); done
cmake --build --preset fuzz -j2 --target "${targets[@]}"

# One harness: fuzz, then write "name cpu_s execs corpus_files corpus_kb crashes" to $BUILD/fuzz-logs/<name>.sum
run_one() {
  local h="$1"
  local corpus="$BUILD/fuzz-corpus/$h" art="$BUILD/fuzz-artifacts/$h" log="$BUILD/fuzz-logs/$h.log"
  mkdir -p "$corpus" "$art" "$BUILD/fuzz-logs"
  cp -n test/fuzz/corpus/"$h"/* "$corpus"/ 2>/dev/null || true
  local before
  before=$(find "$art" -type f | wc -l)
  # -timeout: one input taking longer than 10 s is a finding (hang); the harnesses bound the
  # work per input well below that. Input length is capped by the harnesses (64 KiB).
  /usr/bin/time -f "%U %S" -o "$BUILD/fuzz-logs/$h.time" \
    "$BUILD/test/fuzz/fuzz_$h" -max_total_time="$SECONDS_PER" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$art/" "$corpus" >"$log" 2>&1 || true
  local cpu execs files kb after
  cpu=$(tail -n 1 "$BUILD/fuzz-logs/$h.time" | awk '{printf "%.1f", $1 + $2}')
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  files=$(find "$corpus" -type f | wc -l)
  kb=$(du -sk "$corpus" | cut -f1)
  after=$(find "$art" -type f | wc -l)
  echo "$h $cpu ${execs:-?} $files $kb $((after - before))" >"$BUILD/fuzz-logs/$h.sum"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$h" "$SECONDS_PER" "$cpu" \
    "${execs:-?}" "$((after - before))" >>"$BUILD/fuzz-logs/history.tsv"
}

running=0
for h in "${HARNESSES[@]}"; do
  echo "fuzz.sh: fuzzing $h for ${SECONDS_PER}s (log: $BUILD/fuzz-logs/$h.log)"
  if [ "$PARALLEL" -eq 2 ]; then
    run_one "$h" &
    running=$((running + 1))
    if [ "$running" -ge 2 ]; then wait -n || true; running=$((running - 1)); fi
  else
    run_one "$h"
  fi
done
wait

status=0
printf '%-8s %10s %14s %14s %8s %12s\n' harness cpu_s executions corpus crashes total_cpu_s
for h in "${HARNESSES[@]}"; do
  read -r name cpu execs files kb crashes <"$BUILD/fuzz-logs/$h.sum"
  total=$(awk -F'\t' -v h="$h" '$2 == h { s += $4 } END { printf "%.1f", s }' "$BUILD/fuzz-logs/history.tsv")
  printf '%-8s %10s %14s %14s %8s %12s\n' "$name" "$cpu" "$execs" "$files ($kb KB)" "$crashes" "$total"
  if [ "$crashes" -gt 0 ]; then
    status=1
    echo "  new findings in $BUILD/fuzz-artifacts/$h/ (see $BUILD/fuzz-logs/$h.log)"
  fi
done
exit $status
