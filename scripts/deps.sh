#!/usr/bin/env bash
# Install the Debian packages the portal needs, and only those that are missing.
#
#   scripts/deps.sh run     what `make run` / `make start` need (build + run)
#   scripts/deps.sh check   the above plus what `make check` needs (tests, browser)
#   scripts/deps.sh bench   what `make run` needs plus what `make bench` needs (wrk)
#
# When nothing is missing this does nothing: no network, no output.
# As root it runs `apt-get update` once and `apt-get install -y` the missing
# packages; as any other user it prints the one command to run and exits 1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
mode=${1:-run}

# liboath (RFC 6238 codes), libqrencode (the enrolment QR code) and libcrack2
# with its dictionary (cracklib-runtime) for the second factor and the
# password rules of issue 15; the -dev packages pull in their libraries.
RUN_PKGS=(build-essential pkg-config libfcgi-dev libfcgi-bin libctemplate-dev
          libpq-dev libsodium-dev libcurl4-openssl-dev postgresql nginx-light
          curl ca-certificates liboath-dev liboath0 libqrencode-dev libqrencode4
          libcrack2-dev libcrack2 cracklib-runtime)
# cppcheck and clang-tidy are `make lint`'s (run by `make check`).
# clang and libclang-rt-14-dev (libFuzzer and the sanitizer runtimes of
# clang 14, only recommended by clang) build the fuzzers of `make fuzz`.
# default-jre-headless runs the Nu HTML Checker (vnu-jar, from npm) of the
# browser tests.
CHECK_PKGS=(libcmocka-dev python3 python3-aiosmtpd chromium clang libclang-rt-14-dev cppcheck clang-tidy wrk
            default-jre-headless)
# `make bench` (scripts/bench.py; `make check` runs it for a few seconds):
# wrk drives HTTP; pgbench comes with postgresql.
BENCH_PKGS=(python3 wrk)

case $mode in
  run)   want=("${RUN_PKGS[@]}") ;;
  check) want=("${RUN_PKGS[@]}" "${CHECK_PKGS[@]}")
         # Any Node.js will do (e.g. NodeSource's, which bundles npm); only
         # install Debian's when there is none.
         if ! command -v node >/dev/null 2>&1; then
           want+=(nodejs npm)
         elif [[ -f $ROOT/tests/browser/package-lock.json ]] && ! command -v npm >/dev/null 2>&1; then
           want+=(npm)
         fi ;;
  bench) want=("${RUN_PKGS[@]}" "${BENCH_PKGS[@]}") ;;
  *) echo "usage: $0 run|check|bench" >&2; exit 2 ;;
esac

installed() {
  local status
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) || return 1
  [[ $status == ii* ]]
}

missing=()
for p in "${want[@]}"; do
  installed "$p" || missing+=("$p")
done

if ((${#missing[@]})); then
  if ((EUID != 0)); then
    echo "deps: missing Debian packages: ${missing[*]}" >&2
    echo "deps: install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "deps: installing missing Debian packages: ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

# Browser-test dependencies: playwright-core (it drives Debian's chromium),
# axe-core, and vnu-jar (the Nu HTML Checker, run with Debian's Java). No
# browser and no Java download happens here: --ignore-scripts skips vnu-jar's
# postinstall, which would fetch a Java of its own. Again whenever one of
# them is missing (a node_modules from before they were added).
B=$ROOT/tests/browser
if [[ $mode == check && -f $B/package-lock.json ]] &&
   [[ ! -d $B/node_modules/playwright-core || ! -f $B/node_modules/axe-core/axe.min.js ||
      ! -f $B/node_modules/vnu-jar/build/dist/vnu.jar ]]; then
  echo "deps: npm ci in tests/browser"
  (cd "$B" && npm ci --no-audit --no-fund --ignore-scripts)
fi
