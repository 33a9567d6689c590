#!/usr/bin/env bash
# Run every unit-test binary of one build directory.
#
#   scripts/unit.sh BUILD_DIR      e.g. build or build-asan
#
# Runs each BUILD_DIR/tests/test_* in turn, shows its output, and ends with
# the line "N passed, N failed" (counting test binaries). Exit 1 if any failed.
set -euo pipefail

dir=${1:?usage: scripts/unit.sh BUILD_DIR}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"

shopt -s nullglob
bins=()
for f in "$dir"/tests/test_*; do
  [[ -f $f && -x $f ]] && bins+=("$f")
done
srcs=(tests/unit/test_*.c)

if ((${#bins[@]} == 0)); then
  if ((${#srcs[@]})); then
    echo "unit: no test binaries in $dir/tests/ although tests/unit has ${#srcs[@]} test source(s);" >&2
    echo "unit: build them first (make unit-bins, or make build-asan for build-asan)" >&2
    echo "0 passed, ${#srcs[@]} failed"
    exit 1
  fi
  echo "unit: no unit tests (tests/unit/test_*.c) yet"
  echo "0 passed, 0 failed"
  exit 0
fi

passed=0
failed=0
failed_names=()
for b in "${bins[@]}"; do
  echo "=== $b"
  rc=0
  case $b in /*) exe=$b ;; *) exe=./$b ;; esac
  "$exe" || rc=$?
  if ((rc == 0)); then
    passed=$((passed + 1))
    echo "--- ok: $b"
  else
    failed=$((failed + 1))
    failed_names+=("$b")
    echo "--- FAILED (exit $rc): $b"
  fi
done

if ((failed)); then
  echo "failed test binaries: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed"
((failed == 0))
