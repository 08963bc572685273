#!/usr/bin/env bash
# Comet's developer entry point: ./dev.sh start | stop | status | logs | test | demo | reset-admin [user] | clean
# Honours COMET_DATA_DIR (default ./.comet), COMET_GATEWAY_PORT (8080), COMET_ORCHESTRATOR_PORT (5080)
# and COMET_CONFIGURATION (Release for start, Debug for test).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA_DIR="${COMET_DATA_DIR:-$ROOT/.comet}"
# For the server's user only: it holds the database, signing keys and logs (an existing folder keeps its mode).
[ -d "$DATA_DIR" ] || mkdir -p -m 700 "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
GATEWAY_PORT="${COMET_GATEWAY_PORT:-8080}"
ORCHESTRATOR_PORT="${COMET_ORCHESTRATOR_PORT:-5080}"
RUN_DIR="$DATA_DIR/run"
LOG_DIR="$DATA_DIR/logs"
HOSTS=(Orchestrator Gateway)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# MSBuild worker nodes outliving the build would hold the CI job open and keep files busy.
export MSBUILDDISABLENODEREUSE=1

say() { printf '%s\n' "$*"; }
die() { printf 'dev.sh: %s\n' "$*" >&2; exit 1; }

lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }
pid_file() { printf '%s/%s.pid' "$RUN_DIR" "$(lower "$1")"; }
port_of() { if [ "$1" = Gateway ]; then printf '%s' "$GATEWAY_PORT"; else printf '%s' "$ORCHESTRATOR_PORT"; fi; }

running_pid() { # prints the pid of a host started by this data folder, if it is alive
  local file; file="$(pid_file "$1")"
  [ -f "$file" ] || return 1
  local pid; pid="$(cat "$file")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then printf '%s' "$pid"; return 0; fi
  rm -f "$file"
  return 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 40000 ))
    port_in_use "$port" || { printf '%s' "$port"; return 0; }
  done
  die "no free loopback port found"
}

# ---------------------------------------------------------------- build

build_stamp() { printf '%s/src/%s/bin/%s/.comet-built' "$ROOT" "$1" "$CONFIGURATION"; }

needs_build() {
  local stamp; stamp="$(build_stamp "$1")"
  [ -f "$stamp" ] || return 0
  [ -n "$(find "$ROOT/src" "$ROOT/Directory.Build.props" "$ROOT/Directory.Packages.props" \
      \( -name bin -o -name obj -o -name node_modules \) -prune -o -type f -newer "$stamp" -print -quit)" ]
}

# The web UI (src/Web) is built into src/Web/dist, which the gateway's build copies to its wwwroot. It is rebuilt
# only when a hash of its sources and lockfile changed, so a start with the UI unchanged runs no npm at all.
WEB="$ROOT/src/Web"
web_source_hash() {
  (cd "$WEB" && find . \( -name node_modules -o -name dist -o -name .test-build \) -prune -o -type f ! -name .dist-source-hash ! -name .build.log -print \
    | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-64)
}

ensure_node() {
  local version
  version="$(node --version 2>/dev/null | tr -d v)" || version=""
  if [ -z "$version" ] || ! command -v npm >/dev/null; then
    say "Installing Node.js and npm with apt-get (they build the web UI)..."
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
    version="$(node --version | tr -d v)"
  fi
  # Vite 7 needs Node.js 20.19 or newer.
  printf '%s\n20.19.0\n' "$version" | sort -V -C -r 2>/dev/null \
    || die "Node.js $version is too old to build the web UI: 20.19 or newer is needed (https://nodejs.org)"
}

