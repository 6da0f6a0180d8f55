#!/usr/bin/env bash
# The experiment behind the 2026-11-30 staff section of docs/benchmarks.md: availability alone
# and during back-to-back bursts of 50 sign-ins (as bench/run.sh BENCH_ONLY=staff), first as the
# server runs them, then with the two password-hashing threads reniced to 19, then with them at
# SCHED_IDLE — set from outside with renice/chrt, without changing the server, to show what
# lowering the hashing pool's priority would do. THREADS=N sets the server's I/O threads (1),
# NICE=N the nice value of the second step (19).
# Bounded (about 90 s), loopback only; the release build must exist.
set -euo pipefail
cd "$(dirname "$0")/.."
b=build/release
u=$b/src/server/unknot
w=$(mktemp -d)
port=${BENCH_PORT:-18191}
$u migrate --database "$w/staff.db" >/dev/null
$u demo --database "$w/staff.db" >/dev/null
$b/bench/unknot_bench_staff_fixture "$w/staff.db" mission-sports-chiro 50 pw-bench-2026 >/dev/null
taskset -c 0 $u serve --database "$w/staff.db" --listen 127.0.0.1:$port --threads "${THREADS:-1}" \
  --pool-size 16 --trusted-proxy 127.0.0.1 --log-level warn >"$w/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$w"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
from=$(date -u -d "+14 days" +%F)
to=$(date -u -d "+27 days" +%F)
art=$(curl -s "http://127.0.0.1:$port/api/v1/clinics/mission-sports-chiro/services" |
      grep -o '"id":[0-9]*,"name":"Active Release' | grep -o '[0-9]*' | head -1)
url="http://127.0.0.1:$port/api/v1/clinics/mission-sports-chiro/availability?service=$art&from=$from&to=$to"
# One burst with nothing else running: the two threads that used the most CPU hashed.
taskset -c 1 $b/bench/unknot_bench_signin_burst 127.0.0.1 $port mission-sports-chiro pw-bench-2026 \
  0.5 50 1000 50 >/dev/null
hashers=$(for t in /proc/$pid/task/*; do echo "$(basename "$t") $(awk '{print $14+$15}' "$t/stat")"; done |
          sort -k2 -n -r | head -2 | awk '{print $1}')
echo "hashing threads: $(echo $hashers)"
measure() {
  taskset -c 1 wrk -t1 -c64 -d2s -H "Accept-Encoding: gzip" "$url" >/dev/null
  echo "== $1: availability alone"
  taskset -c 1 wrk -t1 -c64 -d10s --latency -H "Accept-Encoding: gzip" "$url" | grep -E "Requests/sec|99%"
  taskset -c 1 $b/bench/unknot_bench_signin_burst 127.0.0.1 $port mission-sports-chiro pw-bench-2026 \
    13 50 1000 50 >"$w/bursts.txt" &
  local bursts=$!
  taskset -c 1 wrk -t1 -c64 -d2s -H "Accept-Encoding: gzip" "$url" >/dev/null
  echo "== $1: availability during bursts of 50 sign-ins"
  taskset -c 1 wrk -t1 -c64 -d10s --latency -H "Accept-Encoding: gzip" "$url" | grep -E "Requests/sec|99%"
  wait $bursts
  cat "$w/bursts.txt"
}
measure "hashing at default priority"
for t in $hashers; do renice -n "${NICE:-19}" -p "$t" >/dev/null; done
measure "hashing threads at nice ${NICE:-19}"
for t in $hashers; do chrt --idle -p 0 "$t"; done
measure "hashing threads at SCHED_IDLE"
echo "== server peak RSS: $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
