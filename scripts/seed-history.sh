#!/usr/bin/env bash
# Loads N synthetic requests (default 100000) with their notifications and
# audit events into the running instance of PORTAL_VAR, for the history
# benchmark (scripts/bench-history.py). Start the stack first: make start.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
[[ $N =~ ^[0-9]+$ ]] && ((N > 0 && N <= 1000000)) || { echo "seed-history: N must be 1..1000000" >&2; exit 2; }
VAR=$(realpath "${PORTAL_VAR:-var}")
DSN=${PORTAL_DSN:-"host=$VAR/run dbname=portal user=portal_owner"}
as=()
if [[ $(id -u) == 0 && -z ${PORTAL_DSN:-} ]]; then as=(runuser -u portal --); fi
echo "seed-history: loading $N requests into $VAR ..."
time "${as[@]}" psql "$DSN" -X -q -v n="$N" -f scripts/seed-history.sql
