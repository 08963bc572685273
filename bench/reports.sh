#!/usr/bin/env bash
# Report collection benchmark: what reading and storing a job's test and coverage reports costs. Not a test; see
# docs/BENCHMARKS.md.
#
# Two projects run the same job in the same Comet: a step that writes a JUnit report of CASES test cases (one in
# twenty failing, with a stack trace) and a Cobertura report of 300 files. One project's job declares
# `reports: {junit, coverage}`, the other's does not: the difference of their job durations is the collection,
# measured in one run, interleaved, medians. Also the orchestrator's peak memory (VmHWM) at the end.
#
# Usage: bench/reports.sh [iterations, default 5]   (CASES=20000 by default)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ITERATIONS="${1:-5}"
CASES="${CASES:-20000}"
# shellcheck source=../scripts/comet-sign-in.sh
. "$ROOT/scripts/comet-sign-in.sh"

for tool in jq curl git; do command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }; done

WORK="$(mktemp -d /tmp/comet-bench-reports.XXXXXX)"
export COMET_DATA_DIR="$WORK/data"
export COMET_GATEWAY_PORT="${COMET_GATEWAY_PORT:-18480}"
export COMET_ORCHESTRATOR_PORT="${COMET_ORCHESTRATOR_PORT:-15480}"
export Runner__MaxParallelJobs=1
GW="http://127.0.0.1:$COMET_GATEWAY_PORT"
cleanup() { "$ROOT/dev.sh" stop >/dev/null 2>&1 || true; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT

median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }

# make_repo NAME REPORTS(yes|no)
make_repo() {
  local repo="$WORK/$1"
  git init -q -b main "$repo"
  cat >"$repo/gen.py" <<'PY'
import os, sys
cases = int(sys.argv[1])
os.makedirs("reports", exist_ok=True)
stack = "Traceback (most recent call last):\n" + "  File \"tests/test_load.py\", line 12, in test_case\n" * 6 + "AssertionError: expected 1, got 2"
with open("reports/junit.xml", "w") as out:
    out.write('<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="pytest" tests="%d">\n' % cases)
    for i in range(cases):
        out.write('<testcase classname="tests.test_load.Module%d" name="test_case_%d" time="0.%03d">' % (i % 50, i, i % 1000))
        if i % 20 == 0:
            out.write('<failure message="AssertionError: expected 1, got 2">%s</failure>' % stack)
        out.write('</testcase>\n')
    out.write('</testsuite></testsuites>\n')
with open("coverage.xml", "w") as out:
    out.write('<?xml version="1.0" ?>\n<coverage version="6.5.0" line-rate="0.75" branch-rate="0"><packages><package name="app"><classes>\n')
    for f in range(300):
        out.write('<class name="m%d.py" filename="app/m%d.py"><lines>' % (f, f))
        for line in range(1, 41):
            out.write('<line number="%d" hits="%d"/>' % (line, 1 if line % 4 else 0))
        out.write('</lines></class>\n')
    out.write('</classes></package></packages></coverage>\n')
PY
  {
    echo "jobs:"
    echo "  test:"
    echo "    steps:"
    echo "      - run: /usr/bin/python3 gen.py $CASES"
    if [ "$2" = yes ]; then
      echo "    reports:"
      echo "      junit: [reports/junit.xml]"
      echo "      coverage: [coverage.xml]"
    fi
  } >"$repo/.comet.yml"
  git -C "$repo" add . && git -C "$repo" -c user.name=b -c user.email=b@b commit -qm bench
  printf '%s' "$repo"
}

register() {
  curl -fsS -X POST "$GW/api/v1/projects" -H "$COMET_AUTH" -H 'Content-Type: application/json' \
    -d "$(jq -n --arg name "bench reports $(basename "$1") $RANDOM" --arg url "file://$1" '{name: $name, repoUrl: $url}')" | jq -r .slug
}

# job_ms SLUG -> the job's duration in ms (finishedAt - startedAt, as the orchestrator recorded them)
job_ms() {
  local run body status
  run="$(curl -fsS -X POST "$GW/api/v1/projects/$1/runs" -H "$COMET_AUTH" -H 'Content-Type: application/json' -d '{}' | jq -r .id)"
  while :; do
    body="$(curl -fsS -H "$COMET_AUTH" "$GW/api/v1/runs/$run")"
    status="$(jq -r .status <<<"$body")"
    case "$status" in success|failed|error|cancelled) break ;; esac
    sleep 0.5
  done
  [ "$status" = success ] || { echo "bench: run $run ended $status: $(jq -c . <<<"$body")" >&2; exit 1; }
  [ "$(jq '.jobs[0].warnings | length' <<<"$body")" = 0 ] || { echo "bench: warnings: $(jq -c '.jobs[0].warnings' <<<"$body")" >&2; exit 1; }
  jq -r '.jobs[0] | [.startedAt, .finishedAt] | @tsv' <<<"$body" | while IFS=$'\t' read -r started finished; do
    echo $(( ($(date -d "$finished" +%s%N) - $(date -d "$started" +%s%N)) / 1000000 ))
  done
}

echo "Starting Comet (data in $WORK)..."
"$ROOT/dev.sh" start >/dev/null
comet_sign_in "$GW" "$COMET_DATA_DIR"

with_reports="$(register "$(make_repo with yes)")"
without_reports="$(register "$(make_repo without no)")"

# Warm-up: JIT, first mirror, connection pools.
job_ms "$with_reports" >/dev/null
job_ms "$without_reports" >/dev/null

declare -a with without
for ((n = 1; n <= ITERATIONS; n++)); do
  with+=("$(job_ms "$with_reports")")
  without+=("$(job_ms "$without_reports")")
  echo "  iteration $n/$ITERATIONS: with reports ${with[-1]} ms, without ${without[-1]} ms"
done
# stored_cases SLUG -> how many cases the project's latest run stored
stored_cases() {
  local run
  run="$(curl -fsS -H "$COMET_AUTH" "$GW/api/v1/projects/$1/runs?pageSize=1" | jq -r '.items[0].id')"
  curl -fsS -H "$COMET_AUTH" "$GW/api/v1/runs/$run/tests?limit=1" | jq .totals.tests
}
check="$(stored_cases "$without_reports")"
[ "$check" = 0 ] || { echo "bench: the job without reports stored $check cases" >&2; exit 1; }
stored="$(stored_cases "$with_reports")"

pid="$(cat "$COMET_DATA_DIR/run/orchestrator.pid" 2>/dev/null || true)"
hwm="$( [ -n "$pid" ] && awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || echo "?")"

mw="$(printf '%s\n' "${with[@]}" | median)"; mo="$(printf '%s\n' "${without[@]}" | median)"
echo
echo "Medians of $ITERATIONS iterations, $CASES cases per report ($stored stored per run), $(nproc) cores, $(date -u +%Y-%m-%d):"
printf '%-40s %10s\n' "job with reports (ms)" "$mw"
printf '%-40s %10s\n' "same job without reports (ms)" "$mo"
printf '%-40s %10s\n' "ratio" "$(awk -v a="$mw" -v b="$mo" 'BEGIN {printf "%.2f", a / b}')"
printf '%-40s %10s\n' "collection (ms)" "$(awk -v a="$mw" -v b="$mo" 'BEGIN {printf "%.0f", a - b}')"
printf '%-40s %10s\n' "per 1000 cases (ms)" "$(awk -v a="$mw" -v b="$mo" -v c="$CASES" 'BEGIN {printf "%.1f", (a - b) / c * 1000}')"
printf '%-40s %10s\n' "orchestrator peak RSS (MB)" "$hwm"
