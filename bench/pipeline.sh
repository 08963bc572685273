#!/usr/bin/env bash
# Pipeline latency benchmark: Comet against a bash baseline doing the same work on the same machine,
# in one run, so machine noise hits both. Not a test; see docs/BENCHMARKS.md.
#
#   (a) webhook sent            -> first step's process running
#   (b) webhook sent            -> a 10-step `true` pipeline finished (the run's finishedAt)
#   (c) 100 trivial steps in one job, per-step cost
#
# Baseline: clone the same local repository, check out the commit, run the same commands with
# `bash -eo pipefail -c`. Usage: bench/pipeline.sh [iterations, default 7]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ITERATIONS="${1:-7}"
# shellcheck source=../scripts/github-push.sh
. "$ROOT/scripts/github-push.sh"
# shellcheck source=../scripts/comet-sign-in.sh
. "$ROOT/scripts/comet-sign-in.sh"

for tool in jq openssl curl git; do command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }; done

WORK="$(mktemp -d /tmp/comet-bench.XXXXXX)"
export COMET_DATA_DIR="$WORK/data"
export COMET_GATEWAY_PORT="${COMET_GATEWAY_PORT:-18380}"
export COMET_ORCHESTRATOR_PORT="${COMET_ORCHESTRATOR_PORT:-15380}"
export Runner__MaxParallelJobs=1
GW="http://127.0.0.1:$COMET_GATEWAY_PORT"
cleanup() { "$ROOT/dev.sh" stop >/dev/null 2>&1 || true; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }
ms() { awk -v ns="$1" 'BEGIN {printf "%.1f", ns / 1e6}'; }

# make_repo NAME STEPS: a repository whose one job has STEPS steps; the first writes a timestamp.
make_repo() {
  local repo="$WORK/$1" steps="$2" i
  git init -q -b main "$repo"
  {
    echo "jobs:"
    echo "  work:"
    echo "    steps:"
    echo "      - run: date +%s%N > $WORK/$1.started"
    for ((i = 2; i <= steps; i++)); do echo "      - run: \"true\""; done
  } >"$repo/.comet.yml"
  git -C "$repo" add . && git -C "$repo" -c user.name=b -c user.email=b@b commit -qm bench
  printf '%s' "$repo"
}

# register REPO -> "slug secret"
register() {
  local created
  created="$(curl -fsS -X POST "$GW/api/v1/projects" -H "$COMET_AUTH" -H 'Content-Type: application/json' \
    -d "$(jq -n --arg name "bench $(basename "$1") $RANDOM" --arg url "file://$1" '{name: $name, repoUrl: $url, forge: "github"}')")"
  printf '%s %s' "$(jq -r .slug <<<"$created")" "$(jq -r .webhookSecret <<<"$created")"
}

# comet_once REPO SLUG SECRET NAME -> "to_first_step_ns total_ns"
comet_once() {
  local repo="$1" slug="$2" secret="$3" name="$4" sha t0 answer run status t_end
  # A new commit each time, so every run fetches like a real push does.
  git -C "$repo" -c user.name=b -c user.email=b@b commit -q --allow-empty -m "bench $RANDOM"
  sha="$(git -C "$repo" rev-parse HEAD)"
  rm -f "$WORK/$name.started"
  github_push_prepare "$secret" "$repo" "$sha" "bench"
  t0="$(now_ns)"
  answer="$(github_push_send "$GW" "$slug")"
  run="$(jq -r .runId <<<"$answer")"
  # Poll gently and take the end time from the run itself: a tight polling loop would steal the
  # CPU the steps need (2 cores) and the baseline has no such guest.
  local body
  while :; do
    body="$(curl -fsS -H "$COMET_AUTH" "$GW/api/v1/runs/$run")"
    status="$(jq -r .status <<<"$body")"
    case "$status" in success|failed|error|cancelled) break ;; esac
    sleep 1
  done
  t_end="$(date -d "$(jq -r .finishedAt <<<"$body")" +%s%N)"
  [ "$status" = success ] || { echo "bench: run $run ended $status" >&2; exit 1; }
  printf '%s %s' "$(( $(cat "$WORK/$name.started") - t0 ))" "$(( t_end - t0 ))"
}

