#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for tests and local runs.
#
#   scripts/with-postgres.sh [-e VAR]... [--] COMMAND [ARG]...
#
# Starts a private cluster (fresh mktemp dir, listening on 127.0.0.1 only, on a
# free port, trust auth), creates the superuser role and database
# `stroma_test`, runs COMMAND with TEST_DATABASE_URL (or each VAR given with
# -e) set to
#
#   postgres://stroma_test@127.0.0.1:PORT/stroma_test
#
# then stops the cluster and deletes the temp dir, also when COMMAND fails or
# on Ctrl-C. Exits with COMMAND's status. Examples:
#
#   scripts/with-postgres.sh npm test
#   scripts/with-postgres.sh -e DATABASE_URL npm start
#   scripts/with-postgres.sh -- bash -c 'psql "$TEST_DATABASE_URL"'
#
# PG_EXTRA_CONF, if set, is appended to the cluster's postgresql.auto.conf before
# it starts (settings such as shared_buffers that need a start to apply), e.g.
#
#   PG_EXTRA_CONF="shared_buffers = '4GB'" scripts/with-postgres.sh npm test
#
# PostgreSQL refuses to run as root: as root, the cluster runs as the OS user
# $CI_PG_OS_USER (default `postgres`, created with useradd if missing);
# otherwise as the current user. Server binaries are looked up in $PG_BINDIR,
# /usr/lib/postgresql/15/bin, `pg_config --bindir`, /usr/lib/postgresql/*/bin
# (newest first) and $PATH; as root on Debian, postgresql-15 is installed with
# apt-get if none is found.
#
# The file is also a library: `.ci/run` sources it and calls pg_start /
# pg_stop itself. Sourcing defines functions and PG_* variables only.

PG_TMP=""                     # mktemp dir: data/, server.log, initdb.log
PG_DATA=""
PG_LOG=""
PG_BINDIR_USED=""
PG_OS_USER=""
PG_PORT=""
PG_STARTED=0
PG_TEST_URL=""                # set by pg_start on success
PG_SUPERUSER=postgres         # bootstrap superuser created by initdb
PG_TEST_ROLE=stroma_test      # superuser role + database handed to the tests
PG_TEST_DB=stroma_test

pg_info() { printf -- '--- %s\n' "$*"; }
pg_warn() { printf -- '!!! %s\n' "$*" >&2; }

# NB: callers typically run pg_start as `pg_start || ...`, where bash ignores
# `set -e`; every command that matters is therefore checked explicitly.

# Run a command as the cluster owner, from inside the temp dir (the
# unprivileged user may not be able to read the caller's cwd).
_pg_as_owner() {
  if [[ $EUID -eq 0 ]]; then
    (cd "$PG_TMP" && runuser -u "$PG_OS_USER" -- "$@")
  else
    (cd "$PG_TMP" && "$@")
  fi
}

