#!/usr/bin/env bash
# The whole portal stack of one instance: PostgreSQL (local cluster unless
# PORTAL_DSN is set), the FastCGI portal, the notifier and nginx.
#
#   scripts/stack.sh run      start, print the URL, stay in the foreground;
#                             Ctrl-C (or SIGTERM) stops everything cleanly
#   scripts/stack.sh start    start in the background; returns once
#                             GET /healthz answers 200 (fails after 30 s)
#   scripts/stack.sh stop     stop everything of this instance (idempotent)
#   scripts/stack.sh status   what is running; exit 0 only if all of it is up
#
# Environment (all optional):
#   PORTAL_VAR       ./var    state of the instance: pgdata/ run/ log/ nginx/ mail/
#   PORTAL_PORT      8080     nginx listens on 127.0.0.1:PORTAL_PORT
#   PORTAL_POLICY    oconomowoc | milwaukee (preset loaded on first start)
#   PORTAL_DSN       use this PostgreSQL instead of a local cluster
#   PORTAL_DB_DSN, PORTAL_NOTIFIER_DSN  the portal's and the notifier's own
#                    connection strings with the local cluster (default: its
#                    socket, as portal_app / portal_notifier); e.g. two hosts
#                    and target_session_attrs=read-write for a standby
#   PORTAL_SMTP_URL  passed to the notifier (unset: mail goes to PORTAL_VAR/mail)
#   PORTAL_BUILD     build    directory of the programs (tests use build-asan)
#   PORTAL_WORKERS   4        FastCGI worker processes
#   PORTAL_START_TIMEOUT 30   seconds `start` waits for /healthz
#   PORTAL_PG_NOSYNC 0        1: the local cluster never fsyncs (initdb
#                    --no-sync, fsync=off). For the test runners only: a
#                    crash of the machine could then lose committed work
#                    (a crash or kill of PostgreSQL still cannot: the WAL is
#                    written at every commit, only not flushed to the disk)
#
# Run as root, it creates the system user `portal` if needed, gives it
# PORTAL_VAR and runs the whole stack as that user (PostgreSQL refuses root).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
SELF=$ROOT/scripts/stack.sh
STACK_USER=portal

# Messages never stop the script: when its output is a pipe that died
# (make run | tee, then Ctrl-C), stopping must still go on.
say()  { printf 'stack: %s\n' "$*" 2>/dev/null || true; }
warn() { printf 'stack: %s\n' "$*" >&2 2>/dev/null || true; }
die()  { printf 'stack: error: %s\n' "$*" >&2; exit 1; }

usage() {
  echo "usage: scripts/stack.sh run|start|stop|status" >&2
  exit 2
}

cmd=${1:-}
case $cmd in run|start|stop|status) ;; *) usage ;; esac

# ---------------------------------------------------------------- settings

# Characters that are safe in the generated nginx config, in the pg_ctl
# option string and in sed: no spaces, quotes, ';', '$', '&', '|', '\'.
SAFE_PATH_RE='^[A-Za-z0-9/._+,=~-]+$'

PORTAL_VAR=${PORTAL_VAR:-./var}
VAR=$(realpath -m -- "$PORTAL_VAR")
[[ $VAR =~ $SAFE_PATH_RE ]] ||
  die "PORTAL_VAR='$PORTAL_VAR' contains characters this script does not handle (allowed: letters, digits and / . _ + , = ~ -)"
[[ $VAR != / ]] || die "PORTAL_VAR must not be /"
[[ $ROOT =~ $SAFE_PATH_RE ]] ||
  die "the repository path '$ROOT' contains characters this script does not handle (spaces, quotes...); move or link it elsewhere"

