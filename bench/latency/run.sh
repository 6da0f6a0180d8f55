#!/usr/bin/env bash
# Latency of one request on a fresh connection (issue 18), net of a bare server: runs
# bench/latency/bare_server.c and `unknot serve` (the demo clinic on SQLite, 1 thread) side by
# side, both pinned to CPU 0, and bench/latency/latency_client.cpp on CPU 1, which times bare,
# /healthz, one day's availability from the cache and the same right after a write, in
# interleaved rounds (a new connection per request), and prints median and p95 per kind and net
# of bare; and the same day right after a write on another day, which the cache keeps (issue 18:
# invalidation no wider than the write). Needs the release build:
#   cmake --preset release && cmake --build --preset release --target unknot \
#     unknot_bench_bare_server unknot_bench_latency_client
# LATENCY_ROUNDS (2000) and LATENCY_WARMUP (200) set the rounds; LATENCY_GAP_US=G pauses G µs
# before each timed request (the server then sleeps in between, as at a quiet clinic; the figures
# grow with G on this machine, see docs/benchmarks.md); LATENCY_ONLY=KIND [with
# LATENCY_SECONDS=S] runs only that kind; LATENCY_ATTACH='exec COMMAND' runs COMMAND (with
# $UNKNOT_PID and $BARE_PID set) from 2 s before the client until it ends, e.g. perf or strace -c.
# Bounded: the client is stopped after 100 s; only loopback is used.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${BUILD_DIR:-build/release}
unknot=$build/src/server/unknot
bare=$build/bench/unknot_bench_bare_server
client=$build/bench/unknot_bench_latency_client
port=${LATENCY_PORT:-18189}
bare_port=${LATENCY_BARE_PORT:-18190}
for binary in "$unknot" "$bare" "$client"; do
  [[ -x "$binary" ]] || { echo "missing $binary (build the release targets first)"; exit 1; }
done

work=$(mktemp -d)
server_pid=""
bare_pid=""
cleanup() {
  for pid in "$server_pid" "$bare_pid"; do
    if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

$unknot migrate --database "$work/demo.db" >/dev/null
$unknot demo --database "$work/demo.db" >/dev/null
# The client books and cancels ~1000 times a run from one address: raise the demo clinic's
# per-address limit on public writes the documented way (docs/operations.md, "Reverse proxies
# and client addresses": the clinics table, read when serve starts). Every booking is a new
# patient e-mail, so the per-e-mail limit and the future-bookings cap are never reached.
sqlite3 "$work/demo.db" "UPDATE clinics SET address_write_count = 1000000,
  address_write_period_seconds = 1, address_write_burst = 1000000
  WHERE slug = 'mission-sports-chiro'"

taskset -c 0 "$bare" "$bare_port" >"$work/bare.log" 2>&1 &
bare_pid=$!
taskset -c 0 "$unknot" serve --database "$work/demo.db" --listen "127.0.0.1:$port" --threads 1 \
  --log-level warn >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null &&
    curl -sf "http://127.0.0.1:$bare_port/" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "unknot did not start:"; cat "$work/serve.log"; exit 1; }
curl -sf "http://127.0.0.1:$bare_port/" >/dev/null || { echo "bare server did not start:"; cat "$work/bare.log"; exit 1; }

# The ART session (two practitioners offer it: Dr. Okafor and Dr. Reyes), on the first day from
# two days ahead on which both have free starts; the booked start is the first one of Dr. Okafor.
api="http://127.0.0.1:$port/api/v1/clinics/mission-sports-chiro"
service=$(curl -sf "$api/services" | jq -r '.services[] | select(.slug == "art-session") | .id')
first=$(curl -sf "$api/practitioners" | jq -r '.practitioners[] | select(.slug == "maya-okafor") | .id')
second=$(curl -sf "$api/practitioners" | jq -r '.practitioners[] | select(.slug == "daniel-reyes") | .id')
from=$(date -u -d "+2 days" +%F)
to=$(date -u -d "+16 days" +%F)
read -r day start other_start < <(curl -sf "$api/availability?service=$service&from=$from&to=$to" |
  jq -r --argjson a "$first" --argjson b "$second" '
    [.days[] | select([.slots[].options[].practitioner] | (index($a) != null and index($b) != null))
     | {date, start: ([.slots[] | select([.options[].practitioner] | index($a) != null)][0].start)}]
    | "\(.[0].date) \(.[0].start) \(.[1].start)"')
[[ -n "$day" && "$day" != null ]] || { echo "no day with both ART practitioners free"; exit 1; }
[[ -n "$other_start" && "$other_start" != null ]] || { echo "no second day with both free"; exit 1; }
echo "== latency: unknot pid $server_pid (CPU 0, 1 thread), bare pid $bare_pid (CPU 0), client CPU 1"
echo "== day $day, service $service (art-session), practitioners $first and $second; writes book $start with $first"
echo "== writes on another day (avail_after_other_write) book $other_start with $first"

args=(--bare-port "$bare_port" --port "$port" --clinic mission-sports-chiro --service "$service"
      --practitioner "$first" --day "$day" --start "$start" --other-start "$other_start"
      --rounds "${LATENCY_ROUNDS:-2000}" --warmup "${LATENCY_WARMUP:-200}"
      --gap-us "${LATENCY_GAP_US:-0}")
if [[ -n "${LATENCY_ONLY:-}" ]]; then
  args+=(--only "$LATENCY_ONLY")
  if [[ -n "${LATENCY_SECONDS:-}" ]]; then args+=(--seconds "$LATENCY_SECONDS"); fi
fi
# CPU time (ns on a CPU, all its threads) a process has used so far.
cpu_ns() { cat /proc/"$1"/task/*/schedstat | awk '{sum += $1} END {printf "%d", sum}'; }
attach_pid=""
if [[ -n "${LATENCY_ATTACH:-}" ]]; then
  # E.g. LATENCY_ATTACH='exec perf record -g -o /tmp/healthz.data -p $UNKNOT_PID': runs while the
  # client does, then gets SIGTERM (perf and strace -c then write what they gathered).
  UNKNOT_PID=$server_pid BARE_PID=$bare_pid bash -c "$LATENCY_ATTACH" &
  attach_pid=$!
  sleep 2
fi
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
unknot_before=$(cpu_ns "$server_pid")
bare_before=$(cpu_ns "$bare_pid")
started=$(date +%s.%N)
timeout 100 taskset -c 1 "$client" "${args[@]}"
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
echo "== CPU used during the client's run of ${elapsed%???????} s: unknot" \
  "$(( ($(cpu_ns "$server_pid") - unknot_before) / 1000000 )) ms, bare" \
  "$(( ($(cpu_ns "$bare_pid") - bare_before) / 1000000 )) ms"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -n "$attach_pid" ]]; then
  kill -TERM "$attach_pid" 2>/dev/null || true
  wait "$attach_pid" || true
fi