build_web() {
  [ -f "$WEB/package.json" ] || return 0
  local hash; hash="$(web_source_hash)"
  if [ -f "$WEB/dist/index.html" ] && [ "$(cat "$WEB/.dist-source-hash" 2>/dev/null)" = "$hash" ]; then return 0; fi
  ensure_node
  say "Building the web UI..."
  if [ ! -d "$WEB/node_modules" ] || [ "$WEB/package-lock.json" -nt "$WEB/node_modules/.package-lock.json" ]; then
    (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in src/Web failed"
  fi
  (cd "$WEB" && npm run --silent build >"$WEB/.build.log" 2>&1) || { cat "$WEB/.build.log" >&2; die "the web UI's build failed"; }
  printf '%s' "$hash" >"$WEB/.dist-source-hash"
}

build_hosts() {
  local host
  for host in "${HOSTS[@]}"; do
    if needs_build "$host"; then
      say "Building $host ($CONFIGURATION)..."
      dotnet build "$ROOT/src/$host/$host.csproj" -c "$CONFIGURATION" -nologo -v quiet -nodeReuse:false \
        || die "the build of $host failed"
      touch "$(build_stamp "$host")"
    fi
  done
}

# ---------------------------------------------------------------- start / stop

start_host() {
  local host="$1" port dll log
  port="$(port_of "$host")"
  dll="$ROOT/src/$host/bin/$CONFIGURATION/net10.0/Comet.$host.dll"
  log="$LOG_DIR/$(lower "$host").console.log"
  port_in_use "$port" && die "port $port is already in use; set COMET_$(printf '%s' "$host" | tr '[:lower:]' '[:upper:]')_PORT to another port"
  # setsid: the host gets its own session, so it survives this shell and a stop can end its whole group.
  # The gateway reads the route file in the repository, so edits to it take effect while it runs.
  # Only the orchestrator needs the first admin's password: the gateway starts without it in its environment.
  local launch=(setsid)
  [ "$host" = Gateway ] && launch=(env -u COMET_BOOTSTRAP_ADMIN setsid)
  COMET_DATA_DIR="$DATA_DIR" COMET_GATEWAY_PORT="$GATEWAY_PORT" COMET_ORCHESTRATOR_PORT="$ORCHESTRATOR_PORT" \
    Gateway__RouteFile="${Gateway__RouteFile:-$ROOT/src/Gateway/gateway.json}" \
    "${launch[@]}" dotnet "$dll" >"$log" 2>&1 </dev/null &
  printf '%s' "$!" >"$(pid_file "$host")"
}

wait_ready() { # host: waits until the host answers /health/ready on its own port
  local host="$1" url="http://127.0.0.1:$(port_of "$1")/health/ready"
  for _ in $(seq 1 240); do
    if ! running_pid "$host" >/dev/null; then
      say "The $host exited during start-up. Last lines of its output:" >&2
      tail -n 20 "$LOG_DIR/$(lower "$host").console.log" >&2 || true
      cmd_stop >/dev/null
      exit 1
    fi
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    sleep 0.25
  done
  cmd_stop >/dev/null
  die "the $host did not become ready within 60 s (see $LOG_DIR)"
}

cmd_start() {
  CONFIGURATION="${COMET_CONFIGURATION:-Release}"
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  local host pid all_running=1
  for host in "${HOSTS[@]}"; do running_pid "$host" >/dev/null || all_running=0; done
  if [ "$all_running" = 1 ]; then
    say "Comet is already running (orchestrator pid $(running_pid Orchestrator), gateway pid $(running_pid Gateway))."
    print_urls
    return 0
  fi
  command -v dotnet >/dev/null || die "the .NET SDK 10 (dotnet) is needed: https://dot.net"
  ensure_sandbox
  build_web
  build_hosts
  # One after the other: the gateway's readiness is the orchestrator's, seen through it.
  for host in "${HOSTS[@]}"; do
    pid="$(running_pid "$host")" || start_host "$host"
    wait_ready "$host"
  done
  say "Comet is running. Data folder: $DATA_DIR"
  print_urls
  print_first_admin
}

# On the first start without COMET_BOOTSTRAP_ADMIN the orchestrator makes an admin with a random password and
# writes it to a file only its owner can read; show it here once.
print_first_admin() {
  local file="$DATA_DIR/initial-admin-password" shown="$RUN_DIR/initial-admin-password.shown"
  [ -f "$file" ] && [ ! -f "$shown" ] || return 0
  say "  First start: sign in as 'admin' with the password $(cat "$file") (kept in $file)"
  touch "$shown"
}

print_urls() {
  say "  Gateway:      http://127.0.0.1:$GATEWAY_PORT"
  [ -f "$WEB/dist/index.html" ] && say "  Web UI:       http://127.0.0.1:$GATEWAY_PORT/"
  say "  Swagger UI:   http://127.0.0.1:$GATEWAY_PORT/swagger"
  say "  Health:       http://127.0.0.1:$GATEWAY_PORT/health/ready"
  say "  Metrics:      http://127.0.0.1:$GATEWAY_PORT/metrics"
  say "  Routes:       ${Gateway__RouteFile:-$ROOT/src/Gateway/gateway.json} (edits apply while running)"
  say "  Orchestrator: http://127.0.0.1:$ORCHESTRATOR_PORT (direct)"
}

stop_host() {
  local host="$1" pid
  pid="$(running_pid "$host")" || return 0
  # The host leads its own process group (setsid): signal the group so nothing it started is left.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 80); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$host (pid $pid) did not stop within 20 s; killing it."
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$(pid_file "$host")"
  say "Stopped $host (pid $pid)."
}

cmd_stop() {
  local host
  # Gateway first, so no request reaches an orchestrator that is going away.
  for host in Gateway Orchestrator; do stop_host "$host"; done
  say "Comet is stopped."
}

cmd_status() {
  local host pid
  for host in "${HOSTS[@]}"; do
    if pid="$(running_pid "$host")"; then
      say "$host: running (pid $pid, http://127.0.0.1:$(port_of "$host"))"
    else
      say "$host: stopped"
    fi
  done
  if curl -fsS --max-time 2 "http://127.0.0.1:$GATEWAY_PORT/health/ready" 2>/dev/null; then echo; fi
}

cmd_logs() {
  local files=("$LOG_DIR/orchestrator.log" "$LOG_DIR/gateway.log")
  [ -e "${files[0]}" ] || [ -e "${files[1]}" ] || die "no logs yet in $LOG_DIR (start Comet first)"
  if [ -t 1 ]; then tail -n 100 -F "${files[@]}"; else tail -n 100 "${files[@]}" 2>/dev/null; fi
}

cmd_clean() {
  cmd_stop
  say "Removing $DATA_DIR and the build outputs."
  rm -rf "$DATA_DIR"
  find "$ROOT/src" "$ROOT/tests" -maxdepth 2 -type d \( -name bin -o -name obj \) -exec rm -rf {} +
}

# ---------------------------------------------------------------- test

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

postgres_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

install_missing_packages() {
  local missing=()
  command -v git >/dev/null || missing+=(git)
  command -v curl >/dev/null || missing+=(curl)
  [ -n "$(postgres_bin)" ] && [ -x "$(postgres_bin)/initdb" ] || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  # The end-to-end report tests run a real Python test suite (pytest) under coverage.py with Debian's python3.
  /usr/bin/python3 -c 'import pytest' 2>/dev/null || missing+=(python3-pytest)
  /usr/bin/python3 -c 'import coverage' 2>/dev/null || missing+=(python3-coverage)
  # The README walkthrough test runs the README's commands as written: they use jq, and openssl signs the push.
  command -v jq >/dev/null || missing+=(jq)
  command -v openssl >/dev/null || missing+=(openssl)
  # The metrics tests pipe both hosts' /metrics to Prometheus's own checker, promtool (Debian ships it with prometheus).
  command -v promtool >/dev/null || missing+=(prometheus)
  # The browser tests drive Debian's chromium through Playwright; Playwright never downloads a browser of its own.
  command -v chromium >/dev/null || missing+=(chromium)
  [ "${#missing[@]}" = 0 ] && return 0
  say "Installing ${missing[*]} with apt-get..."
  # The prometheus (and postgresql, redis) packages start a server when they can; forbid starting services for the
  # length of the install (the standard policy-rc.d way) unless already forbidden: the tests start their own.
  local made_policy=0 status=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  { as_root apt-get update -qq \
      && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } \
    || status=$?
  [ "$made_policy" = 0 ] || as_root rm -f /usr/sbin/policy-rc.d
  [ "$status" = 0 ] || die "apt-get could not install ${missing[*]}"
}

# Steps run in a bubblewrap sandbox (Runner:Backend=sandbox, the default) as an unprivileged account that owns
# nothing of the server's. Installs bwrap and makes the account when they are missing (skipped for Runner__Backend=local).
SANDBOX_USER="${Runner__SandboxUser:-comet-runner}"
ensure_sandbox() {
  [ "${Runner__Backend:-sandbox}" = sandbox ] || return 0
  if [ ! -x /usr/bin/bwrap ]; then
    say "Installing bubblewrap with apt-get (the step sandbox)..."
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends bubblewrap >/dev/null
  fi
  if [ "$(id -u)" = 0 ] && ! id "$SANDBOX_USER" >/dev/null 2>&1; then
    say "Creating the system account $SANDBOX_USER that sandboxed steps run as..."
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$SANDBOX_USER"
  fi
}

TEST_TMP=""
PG_BIN=""
PG_AS=()

start_postgres() {
  PG_BIN="$(postgres_bin)"
  local dir="$TEST_TMP/postgres" port
  mkdir -p "$dir"
  # PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
  if [ "$(id -u)" = 0 ]; then chown postgres "$TEST_TMP" "$dir"; chmod 755 "$TEST_TMP"; PG_AS=(runuser -u postgres --); fi
  port="$(free_port)"
  "${PG_AS[@]}" "$PG_BIN/initdb" -D "$dir/data" -U comet --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=300" \
    start >/dev/null || { cat "$dir/server.log" >&2; die "PostgreSQL did not start"; }
  export COMET_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=comet;Database=postgres"
  say "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

stop_postgres() {
  [ -n "$PG_BIN" ] && [ -d "$TEST_TMP/postgres/data" ] || return 0
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$TEST_TMP/postgres/data" -m immediate -w stop >/dev/null 2>&1 || true
}

start_redis() {
  local dir="$TEST_TMP/redis" port
  mkdir -p "$dir"
  port="$(free_port)"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  for _ in $(seq 1 100); do
    [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break
    sleep 0.1
  done
  [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] || { cat "$dir/redis.log" >&2; die "Redis did not start"; }
  export COMET_TEST_REDIS="127.0.0.1:$port"
  say "Redis $(redis-server --version | awk '{print $3}' | tr -d 'v=') on 127.0.0.1:$port"
}

stop_redis() {
  local pidfile="$TEST_TMP/redis/redis.pid"
  [ -f "$pidfile" ] || return 0
  kill "$(cat "$pidfile")" 2>/dev/null || true
}

stop_test_services() {
  stop_redis
  stop_postgres
  [ -n "$TEST_TMP" ] && rm -rf "$TEST_TMP"
}

# The web UI's own unit tests (node's test runner over src/Web/tests): prints "passed failed skipped" from its summary.
web_unit_tests() {
  [ -d "$WEB/tests" ] || { printf '0 0 0\n'; return 0; }
  local output code=0
  output="$(cd "$WEB" && npm test 2>&1)" || code=$?
  printf '%s\n' "$output" | grep -E '^# (pass|fail|skipped|tests) ' >&2 || printf '%s\n' "$output" >&2
  local count; count() { printf '%s\n' "$output" | sed -n "s/^# $1 \([0-9]*\)$/\1/p" | tail -n 1; }
  local pass fail skip; pass="$(count pass)"; fail="$(count fail)"; skip="$(count skipped)"
  # No summary at all (the bundling failed) counts as one failure, never as green.
  [ -n "$pass" ] || { pass=0; fail=1; }
  [ "$code" = 0 ] || [ "${fail:-0}" != 0 ] || fail=1
  printf '%s %s %s\n' "$pass" "${fail:-0}" "${skip:-0}"
}

# Sums the counters of every TRX file: "N passed, N failed, N skipped".
summarize_trx() {
  local dir="$1" passed=0 failed=0 skipped=0 file counters value attr
  for file in "$dir"/*/*.trx; do
    [ -f "$file" ] || continue
    counters="$(grep -o '<Counters [^>]*>' "$file" | head -n 1)"
    for attr in passed failed error timeout aborted notExecuted inconclusive; do
      value="$(printf '%s' "$counters" | grep -o " $attr=\"[0-9]*\"" | grep -o '[0-9]*' || true)"
      value="${value:-0}"
      case "$attr" in
        passed) passed=$(( passed + value ));;
        failed|error|timeout|aborted) failed=$(( failed + value ));;
        notExecuted|inconclusive) skipped=$(( skipped + value ));;
      esac
    done
  done
  printf '%s %s %s\n' "$passed" "$failed" "$skipped"
}

cmd_test() {
  CONFIGURATION="${COMET_CONFIGURATION:-Debug}"
  command -v dotnet >/dev/null || die "the .NET SDK 10 (dotnet) is needed"
  install_missing_packages
  Runner__Backend=sandbox ensure_sandbox
  TEST_TMP="$(mktemp -d /tmp/comet-test.XXXXXX)"
  trap stop_test_services EXIT
  start_postgres
  start_redis

  local results="$TEST_TMP/results" status=0
  build_web
  say "Building Comet.sln ($CONFIGURATION)..."
  if dotnet build "$ROOT/Comet.sln" -c "$CONFIGURATION" -nologo -v quiet -nodeReuse:false; then
    # The end-to-end tests start the hosts through this script; the build above is the one they use.
    local host; for host in "${HOSTS[@]}"; do touch "$(build_stamp "$host")"; done
    export COMET_CONFIGURATION="$CONFIGURATION" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
    # Each test project writes its TRX into its own folder (tests/Directory.Build.props), so files
    # finishing in the same second cannot overwrite each other. The browser tests run last and alone: a browser
    # and a second Comet next to the other suites on two cores would starve their timing-sensitive tests.
    COMET_TEST_RESULTS="$results" dotnet test "$ROOT/Comet.sln" -c "$CONFIGURATION" --no-build -nologo \
      --filter "TestCategory!=Browser" --logger "trx" --logger "console;verbosity=minimal" || status=$?
    COMET_TEST_RESULTS="$results" dotnet test "$ROOT/tests/Web.Tests/Web.Tests.csproj" -c "$CONFIGURATION" --no-build -nologo \
      --logger "trx" --logger "console;verbosity=minimal" || status=$?
  else
    status=1
    say "The build failed; no test ran."
  fi

  local passed=0 failed=0 skipped=0 web_passed=0 web_failed=0 web_skipped=0
  read -r passed failed skipped < <(summarize_trx "$results") || true
  read -r web_passed web_failed web_skipped < <(web_unit_tests) || status=1
  passed=$(( passed + web_passed )); failed=$(( failed + web_failed )); skipped=$(( skipped + web_skipped ))
  # A crashed test host or a failed build must never read as green.
  if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
  stop_test_services
  trap - EXIT
  say "$passed passed, $failed failed, $skipped skipped"
  [ "$status" = 0 ] && [ "$failed" = 0 ]
}

# ---------------------------------------------------------------- demo

cmd_demo() {
  local missing=()
  for tool in git curl jq openssl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "Installing ${missing[*]} with apt-get..."
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  local gw="http://127.0.0.1:$GATEWAY_PORT"
  curl -fsS -o /dev/null --max-time 2 "$gw/health/ready" 2>/dev/null || cmd_start

  # The API needs a token: sign in as the first admin (COMET_BOOTSTRAP_ADMIN, else the generated password).
  # shellcheck source=scripts/comet-sign-in.sh
  . "$ROOT/scripts/comet-sign-in.sh"
  comet_sign_in "$gw" "$DATA_DIR" || die "the demo could not sign in"
  local auth="$COMET_AUTH"

  local dir repo sha name created slug secret answer run_id
  dir="$(mktemp -d /tmp/comet-demo.XXXXXX)"
  repo="$dir/sample-app"
  say ""
  say "1. A sample repository in $repo with this .comet.yml:"
  git init -q -b main "$repo"
  cat >"$repo/.comet.yml" <<'YAML'
variables:
  GREETING: hello from Comet
jobs:
  build:
    steps:
      - name: compile
        run: |
          echo "$GREETING, building $COMET_BRANCH at ${COMET_COMMIT_SHA:0:12}"
          for part in parser engine cli; do echo "compiling $part"; sleep 0.5; done
          mkdir -p dist && echo "sample app ${COMET_COMMIT_SHA:0:12}" > dist/app.txt
    artifacts: ["dist/**"]
  test:
    needs: [build]
    matrix:
      SUITE: [unit, integration]
    steps:
      - run: |
          echo "running the $SUITE tests"; sleep 1; mkdir -p reports
          printf '<testsuite name="%s"><testcase classname="app.%s" name="adds" time="0.01"/><testcase classname="app.%s" name="parses" time="0.02"/></testsuite>\n' \
            "$SUITE" "$SUITE" "$SUITE" > reports/junit.xml
          echo "all $SUITE tests passed"
    reports:
      junit: [reports/junit.xml]
  lint:
    allow_failure: true
    steps:
      - run: echo "style check found 1 problem"; exit 1
  package:
    needs: [build, test]
    steps:
      - run: cat dist/app.txt && echo "packaging run $COMET_RUN_NUMBER"
YAML
  sed 's/^/     /' "$repo/.comet.yml"
  echo "# sample app" >"$repo/README.md"
  git -C "$repo" add . && git -C "$repo" -c user.name=Demo -c user.email=demo@example.com commit -qm "First commit"
  sha="$(git -C "$repo" rev-parse HEAD)"

  name="Sample app $(date +%H%M%S)"
  say "2. Registering it as project \"$name\"..."
  created="$(curl -fsS -X POST "$gw/api/v1/projects" -H "$auth" -H 'Content-Type: application/json' \
    -d "$(jq -n --arg name "$name" --arg url "file://$repo" '{name: $name, repoUrl: $url, forge: "github"}')")"
  slug="$(jq -r .slug <<<"$created")"
  secret="$(jq -r .webhookSecret <<<"$created")"

  say "3. Sending a signed GitHub push webhook through the gateway..."
  # shellcheck source=scripts/github-push.sh
  . "$ROOT/scripts/github-push.sh"
  answer="$(github_push "$gw" "$slug" "$secret" "$repo" "$sha" "First commit")"
  say "   $answer"
  run_id="$(jq -r '.runId // empty' <<<"$answer")"
  [ -n "$run_id" ] || die "the webhook created no run"

  say "4. Following the build job's log live:"
  local job_id=""
  for _ in $(seq 1 100); do
    job_id="$(curl -fsS -H "$auth" "$gw/api/v1/runs/$run_id" | jq -r '.jobs[] | select(.name == "build") | .id')"
    [ -n "$job_id" ] && break
    sleep 0.1
  done
  curl -sSN -H "$auth" "$gw/api/v1/runs/$run_id/jobs/$job_id/steps/0/log?follow=true" | sed -n '/^event: end/q; s/^data: /     | /p'

  say "5. Waiting for the run to finish..."
  local run status
  for _ in $(seq 1 600); do
    run="$(curl -fsS -H "$auth" "$gw/api/v1/runs/$run_id")"
    status="$(jq -r .status <<<"$run")"
    case "$status" in success|failed|cancelled|error) break ;; esac
    sleep 0.2
  done
  say "   Run #$(jq -r .number <<<"$run") of $slug: $status"
  jq -r '.jobs[] | "     \(.status | (. + "          ")[0:10]) \(.name)\(if .allowFailure then "  (allowed to fail)" else "" end)"' <<<"$run"
  say "   Tests: $(curl -fsS -H "$auth" "$gw/api/v1/runs/$run_id/tests" | jq -r '.totals | "\(.passed) passed, \(.failed + .errors) failed, \(.skipped) skipped"')"
  say "   Artifacts: $(curl -fsS -H "$auth" "$gw/api/v1/runs/$run_id/artifacts" | jq -r '[.items[] | "\(.path) (\(.size) bytes, from \(.jobName))"] | join(", ")')"
  say ""
  say "   Signed in as $COMET_USER; with a token from POST $gw/auth/login:"
  say "   The run:  curl -H 'Authorization: Bearer <token>' $gw/api/v1/runs/$run_id"
  say "   Its logs: curl -H 'Authorization: Bearer <token>' $gw/api/v1/runs/$run_id/jobs/<jobId>/steps/0/log"
  rm -rf "$dir"
  [ "$status" = success ]
}

# A new one-time password for an account of this data folder's instance (default: admin), whether Comet runs or not:
# the orchestrator binary opens the database the data folder remembers, sets it, prints it and exits.
cmd_reset_admin() {
  CONFIGURATION="${COMET_CONFIGURATION:-Release}"
  command -v dotnet >/dev/null || die "the .NET SDK 10 (dotnet) is needed: https://dot.net"
  local HOSTS=(Orchestrator)
  build_hosts >&2
  COMET_DATA_DIR="$DATA_DIR" dotnet "$ROOT/src/Orchestrator/bin/$CONFIGURATION/net10.0/Comet.Orchestrator.dll" reset-admin "$@"
}

usage() {
  cat <<EOF
Usage: ./dev.sh <command>
  start    build if needed and start the orchestrator (:$ORCHESTRATOR_PORT) and gateway (:$GATEWAY_PORT) in the background
  stop     stop both
  status   show whether they run and whether they are ready
  logs     show (and, on a terminal, follow) the structured logs
  test     install what is missing, start PostgreSQL and Redis, run every test, print the summary
  demo     with Comet running (started if not): a sample repository, a signed push webhook, live logs, the result
  reset-admin [USER]  print a new one-time password for USER (default admin) of this data folder's instance
  clean    stop, then remove the data folder ($DATA_DIR) and the build outputs
EOF
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  logs) cmd_logs ;;
  test) cmd_test ;;
  demo) cmd_demo ;;
  reset-admin) shift; cmd_reset_admin "$@" ;;
  clean) cmd_clean ;;
  -h|--help|help|"") usage ;;
  *) usage >&2; exit 2 ;;
esac
