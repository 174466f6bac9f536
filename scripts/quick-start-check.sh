#!/usr/bin/env bash
# The README's quick start, to the letter, on this checkout (CI runs it right after `npm ci` on
# a fresh clone): `npm start` with nothing configured but a scratch DATA_DIR and a free PORT,
# then
#   - GET /               serves the web UI's HTML,
#   - GET /api/docs-json  serves the OpenAPI document,
#   - the printed one-time password signs the administrator in, who must set a new one first,
#   - `npm run cli -- --help` works.
# The server is always stopped (its whole process group: npm, sh and node), pass or fail.
# Exits non-zero on any miss.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

START_TIMEOUT_S="${QUICK_START_TIMEOUT_S:-600}"
DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/pat-quick-start-XXXXXX")"
OUTPUT="$DATA_DIR/npm-start.log"
PORT="$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
BASE="http://127.0.0.1:$PORT"
server=""

fail() {
  echo "FAIL - quick start: $*" >&2
  echo "---- npm start output (last 40 lines)" >&2
  tail -n 40 "$OUTPUT" >&2 || true
  exit 1
}

stop_server() {
  if [[ -n $server ]] && kill -0 "$server" 2>/dev/null; then
    # setsid made the server the leader of its own group: end npm, sh and node together.
    kill -TERM -- "-$server" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$server" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$server" 2>/dev/null || true
  fi
  rm -rf "$DATA_DIR"
}
trap stop_server EXIT

echo "quick start: npm start (PORT=$PORT, DATA_DIR=$DATA_DIR)"
# The defaults a new user has: embedded stores, no configured administrator password.
env -u EVENTSTORE_CONNECTION_STRING -u MONGODB_URI -u BOOTSTRAP_ADMIN_PASSWORD \
  -u BOOTSTRAP_ADMIN_USERNAME -u HOST PORT="$PORT" DATA_DIR="$DATA_DIR/data" \
  setsid npm start >"$OUTPUT" 2>&1 &
server=$!

deadline=$((SECONDS + START_TIMEOUT_S))
until node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$BASE/health"; do
  kill -0 "$server" 2>/dev/null || fail "npm start exited before serving"
  ((SECONDS < deadline)) || fail "nothing served on $BASE within ${START_TIMEOUT_S}s"
  sleep 1
done
echo "ok   - npm start serves on $BASE"

# Each check is one node script: it prints what it found and exits non-zero on a miss.
check() {
  local what="$1"
  shift
  if node -e "$1" "$BASE" "$OUTPUT"; then echo "ok   - $what"; else fail "$what"; fi
}

check "GET / serves the web UI's HTML" '
  const [base] = process.argv.slice(1);
  fetch(base + "/").then(async (r) => {
    const body = await r.text();
    const type = r.headers.get("content-type") ?? "";
    if (r.status !== 200 || !type.startsWith("text/html") || !body.includes("<div id=\"app\">")) {
      console.error(`GET / answered ${r.status} ${type}: ${body.slice(0, 200)}`);
      process.exit(1);
    }
  }, (e) => { console.error(e.message); process.exit(1); });'

check "GET /api/docs-json serves the OpenAPI document" '
  const [base] = process.argv.slice(1);
  fetch(base + "/api/docs-json").then(async (r) => {
    const doc = await r.json().catch(() => ({}));
    if (r.status !== 200 || typeof doc.openapi !== "string" || !doc.paths || !doc.paths["/api/v1/me"]) {
      console.error(`GET /api/docs-json answered ${r.status} without an OpenAPI document`);
      process.exit(1);
    }
  }, (e) => { console.error(e.message); process.exit(1); });'

check "the printed one-time password signs in, and must be changed first" '
  const [base, output] = process.argv.slice(1);
  const text = require("node:fs").readFileSync(output, "utf8");
  const password = /one-time password: (\S+)/.exec(text)?.[1];
  if (!password) { console.error("no one-time password printed"); process.exit(1); }
  (async () => {
    const login = await fetch(base + "/api/v1/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "admin", password }),
    });
    if (login.status !== 200) throw new Error(`sign-in answered ${login.status}`);
    const cookie = login.headers.get("set-cookie").split(";")[0];
    const me = await (await fetch(base + "/api/v1/me", { headers: { cookie } })).json();
    if (me.passwordChangeRequired !== true) throw new Error("GET /me does not ask for a new password");
    const tokens = await fetch(base + "/api/v1/me/tokens", { headers: { cookie } });
    const body = await tokens.json();
    if (tokens.status !== 403 || body.error !== "password_change_required") {
      throw new Error(`GET /api/v1/me/tokens answered ${tokens.status} ${JSON.stringify(body)}`);
    }
  })().catch((e) => { console.error(e.message); process.exit(1); });'

cli_output="$(npm run --silent cli -- --help 2>&1)" || fail "npm run cli -- --help exited non-zero: $cli_output"
grep -q 'reset-password' <<<"$cli_output" || fail "npm run cli -- --help does not list the commands: $cli_output"
echo "ok   - npm run cli -- --help"

echo "quick start: all checks passed"
