#!/usr/bin/env bash
# Run the libFuzzer harnesses of one build directory for a while each.
#
#   scripts/fuzz.sh BUILD_DIR SECONDS [NAME...]     (make fuzz, make fuzz-smoke)
#
# BUILD_DIR/fuzz/fuzz_NAME (all of them, or the NAMEs given; one per core at once) runs for
# SECONDS on its working corpus BUILD_DIR/corpus/NAME/, where the inputs it
# finds are written, reading the seeds of tests/fuzz/corpus/NAME/ too (never
# written: generated corpora stay out of git), with tests/fuzz/NAME.dict when
# there is one. Extra libFuzzer flags come from FUZZ_FLAGS (e.g.
# FUZZ_FLAGS=-runs=10000000 for a long run that stops at ten million).
#
# A crash, a sanitizer report, a leak, a time-out or a broken invariant fails
# the harness; the input is kept as BUILD_DIR/artifacts/NAME/crash-* (or
# leak-*, timeout-*): reproduce it with `BUILD_DIR/fuzz/fuzz_NAME FILE`.
# The whole output of each run is BUILD_DIR/logs/NAME.log. Ends with one line
# per harness (executions, executions per second) and "N passed, N failed".
set -euo pipefail

dir=${1:?usage: scripts/fuzz.sh BUILD_DIR SECONDS [NAME...]}
seconds=${2:?usage: scripts/fuzz.sh BUILD_DIR SECONDS [NAME...]}
shift 2
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"

names=("$@")
if ((${#names[@]} == 0)); then
  shopt -s nullglob
  for f in "$dir"/fuzz/fuzz_*; do
    [[ -f $f && -x $f ]] && names+=("${f##*/fuzz_}")
  done
  shopt -u nullglob
fi
if ((${#names[@]} == 0)); then
  echo "fuzz: no harnesses in $dir/fuzz/ (make fuzz-bins)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# Sanitizer reports abort the run (libFuzzer then saves the input).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# One harness per core at once (FUZZ_JOBS, default the number of cores):
# each libFuzzer process is single-threaded. Results in the names' order.
at_once=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}

# run_one NAME: the harness NAME for $seconds; its exit status in its log dir.
run_one() {
  local name=$1 bin=$dir/fuzz/fuzz_$1 seeds=tests/fuzz/corpus/$1 work=$dir/corpus/$1
  local art=$dir/artifacts/$1 log=$dir/logs/$1.log rc=0
  mkdir -p "$work" "$art" "$dir/logs"
  local flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
               -print_final_stats=1 -artifact_prefix="$art/")
  [[ -f tests/fuzz/$name.dict ]] && flags+=(-dict="tests/fuzz/$name.dict")
  # shellcheck disable=SC2206 # FUZZ_FLAGS is a list of flags
  [[ -n ${FUZZ_FLAGS:-} ]] && flags+=(${FUZZ_FLAGS})
  local dirs=("$work")
  [[ -d $seeds ]] && dirs+=("$seeds")
  "$bin" "${flags[@]}" "${dirs[@]}" >"$log" 2>&1 || rc=$?
  echo "$rc" >"$log.rc"
}

for name in "${names[@]}"; do
  echo "=== fuzz_$name: ${seconds}s ${FUZZ_FLAGS:-}"
  rm -f -- "$dir/logs/$name.log.rc"
  while (($(jobs -rp | wc -l) >= at_once)); do wait -n || true; done
  run_one "$name" &
done
wait

passed=0
failed=0
summary=()
for name in "${names[@]}"; do
  log=$dir/logs/$name.log
  rc=$(cat -- "$log.rc" 2>/dev/null || echo 1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  line=$(printf '%-8s %12s runs %9s exec/s' "$name" "${runs:-?}" "${speed:-?}")
  if ((rc == 0)); then
    passed=$((passed + 1))
    summary+=("$line  ok")
    echo "--- ok: $line"
  else
    failed=$((failed + 1))
    summary+=("$line  FAILED (exit $rc, see $log)")
    tail -n 60 "$log"
    echo "--- FAILED (exit $rc): fuzz_$name; input kept in $dir/artifacts/$name/"
  fi
done

echo
for line in "${summary[@]}"; do
  echo "  $line"
done
echo "$passed passed, $failed failed"
((failed == 0))