# baseline_once REPO STEPS NAME -> "to_first_step_ns total_ns"
baseline_once() {
  local repo="$1" steps="$2" name="$3" t0 ws i t_end
  rm -f "$WORK/$name.started"
  t0="$(now_ns)"
  ws="$(mktemp -d "$WORK/ws.XXXXXX")"
  git clone -q --no-checkout "file://$repo" "$ws/w"
  git -C "$ws/w" checkout -q --detach "$(git -C "$repo" rev-parse HEAD)"
  (cd "$ws/w" && bash -eo pipefail -c "date +%s%N > $WORK/$name.started")
  for ((i = 2; i <= steps; i++)); do (cd "$ws/w" && bash -eo pipefail -c true); done
  t_end="$(now_ns)"
  rm -rf "$ws"
  printf '%s %s' "$(( $(cat "$WORK/$name.started") - t0 ))" "$(( t_end - t0 ))"
}

echo "Starting Comet (data in $WORK)..."
"$ROOT/dev.sh" start >/dev/null
comet_sign_in "$GW" "$COMET_DATA_DIR"

repo10="$(make_repo ten 10)"
repo100="$(make_repo hundred 100)"
read -r slug10 secret10 <<<"$(register "$repo10")"
read -r slug100 secret100 <<<"$(register "$repo100")"

# One warm-up each: JIT, first mirror, connection pools.
comet_once "$repo10" "$slug10" "$secret10" ten >/dev/null
comet_once "$repo100" "$slug100" "$secret100" hundred >/dev/null

declare -a c_first c_ten b_first b_ten c_hundred b_hundred
for ((n = 1; n <= ITERATIONS; n++)); do
  # Interleaved, so a slow moment of the machine hits both sides.
  read -r f t <<<"$(comet_once "$repo10" "$slug10" "$secret10" ten)"; c_first+=("$f"); c_ten+=("$t")
  read -r f t <<<"$(baseline_once "$repo10" 10 ten)"; b_first+=("$f"); b_ten+=("$t")
  read -r _ t <<<"$(comet_once "$repo100" "$slug100" "$secret100" hundred)"; c_hundred+=("$t")
  read -r _ t <<<"$(baseline_once "$repo100" 100 hundred)"; b_hundred+=("$t")
  echo "  iteration $n/$ITERATIONS done"
done

m() { printf '%s\n' "$@" | median; }
cf="$(m "${c_first[@]}")"; bf="$(m "${b_first[@]}")"
ct="$(m "${c_ten[@]}")"; bt="$(m "${b_ten[@]}")"
ch="$(m "${c_hundred[@]}")"; bh="$(m "${b_hundred[@]}")"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
per_step_c="$(awk -v t="$ch" 'BEGIN {printf "%.2f", t / 100 / 1e6}')"
per_step_b="$(awk -v t="$bh" 'BEGIN {printf "%.2f", t / 100 / 1e6}')"
overhead="$(awk -v c="$ch" -v b="$bh" 'BEGIN {printf "%.2f", (c - b) / 100 / 1e6}')"

echo
echo "Medians of $ITERATIONS iterations ($(nproc) cores, $(date -u +%Y-%m-%d)):"
printf '%-44s %10s %10s %7s\n' "measure" "Comet ms" "bash ms" "ratio"
printf '%-44s %10s %10s %7s\n' "(a) webhook -> first step running" "$(ms "$cf")" "$(ms "$bf")" "$(ratio "$cf" "$bf")"
printf '%-44s %10s %10s %7s\n' "(b) webhook -> 10-step pipeline finished" "$(ms "$ct")" "$(ms "$bt")" "$(ratio "$ct" "$bt")"
printf '%-44s %10s %10s %7s\n' "(c) 100 steps in one job, total" "$(ms "$ch")" "$(ms "$bh")" "$(ratio "$ch" "$bh")"
printf '%-44s %10s %10s\n' "(c) per step" "$per_step_c" "$per_step_b"
echo "Per-step overhead of Comet over bash: $overhead ms"