# The port of the generated nginx config of this instance, if any.
conf_port() {
  local p
  p=$(sed -n 's/^ *listen 127\.0\.0\.1:\([0-9][0-9]*\);.*/\1/p' "$VAR/nginx/nginx.conf" 2>/dev/null | head -n 1)
  echo "$p"
}
PORT=${PORTAL_PORT:-}
# status/stop without PORTAL_PORT: the port this instance was started with.
if [[ -z $PORT && ( $cmd == status || $cmd == stop ) ]]; then PORT=$(conf_port); fi
PORT=${PORT:-8080}
{ [[ $PORT =~ ^[0-9]+$ ]] && ((PORT >= 1 && PORT <= 65535)); } ||
  die "PORTAL_PORT='$PORT' is not a TCP port number (1-65535)"

# A preset (policies/NAME.policy) or a policy file of the department's own.
POLICY=${PORTAL_POLICY:-oconomowoc}
if [[ $POLICY == */* || $POLICY == *.policy ]]; then
  [[ -r $POLICY ]] || die "PORTAL_POLICY='$POLICY': no such policy file"
  POLICY=$(realpath -- "$POLICY")
  [[ $POLICY =~ $SAFE_PATH_RE ]] || die "PORTAL_POLICY='$POLICY' contains characters this script does not handle"
elif [[ ! $POLICY =~ ^[a-z0-9_-]+$ || ! -r $ROOT/policies/$POLICY.policy ]]; then
  die "PORTAL_POLICY='$POLICY' is not a preset ($(cd "$ROOT/policies" && ls *.policy | sed 's/\.policy$//' | tr '\n' ' ')) nor a policy file"
fi

WORKERS=${PORTAL_WORKERS:-4}
{ [[ $WORKERS =~ ^[0-9]+$ ]] && ((WORKERS >= 1 && WORKERS <= 256)); } ||
  die "PORTAL_WORKERS='$WORKERS' must be a number from 1 to 256"

START_TIMEOUT=${PORTAL_START_TIMEOUT:-30}
[[ $START_TIMEOUT =~ ^[0-9]+$ ]] || die "PORTAL_START_TIMEOUT='$START_TIMEOUT' must be a number of seconds"

BUILD=${PORTAL_BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
BUILD=$(realpath -m -- "$BUILD")

EXTERNAL_DB=0
[[ -n ${PORTAL_DSN:-} ]] && EXTERNAL_DB=1

RUN=$VAR/run
LOG=$VAR/log
NGX=$VAR/nginx
PGDATA=$VAR/pgdata
MAILDIR=$VAR/mail
URL=http://127.0.0.1:$PORT/

# Unix socket paths are limited to 107 bytes; PostgreSQL's is the longest.
pg_sock=$RUN/.s.PGSQL.5432
((${#pg_sock} <= 107)) ||
  die "PORTAL_VAR is too long: the socket $pg_sock would be ${#pg_sock} bytes, the limit is 107; use a shorter PORTAL_VAR"

# ---------------------------------------------------------------- helpers

# pid_of FILE: the pid in FILE (first line), or nothing.
pid_of() {
  local f=$1 pid=
  if [[ -r $f ]]; then IFS= read -r pid <"$f" || true; fi
  [[ $pid =~ ^[0-9]+$ ]] && echo "$pid"
  return 0
}

# alive PID WORD: the process exists, is not a zombie, and runs a program
# whose file name is WORD (the kernel's /proc/PID/exe, not the command line
# a process that is still exec'ing may show: guards against a recycled pid).
alive() {
  local pid=$1 word=$2 stat exe
  [[ -n $pid ]] || return 1
  { IFS= read -r stat <"/proc/$pid/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]] || return 1
  exe=$(readlink -- "/proc/$pid/exe" 2>/dev/null) || return 1
  exe=${exe% (deleted)}
  [[ ${exe##*/} == "$word" ]]
}

