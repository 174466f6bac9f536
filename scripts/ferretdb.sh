#!/usr/bin/env bash
# FerretDB (SQLite backend) as the MongoDB-wire server for tests; MongoDB itself is not needed.
#
#   scripts/ferretdb.sh build   build bin/ferretdb from tools/ferretdb (skipped when up to date)
#   scripts/ferretdb.sh start   start on 127.0.0.1:${FERRETDB_PORT:-27117} with fresh state in
#                               .tmp/ferretdb, wait until it accepts connections, print the URI
#   scripts/ferretdb.sh stop    stop the server started by `start`
#   scripts/ferretdb.sh status  print the URI and exit 0 when running, exit 1 otherwise
#
# FERRETDB_PORT (default 27117) and FERRETDB_LOG_LEVEL (default error) adjust the server.
#
# Messages go to stderr, so `MONGODB_URI=$(scripts/ferretdb.sh start)` captures only the URI.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC_DIR="$ROOT/tools/ferretdb"
BIN="$ROOT/bin/ferretdb"
STATE_DIR="$ROOT/.tmp/ferretdb"
PID_FILE="$STATE_DIR/ferretdb.pid"
PORT_FILE="$STATE_DIR/ferretdb.port"
LOG_FILE="$STATE_DIR/ferretdb.log"
HOST=127.0.0.1
PORT="${FERRETDB_PORT:-27117}"
# FerretDB warns about every unimplemented command the driver sends (endSessions on each close).
LOG_LEVEL="${FERRETDB_LOG_LEVEL:-error}"
START_TIMEOUT_S=30
STOP_TIMEOUT_S=10

log() { echo "ferretdb: $*" >&2; }
die() {
  log "$*"
  exit 1
}

[[ "$PORT" =~ ^[0-9]+$ ]] && ((PORT > 0 && PORT < 65536)) ||
  die "FERRETDB_PORT must be a TCP port number, got '$PORT'"

uri() { echo "mongodb://$HOST:${1:-$PORT}/"; }

# The port the running server was started on.
running_port() { cat "$PORT_FILE" 2>/dev/null || echo "$PORT"; }

find_go() {
  if command -v go >/dev/null 2>&1; then
    command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then
    echo /usr/local/go/bin/go
  else
    die "go not found (install Go >= 1.24 or put it on PATH)"
  fi
}

# True when something accepts TCP connections on the port.
port_open() {
  timeout 1 bash -c "exec 3<>/dev/tcp/$HOST/$PORT" 2>/dev/null
}

# True while the process exists and is not a zombie (a child that died during `start` stays one
# until this script exits, and kill -0 still succeeds on it).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [[ ! -r "/proc/$1/stat" ]] || [[ "$(cut -d')' -f2 "/proc/$1/stat" | cut -d' ' -f2)" != Z ]]
}

# The pid from the pid file when that process is alive and is our binary (not a recycled pid).
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$BIN" || return 1
  fi
  echo "$pid"
}

cmd_build() {
  if [[ -x "$BIN" && "$BIN" -nt "$SRC_DIR/main.go" && "$BIN" -nt "$SRC_DIR/go.mod" &&
    "$BIN" -nt "$SRC_DIR/go.sum" ]]; then
    log "bin/ferretdb is up to date"
    return 0
  fi
  local go
  go="$(find_go)"
  mkdir -p "$(dirname "$BIN")"
  log "building bin/ferretdb with $("$go" version | cut -d' ' -f3) (a few minutes on a fresh machine, seconds after that)"
  local started=$SECONDS tmp="$BIN.tmp.$$"
  trap 'rm -f "$tmp"' EXIT
  # Default GOCACHE/GOMODCACHE are kept so rebuilds are incremental; the PostgreSQL backend is
  # left out (only SQLite is used), which also shortens the build.
  (cd "$SRC_DIR" && "$go" build -mod=readonly -buildvcs=false -trimpath \
    -tags ferretdb_no_postgresql -o "$tmp" .)
  mv -f "$tmp" "$BIN"
  trap - EXIT
  log "built bin/ferretdb in $((SECONDS - started)) s"
}

cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    local port
    port="$(running_port)"
    [[ "$port" == "$PORT" ]] ||
      die "already running on port $port (pid $pid); run \`$0 stop\` first"
    log "already running (pid $pid)"
    uri
    return 0
  fi
  port_open && die "port $PORT is already in use by another process (set FERRETDB_PORT)"
  cmd_build

  rm -rf "$STATE_DIR"
  mkdir -p "$STATE_DIR/data"
  nohup "$BIN" -listen "$HOST:$PORT" -state-dir "$STATE_DIR/data" -log-level "$LOG_LEVEL" \
    </dev/null >"$LOG_FILE" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"
  echo "$PORT" >"$PORT_FILE"

  local deadline=$((SECONDS + START_TIMEOUT_S))
  until port_open; do
    if ! alive "$pid"; then
      rm -f "$PID_FILE" "$PORT_FILE"
      tail -n 20 "$LOG_FILE" >&2 || true
      die "exited during start-up (log: ${LOG_FILE#"$ROOT"/})"
    fi
    if ((SECONDS >= deadline)); then
      kill "$pid" 2>/dev/null || true
      rm -f "$PID_FILE" "$PORT_FILE"
      tail -n 20 "$LOG_FILE" >&2 || true
      die "not accepting connections on $HOST:$PORT after ${START_TIMEOUT_S} s"
    fi
    sleep 0.2
  done
  log "started (pid $pid, log ${LOG_FILE#"$ROOT"/})"
  uri
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE" "$PORT_FILE"
    log "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT_S))
  while alive "$pid"; do
    if ((SECONDS >= deadline)); then
      log "did not stop within ${STOP_TIMEOUT_S} s; killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  rm -f "$PID_FILE" "$PORT_FILE"
  log "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    log "running (pid $pid)"
    uri "$(running_port)"
  else
    log "not running"
    return 1
  fi
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 {build|start|stop|status}" >&2
    exit 2
    ;;
esac
