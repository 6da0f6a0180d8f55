#!/usr/bin/env bash
# Runs the benchmarks against the release build: Google Benchmark for the engine pieces, then wrk
# against a real `unknot serve` with the demo clinic on loopback (1 server thread pinned to CPU 0,
# wrk on CPU 1, 64 connections, 2 s warm-up, 10 s measured). Prints the figures recorded in
# docs/benchmarks.md. Bounded: every load stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build/release
unknot=$build/src/server/unknot
duration=${BENCH_SECONDS:-10}

echo "== Google Benchmark"
$build/bench/unknot_bench --benchmark_min_time=0.5 --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true

work=$(mktemp -d)
trap 'kill "${server_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
$unknot migrate --database "$work/bench.db" >/dev/null
$unknot demo --database "$work/bench.db" >/dev/null
port=${BENCH_PORT:-18089}
taskset -c 0 $unknot serve --database "$work/bench.db" --listen 127.0.0.1:$port \
  --web-root web/public --log-level warn >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

for path in /healthz /api/v1/clinics/mission-sports-chiro/services \
            /api/v1/clinics/mission-sports-chiro/practitioners; do
  taskset -c 1 wrk -t1 -c64 -d2s "http://127.0.0.1:$port$path" >/dev/null
  echo "== wrk -t1 -c64 -d${duration}s $path"
  taskset -c 1 wrk -t1 -c64 -d${duration}s --latency "http://127.0.0.1:$port$path" |
    grep -E "Requests/sec|Latency|50%|99%|requests in"
done
echo "== server peak RSS: $(grep VmHWM /proc/$server_pid/status | awk '{print $2, $3}')"