# group_members PGID: pids of live processes in that process group.
group_members() {
  local pgid=$1 f stat rest st pg
  for f in /proc/[0-9]*/stat; do
    { IFS= read -r stat <"$f"; } 2>/dev/null || continue
    rest=${stat##*) }
    # rest: state ppid pgrp ...
    read -r st _ pg _ <<<"$rest"
    [[ $pg == "$pgid" && $st != Z ]] && { f=${f#/proc/}; echo "${f%/stat}"; }
  done
  return 0
}

healthy() {
  curl -fs --noproxy '*' -o /dev/null --max-time 3 "${URL}healthz"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

LOGFILES=(postgres.log portal.log notifier.log nginx-error.log)
declare -A LOG_OFFSET=()

# Remember how long the logs are, so that show_logs shows this start only.
mark_logs() {
  local f
  for f in "${LOGFILES[@]}"; do
    LOG_OFFSET[$f]=$(stat -c %s -- "$LOG/$f" 2>/dev/null || echo 0)
  done
}

show_logs() {
  local f off
  for f in "${LOGFILES[@]}"; do
    off=${LOG_OFFSET[$f]:-0}
    [[ -f $LOG/$f ]] || continue
    (($(stat -c %s -- "$LOG/$f") > off)) || continue
    echo "----- $LOG/$f (last lines)" >&2
    tail -c +$((off + 1)) -- "$LOG/$f" | tail -n 25 >&2 || true
  done
}

pgbin() {
  local d
  d=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  [[ -n $d && -x $d/pg_ctl ]] || die "PostgreSQL server programs not found under /usr/lib/postgresql/*/bin: run 'make deps' (package postgresql)"
  echo "$d"
}

# stop_proc NAME PIDFILE WORD: TERM, wait up to 10 s, then KILL (with its
# process group: the portal's workers, nginx's workers).
stop_proc() {
  local name=$1 pidfile=$2 word=$3 pid i left
  pid=$(pid_of "$pidfile")
  if [[ -n $pid ]] && alive "$pid" "$word"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      alive "$pid" "$word" || break
      sleep 0.1
    done
    if alive "$pid" "$word"; then
      warn "$name (pid $pid) did not stop within 10 s; killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
    # Children left behind in its process group (it was started as a
    # session/group leader) get a TERM, then a KILL.
    left=$(group_members "$pid")
    if [[ -n $left ]]; then
      kill -TERM -- "-$pid" 2>/dev/null || true
      for ((i = 0; i < 30; i++)); do
        [[ -z $(group_members "$pid") ]] && break
        sleep 0.1
      done
      [[ -z $(group_members "$pid") ]] || kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    say "stopped $name"
  fi
  rm -f -- "$pidfile"
}

stop_postgres() {
  local pid i
  [[ -f $PGDATA/postmaster.pid ]] || return 0
  pid=$(pid_of "$PGDATA/postmaster.pid")
  if [[ -n $pid ]] && alive "$pid" postgres; then
    kill -INT "$pid" 2>/dev/null || true          # "fast" shutdown (pg_ctl -m fast)
    for ((i = 0; i < 300; i++)); do
      alive "$pid" postgres || break
      sleep 0.1
    done
    if alive "$pid" postgres; then
      warn "PostgreSQL (pid $pid) did not stop within 30 s; immediate shutdown"
      kill -QUIT "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do alive "$pid" postgres || break; sleep 0.1; done
    fi
    say "stopped PostgreSQL"
  fi
  if ! { [[ -n $pid ]] && alive "$pid" postgres; }; then
    # Leftovers of a crash; PostgreSQL would cope, but leave nothing stale.
    rm -f -- "$PGDATA/postmaster.pid" "$RUN/.s.PGSQL.5432" "$RUN/.s.PGSQL.5432.lock"
  fi
}

stop_all() {
  stop_proc nginx "$RUN/nginx.pid" nginx
  stop_proc notifier "$RUN/notifier.pid" notifier
  stop_proc portal "$RUN/portal.pid" portal
  stop_postgres
  rm -f -- "$RUN/portal.sock" "$RUN/stack.lock"
}

# ------------------------------------------------------------------ status

status() {
  local up=1 pid
  say "instance PORTAL_VAR=$VAR, $URL"
  if ((EXTERNAL_DB)); then
    say "  postgres  external (PORTAL_DSN)"
  else
    pid=$(pid_of "$PGDATA/postmaster.pid")
    if [[ -n $pid ]] && alive "$pid" postgres; then say "  postgres  running (pid $pid)"
    else say "  postgres  stopped"; up=0; fi
  fi
  pid=$(pid_of "$RUN/portal.pid")
  if [[ -n $pid ]] && alive "$pid" portal; then say "  portal    running (pid $pid)"
  else say "  portal    stopped"; up=0; fi
  if [[ -x $BUILD/notifier || -f $RUN/notifier.pid ]]; then
    pid=$(pid_of "$RUN/notifier.pid")
    if [[ -n $pid ]] && alive "$pid" notifier; then say "  notifier  running (pid $pid)"
    else say "  notifier  stopped"; up=0; fi
  fi
  pid=$(pid_of "$RUN/nginx.pid")
  if [[ -n $pid ]] && alive "$pid" nginx; then say "  nginx     running (pid $pid)"
  else say "  nginx     stopped"; up=0; fi
  if healthy; then say "  healthz   200"; else say "  healthz   not answering 200"; up=0; fi
  # What only the portal knows: restarts, the outbox, the notifier's
  # heartbeat, the audit chain (portalctl status; 3 when degraded).
  if [[ -x $BUILD/portalctl ]] && { ((EXTERNAL_DB)) || [[ -n $(pid_of "$PGDATA/postmaster.pid") ]]; }; then
    local report line rc=0
    report=$(PORTAL_VAR=$VAR "$BUILD/portalctl" status 2>&1) || rc=$?
    while IFS= read -r line; do say "  | $line"; done <<<"$report"
    ((rc == 0)) || up=0
  fi
  ((up)) || return 3
}

# ------------------------------------------------------------------ root

# PostgreSQL will not run as root: run the stack as the system user
# `portal`. stop and status work as root directly (signals and /proc).
# PORTAL_VAR is taken over (as root: chown -R) only when it does not exist
# yet, is an empty directory, or carries the marker file this script writes.
MARKER=.portal-instance
looks_like_instance() {
  [[ ! -e $VAR ]] && return 0
  [[ -d $VAR && ! -L $VAR ]] || return 1
  [[ -f $VAR/$MARKER || -f $VAR/pgdata/PG_VERSION ]] && return 0
  [[ -z $(ls -A -- "$VAR") ]]
}
check_var_is_safe() {
  case $VAR in
    /bin|/bin/*|/boot|/boot/*|/dev|/dev/*|/etc|/etc/*|/lib|/lib/*|/lib32|/lib32/*|/lib64|/lib64/*|\
    /proc|/proc/*|/sbin|/sbin/*|/sys|/sys/*|/usr|/usr/*|/run|/var|/home|/root|/tmp|/srv|/opt|/mnt|/media)
      die "PORTAL_VAR=$VAR is a system directory; use a directory of its own (e.g. ./var)" ;;
  esac
  [[ $ROOT/ != "$VAR"/* ]] || die "PORTAL_VAR=$VAR contains the repository; use a directory of its own (e.g. ./var)"
  looks_like_instance ||
    die "PORTAL_VAR=$VAR exists, is not empty and is not a portal instance directory (no $MARKER); refusing to use it"
}

as_user() { setpriv --reuid="$STACK_USER" --regid="$STACK_USER" --init-groups -- "$@"; }

# Make sure $STACK_USER can reach DIR: add o+x to each ancestor it cannot
# traverse (e.g. a 0700 `mktemp -d` directory).
ensure_traversable() {
  local target=$1 d="" p
  local IFS=/
  local -a parts
  read -r -a parts <<<"${target#/}"
  for p in "" "${parts[@]}"; do
    [[ -n $p ]] && d=$d/$p
    [[ -z $d ]] && continue
    [[ -d $d ]] || break
    if ! as_user test -x "$d"; then
      chmod o+x -- "$d"
      say "added o+x to $d so that user $STACK_USER can reach it"
    fi
  done
}

if ((EUID == 0)) && [[ $cmd == run || $cmd == start ]]; then
  [[ -z ${PORTAL_STACK_DROPPED:-} ]] || die "still root after dropping privileges (internal error)"
  check_var_is_safe
  if ! id -u "$STACK_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$STACK_USER"
    say "created system user $STACK_USER (the stack runs as that user; PostgreSQL refuses root)"
  fi
  mkdir -p -- "$VAR"
  touch -- "$VAR/$MARKER"
  chown -R "$STACK_USER:" -- "$VAR"
  ensure_traversable "$ROOT"
  ensure_traversable "$VAR"
  for f in "$ROOT/templates" "$ROOT/sql" "$ROOT/static" "$BUILD"; do
    [[ -e $f ]] || continue
    as_user test -r "$f" -a -x "$f" || warn "user $STACK_USER cannot read $f; fix its permissions (chmod -R o+rX)"
  done
  export PORTAL_VAR=$VAR PORTAL_PORT=$PORT PORTAL_POLICY=$POLICY PORTAL_BUILD=$BUILD \
         PORTAL_WORKERS=$WORKERS PORTAL_START_TIMEOUT=$START_TIMEOUT PORTAL_STACK_DROPPED=1
  cd "$ROOT"
  exec setpriv --reuid="$STACK_USER" --regid="$STACK_USER" --init-groups -- \
    env HOME="$VAR" USER="$STACK_USER" LOGNAME="$STACK_USER" bash "$SELF" "$cmd"
fi

# ------------------------------------------------------------------ start

start_postgres() {
  local bin out nosync_initdb=() nosync_opts=''
  bin=$(pgbin)
  if [[ ${PORTAL_PG_NOSYNC:-0} == 1 ]]; then
    nosync_initdb=(--no-sync)
    nosync_opts=' -c fsync=off -c full_page_writes=off'
  fi
  if [[ ! -f $PGDATA/PG_VERSION ]]; then
    if [[ -d $PGDATA && -n $(ls -A -- "$PGDATA") ]]; then
      die "$PGDATA exists but holds no database cluster (an interrupted first start?); remove it and start again"
    fi
    say "creating the PostgreSQL cluster in $PGDATA"
    # No trust authentication, even on loopback: the Unix socket uses peer
    # authentication with a map (write_pg_auth) and there is no TCP at all.
    if ! "$bin/initdb" -D "$PGDATA" -U portal_owner --auth-local=peer --auth-host=reject \
        -E UTF8 --locale=C.UTF-8 "${nosync_initdb[@]}" >"$LOG/initdb.log" 2>&1; then
      cat "$LOG/initdb.log" >&2
      die "initdb failed (log above, also in $LOG/initdb.log)"
    fi
  fi
  write_pg_auth
  local pid
  pid=$(pid_of "$PGDATA/postmaster.pid")
  if [[ -n $pid ]] && alive "$pid" postgres; then
    "$bin/pg_ctl" -D "$PGDATA" reload >/dev/null 9>&- || true
    say "PostgreSQL already running (pid $pid)"
  else
    # Unix socket only (no TCP), in $RUN, reachable by this user only.
    if ! "$bin/pg_ctl" -D "$PGDATA" -l "$LOG/postgres.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$RUN' -c unix_socket_permissions=0700$nosync_opts" \
        start >/dev/null 9>&-; then
      show_logs
      die "PostgreSQL did not start (see $LOG/postgres.log)"
    fi
    say "started PostgreSQL ($("$bin/postgres" --version | awk '{print $3}'), socket in $RUN)"
  fi
  local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$RUN" -U portal_owner -d postgres)
  out=$("${psql[@]}" -tA -c "SELECT 1 FROM pg_database WHERE datname = 'portal'") ||
    die "cannot query PostgreSQL at $RUN"
  if [[ $out != 1 ]]; then
    "$bin/createdb" -h "$RUN" -U portal_owner -O portal_owner -E UTF8 portal ||
      die "could not create database portal"
    say "created database portal"
  fi
  # One role per process, each with only its own rights (sql/grants.sql).
  "${psql[@]}" -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal_app') THEN
        CREATE ROLE portal_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
      END IF;
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal_notifier') THEN
        CREATE ROLE portal_notifier LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
      END IF;
      -- Background work has its own small share of the database: the
      -- notifier needs one connection (a restart may briefly overlap).
      ALTER ROLE portal_notifier CONNECTION LIMIT 4;
    END \$\$;" || die "could not create the roles portal_app and portal_notifier"
}

# Who may connect, as which database role: only over the Unix socket (no
# TCP), with peer authentication (the kernel says which OS user connects),
# mapped so that the OS user running the stack (and root, who could become
# it anyway) may use the portal's three roles. Rewritten at every start, so
# an older cluster made with "trust" is tightened too.
write_pg_auth() {
  local me
  me=$(id -un)
  {
    echo "# Written by scripts/stack.sh at every start; edit the script, not this file."
    echo "# TYPE  DATABASE  USER  METHOD"
    echo "local   all       all   peer map=portal"
    # A standby on this machine streams as portal_owner (tests/integration/test_standby.py).
    echo "local   replication portal_owner peer map=portal"
  } >"$PGDATA/pg_hba.conf"
  {
    echo "# Written by scripts/stack.sh: OS user -> database roles it may use."
    for role in portal_owner portal_app portal_notifier; do
      echo "portal  $me  $role"
      [[ $me == root ]] || echo "portal  root  $role"
    done
  } >"$PGDATA/pg_ident.conf"
}

run_portalctl() {
  local what=$1; shift
  "$BUILD/portalctl" "$@" || die "'portalctl $*' failed ($what); see the messages above"
}


write_nginx_conf() {
  mkdir -p -- "$NGX/client_body_temp" "$NGX/fastcgi_temp" "$NGX/proxy_temp" "$NGX/uwsgi_temp" "$NGX/scgi_temp"
  sed -e "s|@VAR@|$VAR|g" -e "s|@PORT@|$PORT|g" -e "s|@ROOT@|$ROOT|g" \
    "$ROOT/nginx/portal.conf.in" >"$NGX/nginx.conf.new"
  mv -f -- "$NGX/nginx.conf.new" "$NGX/nginx.conf"
}

DEMO_OUT=

notifier_up() {
  local p
  p=$(pid_of "$RUN/notifier.pid")
  [[ -n $p ]] && alive "$p" notifier
}

start_all() {
  local pid
  umask 077
  check_var_is_safe
  mkdir -p -- "$VAR"
  touch -- "$VAR/$MARKER"
  mkdir -p -- "$RUN" "$LOG" "$NGX" "$MAILDIR"
  mark_logs

  exec 9>"$RUN/stack.lock"
  flock -n 9 || die "another scripts/stack.sh is starting this instance (PORTAL_VAR=$VAR)"

  pid=$(pid_of "$RUN/nginx.pid")
  if [[ -n $pid ]] && alive "$pid" nginx; then
    local running_port
    running_port=$(conf_port)
    if [[ -n $running_port && $running_port != "$PORT" ]]; then
      die "this instance (PORTAL_VAR=$VAR) is already running on port $running_port, not $PORT; stop it first ('make stop')"
    fi
    # Up means every piece is up: a notifier that died is started again.
    if healthy && { [[ ! -x $BUILD/notifier ]] || notifier_up; }; then
      ALREADY_RUNNING=1
      return 0
    fi
    say "this instance is partly running; starting what is missing"
  elif port_in_use; then
    die "port $PORT on 127.0.0.1 is already in use by another program; choose another PORTAL_PORT"
  fi
  # From here on, a failure stops whatever was started.
  trap start_failed EXIT

  for p in portal portalctl; do
    [[ -x $BUILD/$p ]] || die "$BUILD/$p does not exist: build first (make build)"
  done
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || die "nginx not found: run 'make deps'"
  local nginx_bin
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

  export PORTAL_ROOT=$ROOT PORTAL_VAR=$VAR PORTAL_POLICY=$POLICY
  if ((EXTERNAL_DB)); then
    say "using the external PostgreSQL of PORTAL_DSN"
    export PORTAL_OWNER_DSN=$PORTAL_DSN PORTAL_DB_DSN=$PORTAL_DSN
    NOTIFIER_DSN=${PORTAL_NOTIFIER_DSN:-$PORTAL_DSN}
  else
    start_postgres
    export PORTAL_OWNER_DSN="host=$RUN dbname=portal user=portal_owner"
    export PORTAL_DB_DSN=${PORTAL_DB_DSN:-"host=$RUN dbname=portal user=portal_app"}
    NOTIFIER_DSN=${PORTAL_NOTIFIER_DSN:-"host=$RUN dbname=portal user=portal_notifier"}
  fi

  run_portalctl "database migrations" migrate
  run_portalctl "policy preset" init --policy "$POLICY"
  DEMO_OUT=$("$BUILD/portalctl" demo) || die "'portalctl demo' failed (demo accounts); see the messages above"

  local t0=$SECONDS
  # The portal and the notifier get the application role only.
  pid=$(pid_of "$RUN/portal.pid")
  if [[ -n $pid ]] && alive "$pid" portal; then
    say "portal already running (pid $pid)"
  else
    rm -f -- "$RUN/portal.sock" "$RUN/portal.pid" "$RUN/notifier.pid"
    # The portal keeps its workers and the notifier running (it restarts
    # either when it dies); it writes its pid file once its socket listens,
    # and that is when it is ready. Links in e-mails point at this instance
    # unless PORTAL_BASE_URL says otherwise.
    local notifier_args=()
    if [[ -x $BUILD/notifier ]]; then
      notifier_args=(--notifier "$BUILD/notifier" --notifier-pidfile "$RUN/notifier.pid"
                     --notifier-log "$LOG/notifier.log")
    else
      warn "$BUILD/notifier does not exist; e-mail notifications will not be sent"
    fi
    setsid env -u PORTAL_OWNER_DSN PORTAL_NOTIFIER_DSN="$NOTIFIER_DSN" \
      PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://127.0.0.1:$PORT}" \
      "$BUILD/portal" --socket "$RUN/portal.sock" --workers "$WORKERS" \
      --templates "$ROOT/templates" --pidfile "$RUN/portal.pid" \
      --status-file "$RUN/status.json" "${notifier_args[@]}" \
      </dev/null >>"$LOG/portal.log" 2>&1 9>&- &
    pid=$!
    until [[ -s $RUN/portal.pid ]]; do
      kill -0 "$pid" 2>/dev/null || { wait "$pid" || true; fail_start "the portal exited at start (see $LOG/portal.log)"; }
      ((SECONDS - t0 < START_TIMEOUT)) || { fail_start "the portal did not start listening within $START_TIMEOUT s"; }
      sleep 0.05
    done
    say "started portal (pid $(pid_of "$RUN/portal.pid")) and its notifier"
  fi

  pid=$(pid_of "$RUN/nginx.pid")
  if [[ -n $pid ]] && alive "$pid" nginx; then
    say "nginx already running (pid $pid)"
  else
    write_nginx_conf
    rm -f -- "$RUN/nginx.pid"
    if ! "$nginx_bin" -q -t -p "$NGX/" -c "$NGX/nginx.conf" -e "$LOG/nginx-error.log" 9>&- ||
       ! "$nginx_bin" -p "$NGX/" -c "$NGX/nginx.conf" -e "$LOG/nginx-error.log" 9>&-; then
      fail_start "nginx did not start (config $NGX/nginx.conf)"
    fi
    until pid=$(pid_of "$RUN/nginx.pid") && [[ -n $pid ]]; do
      ((SECONDS - t0 < START_TIMEOUT)) || { fail_start "nginx wrote no pid file"; }
      sleep 0.05
    done
    say "started nginx (pid $pid) on 127.0.0.1:$PORT"
  fi

  until healthy; do
    if ((SECONDS - t0 >= START_TIMEOUT)); then
      fail_start "GET ${URL}healthz did not answer 200 within $START_TIMEOUT s (last answer: HTTP $(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' --max-time 3 "${URL}healthz"))"
    fi
    pid=$(pid_of "$RUN/portal.pid")
    alive "$pid" portal || { fail_start "the portal exited (see $LOG/portal.log)"; }
    sleep 0.2
  done
  if [[ -f $RUN/notifier.pid ]]; then
    pid=$(pid_of "$RUN/notifier.pid")
    alive "$pid" notifier || { fail_start "the notifier exited at start (see $LOG/notifier.log)"; }
  fi
  trap - EXIT
  exec 9>&-
}

start_failed() {
  local rc=$?
  ((rc == 0)) && return 0
  warn "stopping what was started"
  stop_all >&2
}

fail_start() {
  show_logs
  die "$*"
}

print_banner() {
  echo
  echo "  Mutual Aid Portal is running at $URL"
  echo "  policy preset: $POLICY    state: $VAR    logs: $LOG/"
  if [[ -n $DEMO_OUT ]]; then
    echo
    echo "  Demo accounts (created now):"
    printf '%s\n' "$DEMO_OUT" | sed 's/^/    /'
  fi
  if [[ -f $VAR/demo-accounts.txt ]]; then
    echo "  Demo accounts and their passwords: $VAR/demo-accounts.txt"
  fi
  if [[ -z ${PORTAL_SMTP_URL:-} ]]; then
    echo "  E-mail is not sent (PORTAL_SMTP_URL unset): messages are written to $MAILDIR/"
  fi
  echo
}

# ------------------------------------------------------------------ main

ALREADY_RUNNING=0

case $cmd in
  status)
    status
    ;;

  stop)
    if [[ ! -d $VAR ]]; then
      say "nothing to stop ($VAR does not exist)"
      exit 0
    fi
    check_var_is_safe
    stop_all
    say "instance $VAR is stopped"
    ;;

  start)
    cd "$ROOT"
    start_all
    if ((ALREADY_RUNNING)); then
      say "already running at $URL (PORTAL_VAR=$VAR); stop it with 'make stop'"
      exit 0
    fi
    print_banner
    echo "  Running in the background; stop it with 'make stop' (same PORTAL_VAR)."
    ;;

  run)
    cd "$ROOT"
    STOPPING=0
    on_signal() {
      trap '' INT TERM PIPE
      STOPPING=1
      echo 2>/dev/null || true
      say "stopping..."
      stop_all
      say "stopped"
      exit 0
    }
    on_exit() {
      ((STOPPING)) || { STOPPING=1; stop_all; }
    }
    trap on_signal INT TERM
    start_all
    if ((ALREADY_RUNNING)); then
      trap - EXIT INT TERM
      die "this instance (PORTAL_VAR=$VAR) is already running in the background at $URL; stop it first with 'make stop'"
    fi
    trap on_exit EXIT
    print_banner
    echo "  Press Ctrl-C to stop."
    echo
    while :; do
      sleep 2 &
      wait $! || true
      # The notifier is the portal's to restart when it dies.
      for c in portal nginx; do
        f=$RUN/$c.pid
        if [[ ! -f $f ]]; then
          STOPPING=1
          say "the stack was stopped from outside (scripts/stack.sh stop); stopping the rest"
          stop_all
          exit 0
        fi
        if ! alive "$(pid_of "$f")" "$c"; then
          warn "error: $c exited unexpectedly"
          show_logs
          exit 1
        fi
      done
    done
    ;;
esac
