#!/usr/bin/env bash
# Where the gateway's time goes: runs the orchestrator and the gateway (the Release build bench/gateway.sh made in
# .bench/build), loads the gateway with wrk, and samples the gateway's CPU with dotnet-trace meanwhile. Prints the
# methods with the most exclusive and inclusive samples (W^X off, so perf finds the JIT-compiled code in the perf map): with perf (on-CPU samples) when it works here, else
# dotnet-trace's sampled thread time (which counts waiting threads too). Not a test; see docs/BENCHMARKS.md.
#
# Usage: bench/profile-gateway.sh [seconds, default 10]
# Env:   BENCH_CONNECTIONS (32), BENCH_PATH (/health/live); PROFILE_ROUTE=checked profiles the JWT + rate-limit route
#        PROFILE_OUT: where the .nettrace goes (default: a temporary folder, deleted)
# Needs: dotnet-trace (dotnet tool install -g dotnet-trace), wrk, a build from bench/gateway.sh.
set -eu
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_TO_TRACE="${1:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
BENCH_PATH="${BENCH_PATH:-/health/live}"
BUILD="$ROOT/.bench/build"
ORCH_DLL="$BUILD/bin/Orchestrator/release/Comet.Orchestrator.dll"
GW_DLL="$BUILD/bin/Gateway/release/Comet.Gateway.dll"
TRACE="${DOTNET_TRACE:-$(command -v dotnet-trace || echo "$HOME/.dotnet/tools/dotnet-trace")}"
die() { printf 'profile: %s\n' "$*" >&2; exit 1; }
[ -f "$GW_DLL" ] || die "no build in $BUILD: run bench/gateway.sh once first"
[ -x "$TRACE" ] || die "dotnet-trace is missing: dotnet tool install -g dotnet-trace"
command -v wrk >/dev/null || die "wrk is missing"

WORK="$(mktemp -d /tmp/comet-profile.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done; sleep 1; rm -rf "$WORK"; }
trap cleanup EXIT
ORCH_PORT=$(( 20000 + RANDOM % 5000 )); GW_PORT=$(( 25000 + RANDOM % 5000 ))
PASSWORD="profile-$RANDOM-$RANDOM"
setsid env COMET_DATA_DIR="$WORK/data" COMET_ORCHESTRATOR_PORT="$ORCH_PORT" COMET_BOOTSTRAP_ADMIN="admin:$PASSWORD" \
  Logging__LogLevel__Default=Warning dotnet "$ORCH_DLL" >"$WORK/orchestrator.log" 2>&1 </dev/null & PIDS+=("$!")
cat >"$WORK/gateway.json" <<JSON
{ "Routes": [
  { "UpstreamPathTemplate": "/checked/{everything}", "DownstreamPathTemplate": "/{everything}", "UpstreamHttpMethod": [ "Get" ],
    "ServiceName": "orchestrator", "Priority": 1, "AuthenticationOptions": { "AuthenticationProviderKey": "Bearer" },
    "RateLimitOptions": { "EnableRateLimiting": true, "Period": "1s", "Limit": 100000000 } },
  { "UpstreamPathTemplate": "/{everything}", "DownstreamPathTemplate": "/{everything}", "UpstreamHttpMethod": [ "Get" ],
    "ServiceName": "orchestrator" } ] }
JSON
for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$ORCH_PORT/health/ready" 2>/dev/null && break; sleep 0.5; done
setsid env COMET_DATA_DIR="$WORK/data" COMET_GATEWAY_PORT="$GW_PORT" Gateway__OrchestratorUrl="http://127.0.0.1:$ORCH_PORT" \
  Gateway__RouteFile="$WORK/gateway.json" Gateway__Jwt__JwksUrl="http://127.0.0.1:$ORCH_PORT/.well-known/jwks.json" \
  Logging__LogLevel__Default=Warning DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 dotnet "$GW_DLL" >"$WORK/gateway.log" 2>&1 </dev/null & GW_PID=$!; PIDS+=("$GW_PID")
for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$GW_PORT/health/ready" 2>/dev/null && break; sleep 0.5; done
TOKEN="$(curl -fsS -X POST "http://127.0.0.1:$ORCH_PORT/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')"
# As in bench/gateway.sh: the token only where it is checked, a header of the same size elsewhere.
url="http://127.0.0.1:$GW_PORT$BENCH_PATH"; header="X-Padding: Bearer $TOKEN"
if [ "${PROFILE_ROUTE:-}" = checked ]; then url="http://127.0.0.1:$GW_PORT/checked$BENCH_PATH"; header="Authorization: Bearer $TOKEN"; fi
curl -fsS -o /dev/null -H "$header" "$url" || die "the gateway does not answer $url"
# Warm up (JIT, tiered compilation, pools), then trace while wrk keeps the load on.
wrk -t1 -c"$CONNECTIONS" -d5s -H "$header" "$url" >/dev/null
wrk -t1 -c"$CONNECTIONS" -d"$(( SECONDS_TO_TRACE + 4 ))s" -H "$header" "$url" >"$WORK/wrk.txt" 2>&1 & WRK_PID=$!
sleep 1
if command -v perf >/dev/null && perf record -e cpu-clock -o /dev/null -- true >/dev/null 2>&1; then
  # perf samples the CPU (on-CPU time only); the runtime writes /tmp/perf-PID.map so JIT-compiled frames get names.
  PERF_DATA="${PROFILE_OUT:-$WORK/perf.data}"
  perf record -e cpu-clock -F 2000 -g -p "$GW_PID" -o "$PERF_DATA" -- sleep "$SECONDS_TO_TRACE" >"$WORK/perf.log" 2>&1 \
    || { cat "$WORK/perf.log" >&2; die "perf record failed"; }
  wait "$WRK_PID" || true
  sed -n 's/^Requests\/sec:/wrk while tracing, req\/s:/p' "$WORK/wrk.txt"
  echo "== on-CPU samples of the gateway by method, exclusive (perf, cpu-clock 2 kHz, ${SECONDS_TO_TRACE} s)"
  perf report -i "$PERF_DATA" --no-children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -n 45
  echo "== by library (dso)"
  perf report -i "$PERF_DATA" --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -n 15
  echo "== inclusive (children), top managed frames"
  perf report -i "$PERF_DATA" --children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | grep -vE '\[k\]' | head -n 60
  exit 0
fi
OUT="${PROFILE_OUT:-$WORK/gateway.nettrace}"
"$TRACE" collect -p "$GW_PID" --profile dotnet-sampled-thread-time --duration "00:00:00:$(printf '%02d' "$SECONDS_TO_TRACE")" -o "$OUT" >"$WORK/trace.log" 2>&1 \
  || { cat "$WORK/trace.log" >&2; die "dotnet-trace failed"; }
wait "$WRK_PID" || true
sed -n 's/^Requests\/sec:/wrk while tracing, req\/s:/p' "$WORK/wrk.txt"
echo "== exclusive (time in the method itself)"
"$TRACE" report "$OUT" topN -n 30 2>&1 | tail -n +1
echo "== inclusive (time in the method and what it calls)"
"$TRACE" report "$OUT" topN -n 40 --inclusive 2>&1 | tail -n +1
