#!/usr/bin/env bash
# Static checks of the deployment files, for CI machines without a Docker engine:
#   - docker-compose.yml is valid (docker-compose config), and refuses to start without
#     BOOTSTRAP_ADMIN_PASSWORD;
#   - the Dockerfile builds with the npm scripts CI runs, runs as `node`, and its runtime stage
#     gets production dependencies only;
#   - hadolint, when installed, finds nothing.
# Installs Debian's docker-compose when it is missing (it validates without an engine).
# Exits non-zero when any check fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

failures=0
pass() { echo "ok   - $*"; }
fail() {
  echo "FAIL - $*" >&2
  failures=$((failures + 1))
}

DOCKERFILE=Dockerfile
COMPOSE_FILE=docker-compose.yml
[[ -f $DOCKERFILE ]] || { echo "FAIL - $DOCKERFILE is missing" >&2; exit 1; }
[[ -f $COMPOSE_FILE ]] || { echo "FAIL - $COMPOSE_FILE is missing" >&2; exit 1; }

# ---- docker-compose.yml
if ! command -v docker-compose >/dev/null; then
  echo "installing docker-compose (apt-get)" >&2
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose; } >/dev/null; then
    echo "FAIL - could not install docker-compose with apt-get" >&2
    exit 1
  fi
fi

if BOOTSTRAP_ADMIN_PASSWORD=check-deployment-dummy docker-compose -f "$COMPOSE_FILE" config -q; then
  pass "$COMPOSE_FILE is valid"
else
  fail "$COMPOSE_FILE is invalid (docker-compose config)"
fi

if env -u BOOTSTRAP_ADMIN_PASSWORD docker-compose -f "$COMPOSE_FILE" config -q >/dev/null 2>&1; then
  fail "$COMPOSE_FILE must refuse to start without BOOTSTRAP_ADMIN_PASSWORD"
else
  pass "$COMPOSE_FILE refuses to start without BOOTSTRAP_ADMIN_PASSWORD"
fi

# ---- Dockerfile
# Instructions with continuation lines joined and comments dropped, one per line.
instructions="$(sed -e 's/\r$//' "$DOCKERFILE" | awk '
  /^[[:space:]]*#/ { next }
  { line = line $0 }
  /\\$/ { sub(/\\$/, "", line); next }
  { if (line ~ /[^[:space:]]/) print line; line = "" }
')"
# The runtime stage: everything from the last FROM on.
runtime="$(awk '/^[[:space:]]*FROM[[:space:]]/ { stage = "" } { stage = stage $0 "\n" } END { printf "%s", stage }' <<<"$instructions")"
# The text of the stage named $1 (FROM … AS $1).
stage_named() {
  awk -v name="$1" '
    /^[[:space:]]*FROM[[:space:]]/ { inside = (tolower($NF) == tolower(name)) && (toupper($(NF - 1)) == "AS") }
    inside { print }
  ' <<<"$instructions"
}

if grep -Eq '^[[:space:]]*RUN[[:space:]].*npm run build([[:space:]]|$|&|;)' <<<"$instructions"; then
  pass "the image is built with npm run build"
else
  fail "$DOCKERFILE does not run npm run build"
fi

if grep -Eq '^[[:space:]]*USER[[:space:]]+node[[:space:]]*$' <<<"$runtime"; then
  pass "the runtime stage runs as USER node"
else
  fail "the runtime stage does not switch to USER node"
fi

if grep -Eq '^[[:space:]]*FROM[[:space:]]+node:[^[:space:]]*slim' <<<"$runtime"; then
  pass "the runtime stage is based on a slim node image"
else
  fail "the runtime stage is not based on a slim node image"
fi

# Installs in the runtime stage itself must leave dev dependencies out.
dev_installs="$(grep -E 'npm[[:space:]]+(ci|install|i)([[:space:]]|$)' <<<"$runtime" |
  grep -Ev -- '--omit=dev|--omit dev|--production|--only=prod' || true)"
if [[ -z $dev_installs ]]; then
  pass "the runtime stage installs no dev dependencies itself"
else
  fail "the runtime stage installs dev dependencies: $dev_installs"
fi

# node_modules copied from another stage must have been pruned to production there.
copied_from="$(grep -E '^[[:space:]]*COPY[[:space:]].*--from=[^[:space:]]+.*node_modules' <<<"$runtime" |
  sed -E 's/.*--from=([^[:space:]]+).*/\1/' | sort -u)"
for stage in $copied_from; do
  if stage_named "$stage" | grep -Eq 'npm[[:space:]]+(prune|ci|install)[[:space:]].*(--omit=dev|--omit dev|--production)'; then
    pass "node_modules copied from stage '$stage' is pruned to production dependencies"
  else
    fail "node_modules copied from stage '$stage' still holds dev dependencies (no npm prune --omit=dev there)"
  fi
done

# Only the build output, the dependencies and package.json reach the runtime image.
other_copies="$(grep -E '^[[:space:]]*(COPY|ADD)[[:space:]]' <<<"$runtime" |
  grep -Ev '[[:space:]]/?(app/)?(dist|node_modules|package\.json)[[:space:]]' || true)"
if [[ -z $other_copies ]]; then
  pass "the runtime stage copies only dist, node_modules and package.json"
else
  fail "the runtime stage copies more than dist, node_modules and package.json: $other_copies"
fi

for setting in 'NODE_ENV=production' 'HOST=0.0.0.0' 'DATA_DIR=/data'; do
  if grep -Eq "^[[:space:]]*ENV[[:space:]].*${setting}" <<<"$runtime"; then
    pass "the runtime stage sets $setting"
  else
    fail "the runtime stage does not set $setting"
  fi
done

if grep -Eq '^[[:space:]]*HEALTHCHECK[[:space:]].*/health' <<<"$runtime"; then
  pass "the runtime stage has a HEALTHCHECK against /health"
else
  fail "the runtime stage has no HEALTHCHECK against /health"
fi

if grep -Fq 'CMD ["node", "--max-semi-space-size=32", "dist/apps/api/src/main.js"]' <<<"$runtime"; then
  pass "the runtime stage starts node dist/apps/api/src/main.js"
else
  fail "the runtime stage does not start node dist/apps/api/src/main.js"
fi

if command -v hadolint >/dev/null; then
  if hadolint "$DOCKERFILE"; then pass "hadolint"; else fail "hadolint found problems"; fi
else
  echo "skip - hadolint is not installed"
fi

if ((failures > 0)); then
  echo "$failures deployment check(s) failed" >&2
  exit 1
fi
echo "deployment checks passed"
