#!/usr/bin/env bash
# Pipeline latency benchmark: Comet with each job backend (sandbox, local) against a bash baseline doing the same
# work on the same machine, in one run, so machine noise hits all three. Not a test; see docs/BENCHMARKS.md.
#
#   (a) webhook sent            -> first step's process running (its first output line, a timestamp)
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
chmod 755 "$WORK" # the sandbox account clones nothing here, but the local repositories must be readable by git
export Runner__MaxParallelJobs=1
export COMET_BOOTSTRAP_ADMIN="bench:bench-password-$RANDOM"
BACKENDS=(sandbox local)
declare -A GW_OF DATA_OF AUTH_OF
port=18380
for backend in "${BACKENDS[@]}"; do
  DATA_OF[$backend]="$WORK/data-$backend"
  GW_OF[$backend]="http://127.0.0.1:$port"
  port=$((port + 1))
done
instance_env() { # backend -> the variables dev.sh needs for that instance
  local i; i=$([ "$1" = sandbox ] && echo 0 || echo 1)
  printf 'COMET_DATA_DIR=%s COMET_GATEWAY_PORT=%s COMET_ORCHESTRATOR_PORT=%s Runner__Backend=%s' \
    "${DATA_OF[$1]}" "$((18380 + i))" "$((15380 + i))" "$1"
}
cleanup() {
  for backend in "${BACKENDS[@]}"; do env $(instance_env "$backend") "$ROOT/dev.sh" stop >/dev/null 2>&1 || true; done
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }
ms() { awk -v ns="$1" 'BEGIN {printf "%.1f", ns / 1e6}'; }

# make_repo NAME STEPS: a repository whose one job has STEPS steps; the first prints a nanosecond timestamp (read
# back from its log: a sandboxed step can write nothing outside its workspace).
make_repo() {
  local repo="$WORK/$1" steps="$2" i
  git init -q -b main "$repo"
  {
    echo "jobs:"
    echo "  work:"
    echo "    steps:"
    echo "      - run: date +%s%N"
    for ((i = 2; i <= steps; i++)); do echo "      - run: \"true\""; done
  } >"$repo/.comet.yml"
  git -C "$repo" add . && git -C "$repo" -c user.name=b -c user.email=b@b commit -qm bench
  printf '%s' "$repo"
}

# register BACKEND REPO -> "slug secret"
register() {
  local created
  created="$(curl -fsS -X POST "${GW_OF[$1]}/api/v1/projects" -H "${AUTH_OF[$1]}" -H 'Content-Type: application/json' \
    -d "$(jq -n --arg name "bench $(basename "$2") $RANDOM" --arg url "file://$2" '{name: $name, repoUrl: $url, forge: "github"}')")"
  printf '%s %s' "$(jq -r .slug <<<"$created")" "$(jq -r .webhookSecret <<<"$created")"
}

# comet_once BACKEND REPO SLUG SECRET -> "to_first_step_ns total_ns"
comet_once() {
  local backend="$1" repo="$2" slug="$3" secret="$4" gw="${GW_OF[$1]}" auth="${AUTH_OF[$1]}" sha t0 answer run status t_end body job started
  # A new commit each time, so every run fetches like a real push does.
  git -C "$repo" -c user.name=b -c user.email=b@b commit -q --allow-empty -m "bench $RANDOM"
  sha="$(git -C "$repo" rev-parse HEAD)"
  github_push_prepare "$secret" "$repo" "$sha" "bench"
  t0="$(now_ns)"
  answer="$(github_push_send "$gw" "$slug")"
  run="$(jq -r .runId <<<"$answer")"
  # Poll gently and take the end time from the run itself: a tight polling loop would steal the
  # CPU the steps need (2 cores) and the baseline has no such guest.
  while :; do
    body="$(curl -fsS -H "$auth" "$gw/api/v1/runs/$run")"
    status="$(jq -r .status <<<"$body")"
    case "$status" in success|failed|error|cancelled) break ;; esac
    sleep 1
  done
  t_end="$(date -d "$(jq -r .finishedAt <<<"$body")" +%s%N)"
  [ "$status" = success ] || { echo "bench: run $run ended $status" >&2; exit 1; }
  job="$(jq -r '.jobs[0].id' <<<"$body")"
  # The first step's own line is its timestamp (the job header comes before it).
  started="$(curl -fsS -H "$auth" "$gw/api/v1/runs/$run/jobs/$job/steps/0/log" | awk '$2 ~ /^[0-9]+$/ {print $2; exit}')"
  printf '%s %s' "$(( started - t0 ))" "$(( t_end - t0 ))"
}