_pg_find_bindir() {
  local d cand=()
  [[ -n "${PG_BINDIR:-}" ]] && cand+=("$PG_BINDIR")
  cand+=(/usr/lib/postgresql/15/bin)
  if command -v pg_config >/dev/null 2>&1; then
    cand+=("$(pg_config --bindir 2>/dev/null || true)")
  fi
  # Any other installed major version, newest first.
  while IFS= read -r d; do cand+=("$d"); done < <(
    for d in /usr/lib/postgresql/*/bin; do [[ -d $d ]] && printf '%s\n' "$d"; done |
      sort -t/ -k5,5 -rn)
  if command -v initdb >/dev/null 2>&1; then
    cand+=("$(dirname "$(command -v initdb)")")
  fi
  for d in "${cand[@]}"; do
    [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]] || continue
    printf '%s\n' "$d"
    return 0
  done
  return 1
}

_pg_ensure_installed() {
  if PG_BINDIR_USED=$(_pg_find_bindir); then return 0; fi
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    pg_info "PostgreSQL server binaries not found; installing postgresql-15 with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      postgresql-15 >/dev/null || return 1
    PG_BINDIR_USED=$(_pg_find_bindir) && return 0
  fi
  pg_warn "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found"
  return 1
}

_pg_ensure_os_user() {
  if [[ $EUID -ne 0 ]]; then
    PG_OS_USER=$(id -un)
    return 0
  fi
  PG_OS_USER=${CI_PG_OS_USER:-postgres}
  if ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
    pg_info "creating system user '$PG_OS_USER' to own the throwaway cluster"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$PG_OS_USER" || return 1
  fi
}

# Ask the OS for a free loopback port. Another process could grab it before
# the postmaster binds it; pg_start then retries with a new port.
_pg_free_port() {
  node -e '
    const s = require("net").createServer();
    s.on("error", (e) => { console.error(e.message); process.exit(1); });
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => console.log(p)); });'
}

_pg_psql() {
  if [[ -x "$PG_BINDIR_USED/psql" ]]; then "$PG_BINDIR_USED/psql" "$@"; else psql "$@"; fi
}

# psql as the bootstrap superuser over TCP (no unix socket is configured).
_pg_admin_psql() {
  _pg_psql -X -q -v ON_ERROR_STOP=1 \
    "postgres://${PG_SUPERUSER}@127.0.0.1:${PG_PORT}/postgres" "$@"
}

# Start the cluster; on success PG_TEST_URL is set. On failure the caller
# must still call pg_stop (it cleans up whatever was created).
pg_start() {
  _pg_ensure_installed || return 1
  _pg_ensure_os_user || return 1
  local version
  version=$("$PG_BINDIR_USED/postgres" --version) || return 1
  pg_info "binaries: $PG_BINDIR_USED ($version)"
  [[ $version =~ \)\ 15\. ]] || pg_warn "expected PostgreSQL 15, got: $version"
  pg_info "cluster owner: $PG_OS_USER"

  PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/stroma-pg.XXXXXX") || return 1
  PG_DATA=$PG_TMP/data
  PG_LOG=$PG_TMP/server.log
  chmod 700 "$PG_TMP" || return 1
  if [[ $EUID -eq 0 ]]; then chown "$PG_OS_USER:" "$PG_TMP" || return 1; fi
  pg_info "temp dir: $PG_TMP"

  _pg_as_owner "$PG_BINDIR_USED/initdb" --pgdata="$PG_DATA" --username="$PG_SUPERUSER" \
    --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-instructions \
    >"$PG_TMP/initdb.log" 2>&1 || { cat "$PG_TMP/initdb.log" >&2; return 1; }

  # Loopback-only TCP, trust auth, no unix socket: this cluster lives for one
  # run and only this machine can reach it.
  _pg_as_owner tee "$PG_DATA/pg_hba.conf" >/dev/null <<'HBA' || return 1
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   127.0.0.1/32  trust
HBA

  local attempt
  for attempt in 1 2 3 4 5; do
    PG_PORT=$(_pg_free_port) || return 1
    pg_info "starting PostgreSQL on 127.0.0.1:$PG_PORT (attempt $attempt)"
    _pg_as_owner tee "$PG_DATA/postgresql.auto.conf" >/dev/null <<CONF || return 1
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
max_connections = 200
log_min_messages = warning
${PG_EXTRA_CONF:-}
CONF
    # Set before pg_ctl returns so that pg_stop also handles a half-started server.
    PG_STARTED=1
    if _pg_as_owner "$PG_BINDIR_USED/pg_ctl" --pgdata="$PG_DATA" --log="$PG_LOG" \
         --wait --timeout=60 --silent start; then
      break
    fi
    pg_warn "PostgreSQL did not start; last log lines:"
    tail -n 20 "$PG_LOG" >&2 || true
    _pg_stop_server
    if [[ $attempt -eq 5 ]]; then return 1; fi
  done

  # Make sure the server answering on that port is ours.
  local dd
  dd=$(_pg_admin_psql -At -c 'SHOW data_directory') || return 1
  if [[ "$dd" != "$PG_DATA" ]]; then
    pg_warn "server on port $PG_PORT reports data_directory=$dd, expected $PG_DATA"
    return 1
  fi

  _pg_admin_psql <<SQL || return 1
CREATE ROLE ${PG_TEST_ROLE} WITH LOGIN SUPERUSER;
CREATE DATABASE ${PG_TEST_DB} OWNER ${PG_TEST_ROLE};
SQL
  local url="postgres://${PG_TEST_ROLE}@127.0.0.1:${PG_PORT}/${PG_TEST_DB}"
  local smoke
  smoke=$(_pg_psql -X -At "$url" -c \
    "SELECT current_user || ' @ ' || current_database() || ', ' || split_part(version(), ' on ', 1)") || return 1
  pg_info "smoke check (psql): $smoke"
  PG_TEST_URL=$url
  pg_info "URL: $PG_TEST_URL"
}

_pg_stop_server() {
  [[ $PG_STARTED -eq 1 && -n "$PG_DATA" ]] || return 0
  if [[ -f "$PG_DATA/postmaster.pid" ]]; then
    _pg_as_owner "$PG_BINDIR_USED/pg_ctl" --pgdata="$PG_DATA" --mode=fast --wait --timeout=30 \
      --silent stop >/dev/null 2>&1 ||
    _pg_as_owner "$PG_BINDIR_USED/pg_ctl" --pgdata="$PG_DATA" --mode=immediate --wait --timeout=30 \
      --silent stop >/dev/null 2>&1 || {
      local pid
      pid=$(head -n1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)
      [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null
    }
  fi
  PG_STARTED=0
}

# Print the last N lines of the server log (default 40), if there is one.
pg_log_tail() {
  [[ -n "$PG_LOG" && -f "$PG_LOG" ]] && tail -n "${1:-40}" "$PG_LOG"
  return 0
}

# Stop the server (if running) and delete the temp dir. Idempotent; safe to
# call from an EXIT trap. Prints what it did.
pg_stop() {
  if [[ $PG_STARTED -eq 1 ]]; then
    _pg_stop_server
    pg_info "PostgreSQL stopped"
  fi
  if [[ -n "$PG_TMP" ]]; then
    rm -rf -- "$PG_TMP"
    pg_info "removed $PG_TMP"
    PG_TMP=""
  fi
  PG_TEST_URL=""
  return 0
}

# ---------------------------------------------------------------------------
# command-line use

_pg_main() {
  set -euo pipefail
  local vars=() rc=0
  while [[ $# -gt 0 ]]; do
    case $1 in
      -e) [[ $# -ge 2 ]] || { pg_warn "-e needs a variable name"; return 2; }
          vars+=("$2"); shift 2 ;;
      --) shift; break ;;
      -h|--help) sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; return 0 ;;
      -*) pg_warn "unknown option $1 (try --help)"; return 2 ;;
      *) break ;;
    esac
  done
  [[ $# -gt 0 ]] || { pg_warn "usage: $0 [-e VAR]... [--] COMMAND [ARG]..."; return 2; }
  [[ ${#vars[@]} -gt 0 ]] || vars=(TEST_DATABASE_URL)

  trap 'rc=$?; set +e; pg_stop; exit $rc' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP

  if ! pg_start; then
    pg_warn "could not start PostgreSQL"
    return 1
  fi
  local v
  for v in "${vars[@]}"; do export "$v=$PG_TEST_URL"; done
  pg_info "running: $* (with ${vars[*]} set)"
  "$@" || rc=$?
  [[ $rc -eq 0 ]] || pg_warn "command exited with status $rc"
  return "$rc"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  _pg_main "$@"
  exit $?
fi
