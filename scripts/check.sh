#!/usr/bin/env bash
# Everything `make check` runs after installing the test dependencies:
#
#   1. build        make build unit-bins build-asan
#   1b. lint        scripts/lint.sh: clang -Werror, cppcheck, clang-tidy,
#                   functions <= 80 lines, files <= 500 lines
#   2. unit         scripts/unit.sh build
#   3. unit-asan    scripts/unit.sh build-asan (AddressSanitizer + UBSan)
#   4. integration  tests/integration/run.py --jobs=3 against the real stack,
#                   built with the sanitizers (PORTAL_BUILD=build-asan)
#   5. browser      tests/browser/run.mjs (only if it exists; PORTAL_BUILD=build),
#                   started after step 1 and run while steps 1b-4 run; its
#                   time in the summary is the wait after step 4
#   6. sanitizers   fails if any sanitizer report was written by a server
#                   process during 4 and 5 (tests/out/sanitizer/)
#   7. fuzz         make fuzz-smoke: each libFuzzer harness (tests/fuzz/)
#                   for a few seconds, built with clang in build-fuzz/
#   8. bench        scripts/bench.py --quick: `make bench` for a second per
#                   run, to see that it works (its own stack, PORTAL_BUILD=
#                   build); no figure is asserted, it never writes
#                   docs/performance.md
#
# Every step runs even when an earlier one failed; the summary at the end
# says which passed, and the last line is "N passed, N failed" (steps).
# The test runners start and stop their own stacks (scripts/stack.sh with a
# PORTAL_VAR of their own under tests/out/); on exit this script stops any
# such stack that was left running.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
OUT=$ROOT/tests/out
SAN=$OUT/sanitizer
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

mkdir -p "$OUT"
rm -rf -- "$SAN"
mkdir -p "$SAN"
# Server processes may run as the unprivileged user `portal` (when this runs
# as root), and must be able to write their reports here.
chmod 1777 "$SAN"

# Stop every stack left behind under tests/out/ (a crashed or interrupted
# test runner); stack.sh stop is idempotent and quick when nothing runs.
cleanup() {
  local var
  while IFS= read -r var; do
    [[ -f $var/run/nginx.pid || -f $var/run/portal.pid || -f $var/run/notifier.pid || -f $var/pgdata/postmaster.pid ]] || continue
    echo "check: stopping a stack left running in $var"
    PORTAL_VAR=$var scripts/stack.sh stop || true
  done < <(find "$OUT" -mindepth 1 -maxdepth 4 -name .portal-instance -type f -printf '%h\n' 2>/dev/null)
}
trap cleanup EXIT
trap 'echo; echo "check: interrupted"; exit 130' INT TERM

names=()
results=()
times=()

# step NAME COMMAND...: run one step, record whether it passed.
step() {
  local name=$1; shift
  local t0=$SECONDS rc=0
  echo
  echo "================================================================ $name"
  echo "+ $*"
  "$@" || rc=$?
  names+=("$name")
  times+=($((SECONDS - t0)))
  if ((rc == 0)); then
    results+=(pass)
    echo "---------------------------------------------------------------- $name: passed"
  else
    results+=("FAIL (exit $rc)")
    echo "---------------------------------------------------------------- $name: FAILED (exit $rc)"
  fi
}

build_all() {
  make -j"$JOBS" build unit-bins && make -j"$JOBS" build-asan
}

unit_asan() {
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    scripts/unit.sh build-asan
}

integration() {
  if [[ ! -f tests/integration/run.py ]]; then
    echo "check: tests/integration/run.py is missing"
    return 1
  fi
  PORTAL_BUILD=build-asan \
  ASAN_OPTIONS="log_path=$SAN/asan:detect_leaks=0" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$SAN/ubsan" \
    /usr/bin/python3 tests/integration/run.py --jobs=3
}

browser() {
  PORTAL_BUILD=build \
    node tests/browser/run.mjs
}

sanitizer_reports() {
  local f found=0
  shopt -s nullglob
  for f in "$SAN"/asan.* "$SAN"/ubsan.*; do
    found=1
    echo "===== sanitizer report $f"
    cat -- "$f"
  done
  shopt -u nullglob
  if ((found)); then
    echo "check: the server processes wrote sanitizer reports (above; kept in $SAN)"
    return 1
  fi
  echo "check: no sanitizer reports"
}

step build build_all
# The browser suite (its own stacks, the gcc build) starts once the build is
# done and runs while lint, the unit tests and the integration tests do:
# one after the other they would take more than make check's 15 minutes,
# and the single-threaded steps leave a core to it. Its output is shown
# after the integration tests'.
browser_pid=
if [[ -f tests/browser/run.mjs && ${results[0]} == pass ]]; then
  rm -f -- "$OUT/browser.rc"
  ( rc=0; browser > "$OUT/browser.log" 2>&1 || rc=$?; echo "$rc" > "$OUT/browser.rc" ) &
  browser_pid=$!
fi
step lint scripts/lint.sh
step unit scripts/unit.sh build
step unit-asan unit_asan
browser_wait() {
  wait "$browser_pid" || true
  cat -- "$OUT/browser.log"
  return "$(cat -- "$OUT/browser.rc" 2>/dev/null || echo 1)"
}
step integration integration
if [[ -n $browser_pid ]]; then
  step browser browser_wait
elif [[ -f tests/browser/run.mjs ]]; then
  step browser false        # not started: the build failed
else
  echo
  echo "check: tests/browser/run.mjs does not exist; browser tests skipped"
fi
step sanitizers sanitizer_reports
step fuzz make -j"$JOBS" fuzz-smoke
step bench /usr/bin/python3 scripts/bench.py --seconds 1 --no-write --quick

passed=0
failed=0
echo
echo "================================================================ summary"
for i in "${!names[@]}"; do
  printf '  %-12s %-16s %4ss\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
  if [[ ${results[$i]} == pass ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
((failed == 0))
