#!/usr/bin/env bash
# Runs imc's libFuzzer targets (built with IMC_FUZZ=ON in BUILD/fuzz).
#
#   run.sh BUILD replay     each target once over its corpus and the regression
#                           inputs
#   run.sh BUILD smoke      replay, then fuzz each target briefly with a fixed
#                           seed and a fixed number of executions (about a
#                           minute in all here): the same mutants on every machine, so
#                           CI cannot turn red by luck (make fuzz, .ci/run)
#   run.sh BUILD runs N     replay, then fuzz each target for N executions
#                           from a random seed (the benchmark-style run of
#                           test/fuzz/README.md: make fuzz FUZZ_RUNS=1000000)
#
# Fuzzing starts from a copy of test/fuzz/corpus/<target> (new inputs stay in
# BUILD/fuzz-work, the source tree is not touched). Any crash, leak, hang,
# out-of-memory or sanitizer report stops that target, is kept as
# BUILD/fuzz-work/<target>/artifacts/*, and makes the script exit 1. A summary
# line per target gives executions and findings.
set -uo pipefail
build=$1
mode=${2:-replay}
amount=${3:-0}
case $mode in replay | smoke | runs) ;; *)
  echo "usage: $0 BUILD replay|smoke|runs N" >&2
  exit 2
  ;;
esac
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$build/fuzz-work
mkdir -p "$work"
targets=(program target npy generic mlir profile space)
# Executions per target in smoke mode (together about a minute here).
declare -A smoke=([program]=100000 [target]=200000 [npy]=300000 [generic]=150000
                  [mlir]=5000 [profile]=20000 [space]=50000)
# Leaks are findings; a hang is an input slower than -timeout seconds; every
# input gets at most 2 GB (the targets bound their own work far below that).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allow_user_poisoning=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
common=(-timeout=30 -rss_limit_mb=2048 -print_final_stats=1)

status=0
for t in "${targets[@]}"; do
  bin=$build/fuzz/imc-fuzz-$t
  corpus=$root/test/fuzz/corpus/$t
  regress=$root/test/fuzz/regressions/$t
  log=$work/$t.log
  dirs=("$corpus")
  [ -d "$regress" ] && dirs+=("$regress")
  # Replay: every input once (libFuzzer runs the corpus dirs with -runs=0).
  if ! "$bin" "${common[@]}" -runs=0 "${dirs[@]}" >"$log" 2>&1; then
    echo "fuzz $t: FAILED replaying its corpus (see $log)"
    status=1
    continue
  fi
  if [ "$mode" != replay ]; then
    rm -rf "$work/$t" && mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
    cp -r "$corpus/." "$work/$t/corpus/"
    limit=(-seed=1 -runs="${smoke[$t]}")
    [ "$mode" = runs ] && limit=(-runs="$amount")
    if ! "$bin" "${common[@]}" "${limit[@]}" \
         -artifact_prefix="$work/$t/artifacts/" "$work/$t/corpus" >"$log" 2>&1; then
      status=1
    fi
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  found=$(ls "$work/$t/artifacts" 2>/dev/null | wc -l)
  if grep -qE "^==[0-9]+==ERROR|runtime error:|^SUMMARY:|ALARM|out-of-memory" "$log"; then
    status=1
    echo "fuzz $t: FAILED after ${runs:-?} executions: $(grep -m1 -E 'ERROR|runtime error|SUMMARY|ALARM|out-of-memory' "$log") (artifacts in $work/$t/artifacts, log $log)"
  else
    echo "fuzz $t: ${runs:-0} executions (${rate:-0}/s), $found findings"
  fi
done
exit $status