# baseline_once REPO STEPS -> "to_first_step_ns total_ns"
baseline_once() {
  local repo="$1" steps="$2" t0 ws i t_end started
  t0="$(now_ns)"
  ws="$(mktemp -d "$WORK/ws.XXXXXX")"
  git clone -q --no-checkout "file://$repo" "$ws/w"
  git -C "$ws/w" checkout -q --detach "$(git -C "$repo" rev-parse HEAD)"
  started="$(cd "$ws/w" && bash -eo pipefail -c "date +%s%N")"
  for ((i = 2; i <= steps; i++)); do (cd "$ws/w" && bash -eo pipefail -c true); done
  t_end="$(now_ns)"
  rm -rf "$ws"
  printf '%s %s' "$(( started - t0 ))" "$(( t_end - t0 ))"
}

declare -A SLUG10 SECRET10 SLUG100 SECRET100
repo10="$(make_repo ten 10)"
repo100="$(make_repo hundred 100)"
for backend in "${BACKENDS[@]}"; do
  echo "Starting Comet with the $backend backend (data in ${DATA_OF[$backend]})..."
  env $(instance_env "$backend") "$ROOT/dev.sh" start >/dev/null
  comet_sign_in "${GW_OF[$backend]}" "${DATA_OF[$backend]}"
  AUTH_OF[$backend]="$COMET_AUTH"
  read -r SLUG10[$backend] SECRET10[$backend] <<<"$(register "$backend" "$repo10")"
  read -r SLUG100[$backend] SECRET100[$backend] <<<"$(register "$backend" "$repo100")"
  # One warm-up each: JIT, first mirror, connection pools.
  comet_once "$backend" "$repo10" "${SLUG10[$backend]}" "${SECRET10[$backend]}" >/dev/null
  comet_once "$backend" "$repo100" "${SLUG100[$backend]}" "${SECRET100[$backend]}" >/dev/null
done

declare -A FIRST TEN HUNDRED
for ((n = 1; n <= ITERATIONS; n++)); do
  # Interleaved, so a slow moment of the machine hits every side.
  for backend in "${BACKENDS[@]}"; do
    read -r f t <<<"$(comet_once "$backend" "$repo10" "${SLUG10[$backend]}" "${SECRET10[$backend]}")"
    FIRST[$backend]+="$f "; TEN[$backend]+="$t "
    read -r _ t <<<"$(comet_once "$backend" "$repo100" "${SLUG100[$backend]}" "${SECRET100[$backend]}")"
    HUNDRED[$backend]+="$t "
  done
  read -r f t <<<"$(baseline_once "$repo10" 10)"; FIRST[bash]+="$f "; TEN[bash]+="$t "
  read -r _ t <<<"$(baseline_once "$repo100" 100)"; HUNDRED[bash]+="$t "
  echo "  iteration $n/$ITERATIONS done"
done

m() { printf '%s\n' $1 | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
bf="$(m "${FIRST[bash]}")"; bt="$(m "${TEN[bash]}")"; bh="$(m "${HUNDRED[bash]}")"

echo
echo "Medians of $ITERATIONS iterations ($(nproc) cores, $(date -u +%Y-%m-%d)); bash baseline: (a) $(ms "$bf") ms, (b) $(ms "$bt") ms, (c) $(awk -v t="$bh" 'BEGIN {printf "%.2f", t / 100 / 1e6}') ms per step"
printf '%-10s %-40s %10s %10s %7s\n' "backend" "measure" "Comet ms" "bash ms" "ratio"
for backend in "${BACKENDS[@]}"; do
  cf="$(m "${FIRST[$backend]}")"; ct="$(m "${TEN[$backend]}")"; ch="$(m "${HUNDRED[$backend]}")"
  printf '%-10s %-40s %10s %10s %7s\n' "$backend" "(a) webhook -> first step running" "$(ms "$cf")" "$(ms "$bf")" "$(ratio "$cf" "$bf")"
  printf '%-10s %-40s %10s %10s %7s\n' "$backend" "(b) webhook -> 10-step pipeline finished" "$(ms "$ct")" "$(ms "$bt")" "$(ratio "$ct" "$bt")"
  printf '%-10s %-40s %10s %10s %7s\n' "$backend" "(c) 100 steps in one job, total" "$(ms "$ch")" "$(ms "$bh")" "$(ratio "$ch" "$bh")"
  printf '%-10s %-40s %10s\n' "$backend" "(c) per-step overhead over bash" "$(awk -v c="$ch" -v b="$bh" 'BEGIN {printf "%.2f", (c - b) / 100 / 1e6}')"
done
