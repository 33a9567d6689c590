#!/usr/bin/env bash
# make lint: the C sources against the project's rules.
#
#   1. clang      everything (programs and unit tests) built with clang and
#                 the same -std=c11 -Wall -Wextra -Wpedantic -Werror as gcc
#                 (`make build` is the gcc build)
#   2. cppcheck   --enable=warning,performance,portability, errors fail
#   3. clang-tidy the checks of .clang-tidy (its comments say which and why),
#                 every warning an error; it also holds functions to 80 lines
#   4. sizes      every C file of cgi-bin/ at most 500 lines
#
# Each step runs; the exit status is 1 if any failed.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
MAX_LINES=500
failed=()
PG_INC=$(pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
# liboath keeps oath.h in its own directory (pkg-config names it).
DEFS=(-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icgi-bin "-I$PG_INC" $(pkg-config --cflags-only-I liboath 2>/dev/null))

echo "== lint: clang -Werror build"
make --no-print-directory -j"$JOBS" BUILD=build-clang CC=clang CXX=clang++ build unit-bins ||
  failed+=(clang)

echo "== lint: cppcheck"
cppcheck --enable=warning,performance,portability --std=c11 --error-exitcode=1 \
  --inline-suppr --quiet -j "$JOBS" "${DEFS[@]:1}" cgi-bin/*.c || failed+=(cppcheck)

echo "== lint: clang-tidy (.clang-tidy)"
# One file per process, in parallel; each prints only its warnings.
if ! printf '%s\n' cgi-bin/*.c | xargs -P "$JOBS" -I{} \
    clang-tidy --quiet {} -- "${DEFS[@]}" 2> >(grep -v "warnings\? generated\|^Suppressed\|^Use -header-filter\|^[0-9]* warning.* treated as error" >&2); then
  failed+=(clang-tidy)
fi

echo "== lint: file sizes (at most $MAX_LINES lines)"
over=0
while read -r n f; do
  [[ $f == total ]] && continue
  if ((n > MAX_LINES)); then echo "  $f: $n lines"; over=1; fi
done < <(wc -l cgi-bin/*.c cgi-bin/*.cc)
((over == 0)) || failed+=(sizes)

if ((${#failed[@]})); then
  echo "lint: FAILED: ${failed[*]}"
  exit 1
fi
echo "lint: clean (clang, cppcheck, clang-tidy, sizes)"
