#!/usr/bin/env bash
# Web UI benchmark (issue 16): measured in Debian's chromium, headless, against a Release Comet started here with
# ./dev.sh start in a temporary data folder. Not a test; see docs/BENCHMARKS.md.
#
# Budgets, on an idle machine:
#   - a signed-in user's first page (the dashboard) is interactive within 1 s (navigation start to its data shown);
#     the gateway's Swagger UI page opened in the same rounds is the baseline;
#   - the JavaScript and CSS that page ships is under 250 KB compressed;
#   - a 200k-line step log opens in under 2 s and scrolls without blocking (no main-thread task over 50 ms).
# The dashboard shows PROJECTS projects, each with a finished run; one more project's run printed the 200k-line log.
#
# Usage: bench/ui.sh [rounds, default 5]      Env: PROJECTS (12), LOG_LINES (200000), BENCH_KEEP=1 keeps the folder
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-5}"
PROJECTS="${PROJECTS:-12}"
LOG_LINES="${LOG_LINES:-200000}"
for tool in jq curl git; do command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }; done
[ -x /usr/bin/chromium ] || { echo "bench: Debian's chromium is needed (apt-get install chromium)" >&2; exit 1; }

WORK="$(mktemp -d /tmp/comet-bench-ui.XXXXXX)"
export COMET_DATA_DIR="$WORK/data"
export COMET_GATEWAY_PORT="${COMET_GATEWAY_PORT:-18580}"
export COMET_ORCHESTRATOR_PORT="${COMET_ORCHESTRATOR_PORT:-15580}"
PASSWORD="Bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export COMET_BOOTSTRAP_ADMIN="admin:$PASSWORD"
GW="http://127.0.0.1:$COMET_GATEWAY_PORT"
cleanup() { "$ROOT/dev.sh" stop >/dev/null 2>&1 || true; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT

"$ROOT/dev.sh" start >/dev/null
TOKEN="$(curl -fsS -X POST "$GW/auth/login" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg p "$PASSWORD" '{username: "admin", password: $p}')" | jq -r .accessToken)"
AUTH="Authorization: Bearer $TOKEN"

# repo NAME PIPELINE: a real git repository with that .comet.yml; prints its path.
repo() {
  local dir="$WORK/repos/$1"
  git init -q -b main "$dir"
  printf '%s\n' "$2" >"$dir/.comet.yml"
  git -C "$dir" add . && git -C "$dir" -c user.name=Bench -c user.email=bench@example.com commit -qm "Benchmark commit for $1"
  printf '%s' "$dir"
}

# project NAME PIPELINE: registers it and starts a manual run; prints the run id.
project() {
  local dir slug
  dir="$(repo "$1" "$2")"
  slug="$(curl -fsS -X POST "$GW/api/v1/projects" -H "$AUTH" -H 'Content-Type: application/json' \
    -d "$(jq -n --arg n "$1" --arg u "file://$dir" '{name: $n, repoUrl: $u}')" | jq -r .slug)"
  curl -fsS -X POST "$GW/api/v1/projects/$slug/runs" -H "$AUTH" -H 'Content-Type: application/json' -d '{}' | jq -r .id
}

wait_run() {
  local status
  for _ in $(seq 1 600); do
    status="$(curl -fsS -H "$AUTH" "$GW/api/v1/runs/$1" | jq -r .status)"
    case "$status" in success|failed|cancelled|error) return 0 ;; esac
    sleep 0.5
  done
  echo "bench: run $1 did not finish" >&2; exit 1
}

echo "Seeding $PROJECTS projects and a $LOG_LINES-line log..." >&2
runs=()
for i in $(seq 1 "$PROJECTS"); do
  runs+=("$(project "service-$i" $'jobs:\n  build:\n    steps:\n      - run: echo build '"$i")")
done
BIG="$(project big-log "jobs:
  print:
    steps:
      - run: |
          awk 'BEGIN { for (i = 1; i <= $LOG_LINES; i++) if (i % 100 == 0) printf \"\\033[32mline %d: ok\\033[0m\\n\", i; else printf \"line %d of the big log: the quick brown fox jumps over the lazy dog\\n\", i }'")"
for run in "${runs[@]}" "$BIG"; do wait_run "$run"; done
JOB="$(curl -fsS -H "$AUTH" "$GW/api/v1/runs/$BIG" | jq -r '.jobs[0].id')"
LOG_URL="/runs/$BIG?job=$JOB"

dotnet build "$ROOT/bench/ui" -c Release -nologo -v quiet >/dev/null
dotnet "$ROOT/bench/ui/bin/Release/net10.0/comet-ui-bench.dll" "$GW" admin "$PASSWORD" "${BENCH_LOG_URL:-$LOG_URL}" "$ROUNDS"
