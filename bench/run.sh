#!/usr/bin/env bash
# Runs the benchmarks against the release build and prints the figures recorded in
# docs/benchmarks.md:
#  1. Google Benchmark: engine, storage, JSON, and the raw SQLite synchronous=FULL commit rate;
#  2. wrk against `unknot serve` with the demo clinic (1 server thread pinned to CPU 0, wrk on
#     CPU 1, 64 connections, 2 s warm-up, 10 s measured): a trivial endpoint, clinic reads and
#     14 days of availability (gzip-encoded, as browsers ask for it, and plain);
#  3. durable bookings/s: wrk with bench/booking.lua replaying distinct free bookings against a
#     100-practitioner clinic (server with 8 threads and 16 connections, then 64 and 64), the
#     commits and writes the server counted, and its peak RSS;
#  4. PostgreSQL (a throwaway server from scripts/pg-test-server, durable defaults): pgbench's
#     single-row INSERT rate with 16 clients, then the same booking load with 16 connections
#     against `unknot serve --database postgresql://...` on that server.
#  5. the staff side (issue 13): Google Benchmark's staff read of a patient's record with and
#     without its audit entry (1 and 8 threads); then availability (as in 2, gzip) alone and while
#     bursts of 50 concurrent staff sign-ins (bench/signin_burst.cpp, argon2id each) arrive at
#     once, back to back, three rounds each, and the server's peak RSS.
#  6. the live calendar (issue 14): 200 staff calendar streams open on one server, then 10
#     bookings one by one through the public API; for each, the time until all 200 streams had
#     it (bench/calendar_stream.cpp), and the server's RSS before and with the streams open. On
#     SQLite (one server), then on PostgreSQL with the streams on one server and the bookings
#     through another (LISTEN/NOTIFY between them).
#  7. FHIR (issue 17): three clinics of 20 practitioners with 15, 30 and 60 days of horizon
#     (bench/fhir_bench_fixture.cpp); for each, on a fresh server (1 thread, CPU 0), $bulk-publish
#     Slot.ndjson downloaded twice (bench/fhir_bench.cpp): first and last byte, lines, and the
#     server's VmHWM before and after; then a day's FHIR Slot search (every page) against the JSON
#     availability of the same service and day, on that clinic and on the demo clinic.
#  8. latency of one request on a fresh connection (issue 18): bench/latency/run.sh, the bare
#     server and `unknot serve` (1 thread) on CPU 0, the client on CPU 1, 2000 interleaved rounds
#     of bare, /healthz, one day's availability from the cache, right after a write on that day
#     and right after a write on another day (kept in the cache); median and p95 per kind and net
#     of bare.
# BENCH_ONLY=sqlite, BENCH_ONLY=postgres, BENCH_ONLY=staff, BENCH_ONLY=calendar, BENCH_ONLY=fhir
# or BENCH_ONLY=latency runs only parts 1-3, part 4, part 5, part 6, part 7 or part 8.
# Bounded: every load stops by itself; only loopback is used.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build/release
unknot=$build/src/server/unknot
duration=${BENCH_SECONDS:-10}
port=${BENCH_PORT:-18089}

only=${BENCH_ONLY:-all}

if [[ "$only" == all || "$only" == sqlite ]]; then
echo "== Google Benchmark"
$build/bench/unknot_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_filter="${BENCH_FILTER:-.}" 2>&1 | grep -E "_median|^Benchmark|WARNING" || true
fi

work=$(mktemp -d)
server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
trap 'stop_server; for d in pg pgcal; do scripts/pg-test-server stop "$work/$d" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT

start_server() {  # database, threads, more serve options...
  taskset -c 0 $unknot serve --database "$1" --listen 127.0.0.1:$port --threads "$2" \
    --pool-size "${POOL_SIZE:-16}" "${@:3}" \
    --web-root web/dist --log-level warn >"$work/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start:"; cat "$work/serve.log"; exit 1
}

load() {  # label, wrk arguments...
  local label=$1; shift
  taskset -c 1 wrk -t1 -d2s "$@" >/dev/null
  echo "== $label"
  taskset -c 1 wrk -t1 -d${duration}s --latency "$@" | grep -E "Requests/sec|Non-2xx|50%|99%|requests in"
}

if [[ "$only" == all || "$only" == sqlite ]]; then
$unknot migrate --database "$work/demo.db" >/dev/null
$unknot demo --database "$work/demo.db" >/dev/null
start_server "$work/demo.db" 1
from=$(date -u -d "+14 days" +%F)
to=$(date -u -d "+27 days" +%F)
art=$(curl -s "http://127.0.0.1:$port/api/v1/clinics/mission-sports-chiro/services" |
      grep -o '"id":[0-9]*,"name":"Active Release' | grep -o '[0-9]*' | head -1)
availability="/api/v1/clinics/mission-sports-chiro/availability?service=$art&from=$from&to=$to"
echo "availability body: $(curl -s "http://127.0.0.1:$port$availability" | wc -c) bytes," \
  "gzip: $(curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port$availability" | wc -c) bytes"
load "GET /healthz" -c64 "http://127.0.0.1:$port/healthz"
load "GET services" -c64 "http://127.0.0.1:$port/api/v1/clinics/mission-sports-chiro/services"
load "GET availability (14 days, ART), Accept-Encoding: gzip as browsers send it" -c64 \
  -H "Accept-Encoding: gzip" "http://127.0.0.1:$port$availability"
load "GET availability (14 days, ART), no Accept-Encoding" -c64 "http://127.0.0.1:$port$availability"
echo "== server peak RSS (reads): $(grep VmHWM /proc/$server_pid/status | awk '{print $2, $3}')"
stop_server

bookings() {  # server threads, connections
  rm -f "$work"/load.db*
  $build/bench/unknot_bench_fixture "$work/load.db" "$work/bodies.txt" 200000
  start_server "$work/load.db" "$1"
  echo "== durable bookings ($2 connections, server $1 threads, distinct free slots)"
  BODIES="$work/bodies.txt" taskset -c 1 wrk -t1 -c"$2" -d${duration}s --latency \
    -s bench/booking.lua "http://127.0.0.1:$port/" | grep -E "Requests/sec|Non-2xx|50%|99%|requests in"
  curl -s "http://127.0.0.1:$port/metrics" | grep -E "^unknot_storage_(commits|writes)_total"
  echo "== server peak RSS (bookings): $(grep VmHWM /proc/$server_pid/status | awk '{print $2, $3}')"
  stop_server
  echo "== stored appointments: $(sqlite3 "$work/load.db" 'SELECT count(*) FROM appointments')"
}
bookings 8 16
bookings 64 64
fi

if [[ "$only" == all || "$only" == postgres ]]; then

echo "== PostgreSQL"
chmod a+x "$work"  # as root the server runs as `postgres`, which must reach its folder
scripts/pg-test-server start "$work/pg" >/dev/null
pg_uri=$(cat "$work/pg/uri")
pg_sock=$(cat "$work/pg/sockdir")
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql "$pg_uri" -qc "CREATE TABLE bench_rows (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  clinic_id bigint NOT NULL, start_at bigint NOT NULL, note text NOT NULL)"
echo "INSERT INTO bench_rows (clinic_id, start_at, note) VALUES (1, :client_id, 'x');" \
  >"$work/insert.sql"
chmod a+r "$work/insert.sql"
echo "== pgbench single-row INSERT, 16 clients, prepared, ${duration} s"
as_postgres "$pg_bin/pgbench" -h "$pg_sock" -U postgres -n -M prepared -c 16 -j 2 -T "$duration" \
  -f "$work/insert.sql" unknot 2>&1 | grep -E "^tps|latency average"
as_postgres "$pg_bin/createdb" -h "$pg_sock" -U postgres load
load_uri="postgresql:///load?host=$pg_sock&user=postgres"
$build/bench/unknot_bench_fixture "$load_uri" "$work/bodies.txt" 200000
# The database's own ceiling for a booking: pgbench calling unknot_book() (patient lookup or
# insert, room choice, appointment insert with its exclusion constraints) with distinct values.
cat >"$work/book.sql" <<'SQL'
\set p random(1, 100)
\set t random(1, 100000000)
\set s 2000000000 + :t * 1800
\set e :s + 1800
SELECT * FROM unknot_book(1, 'Load', 'Test', 'pgbench' || :client_id || '_' || :t || '@example.org',
  '+14155550100', :p, 1, ARRAY[:p]::bigint[], :s, :e, :e, 'booked', 'online', 0, 'hash');
SQL
chmod a+r "$work/book.sql"
echo "== pgbench calling unknot_book() directly, 16 clients, ${duration} s"
as_postgres "$pg_bin/pgbench" -h "$pg_sock" -U postgres -n -M prepared -c 16 -j 2 -T "$duration" \
  -f "$work/book.sql" load 2>&1 | grep -E "^tps|latency average"
start_server "$load_uri" 16
echo "== durable bookings on PostgreSQL (16 connections, server 16 threads, pool 16)"
BODIES="$work/bodies.txt" taskset -c 1 wrk -t1 -c16 -d${duration}s --latency \
  -s bench/booking.lua "http://127.0.0.1:$port/" | grep -E "Requests/sec|Non-2xx|50%|99%|requests in"
echo "== server peak RSS (PostgreSQL bookings): $(grep VmHWM /proc/$server_pid/status | awk '{print $2, $3}')"
stop_server
echo "== stored appointments: $(psql "$load_uri" -tAc 'SELECT count(*) FROM appointments')"
fi

if [[ "$only" == all || "$only" == staff ]]; then
echo "== Google Benchmark: a staff read of a patient's record, alone and with its audit entry; the raw durable commit"
$build/bench/unknot_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_filter='BM_StaffRead|BM_SqliteFullCommitSingleRow' 2>&1 | grep -E "_median|WARNING" || true

# Availability while staff sign in: the demo clinic plus 50 front-desk accounts (one argon2id
# hash at the production cost, stored for all); the server as in part 2 (1 I/O thread, pinned
# to CPU 0 with its 2 hashing threads), trusting X-Forwarded-For from loopback so that each of
# the 50 sign-in connections is its own client address; wrk and the sign-in bursts on CPU 1.
rm -f "$work"/staff.db*
$unknot migrate --database "$work/staff.db" >/dev/null
$unknot demo --database "$work/staff.db" >/dev/null
password="bench-Sign-in-2026"
$build/bench/unknot_bench_staff_fixture "$work/staff.db" mission-sports-chiro 50 "$password"
start_server "$work/staff.db" "${STAFF_THREADS:-1}" --trusted-proxy 127.0.0.1
from=$(date -u -d "+14 days" +%F)
to=$(date -u -d "+27 days" +%F)
art=$(curl -s "http://127.0.0.1:$port/api/v1/clinics/mission-sports-chiro/services" |
      grep -o '"id":[0-9]*,"name":"Active Release' | grep -o '[0-9]*' | head -1)
availability="/api/v1/clinics/mission-sports-chiro/availability?service=$art&from=$from&to=$to"
for round in 1 2 3; do
  load "round $round: GET availability (14 days, ART, gzip) alone" -c64 \
    -H "Accept-Encoding: gzip" "http://127.0.0.1:$port$availability"
  # Bursts start before wrk's 2 s warm-up and end after its measured window.
  taskset -c 1 $build/bench/unknot_bench_signin_burst 127.0.0.1 "$port" mission-sports-chiro \
    "$password" $((duration + 3)) 50 1000 50 >"$work/bursts.txt" &
  bursts_pid=$!
  load "round $round: GET availability (14 days, ART, gzip) during bursts of 50 sign-ins" -c64 \
    -H "Accept-Encoding: gzip" "http://127.0.0.1:$port$availability"
  wait "$bursts_pid"
  cat "$work/bursts.txt"
done
echo "== server peak RSS (availability and sign-ins): $(grep VmHWM /proc/$server_pid/status | awk '{print $2, $3}')"
stop_server
fi

if [[ "$only" == all || "$only" == calendar ]]; then
echo "== live calendar: 200 streams, 10 bookings (SQLite, server 2 threads on CPU 0)"
streams=${CALENDAR_STREAMS:-200}
rm -f "$work"/calendar.db*
$unknot migrate --database "$work/calendar.db" >/dev/null
$unknot demo --database "$work/calendar.db" >/dev/null
start_server "$work/calendar.db" 2 --trusted-proxy 127.0.0.1
taskset -c 1 $build/bench/unknot_bench_calendar_stream "$port" desk@demo.unknot.test \
  demo-phones-and-calendar "$streams" 10 "$server_pid"
stop_server

echo "== live calendar on PostgreSQL: 200 streams on server B, 10 bookings through server A"
chmod a+x "$work"
scripts/pg-test-server start "$work/pgcal" >/dev/null
cal_uri="$(cat "$work/pgcal/uri")"
$unknot migrate --database "$cal_uri" >/dev/null
$unknot demo --database "$cal_uri" >/dev/null
start_server "$cal_uri" 2 --trusted-proxy 127.0.0.1
stream_pid=$server_pid
stream_port=$port
port=$((port + 1))
start_server "$cal_uri" 2 --trusted-proxy 127.0.0.1
book_pid=$server_pid
taskset -c 1 $build/bench/unknot_bench_calendar_stream "$stream_port" desk@demo.unknot.test \
  demo-phones-and-calendar "$streams" 10 "$stream_pid" "$port"
server_pid=$book_pid; stop_server
server_pid=$stream_pid; stop_server
port=$stream_port
scripts/pg-test-server stop "$work/pgcal" >/dev/null
fi

if [[ "$only" == all || "$only" == fhir ]]; then
echo "== FHIR \$bulk-publish Slot.ndjson, 20 practitioners, 15 / 30 / 60 days (fresh server each)"
rm -f "$work"/fhir.db*
$build/bench/unknot_bench_fhir_fixture "$work/fhir.db"
for days in 15 30 60; do
  start_server "$work/fhir.db" 1
  curl -sf "http://127.0.0.1:$port/fhir/fhir-$days/\$bulk-publish" >/dev/null  # the manifest
  for round in 1 2; do
    taskset -c 1 $build/bench/unknot_bench_fhir bulk "$port" "fhir-$days" "$server_pid"
  done
  stop_server
done

echo "== FHIR Slot search for one day vs the JSON availability of that day (same service)"
day=$(date -u -d "next tuesday" +%F)
next_day=$(date -u -d "next tuesday + 1 day" +%F)
rm -f "$work"/fhirdemo.db*
$unknot migrate --database "$work/fhirdemo.db" >/dev/null
$unknot demo --database "$work/fhirdemo.db" >/dev/null
for target in "fhir.db fhir-60 session-30" "fhirdemo.db mission-sports-chiro art-session"; do
  read -r db clinic service <<<"$target"
  start_server "$work/$db" 1
  taskset -c 1 $build/bench/unknot_bench_fhir search "$port" "$clinic" "$service" "$day" \
    "$next_day" 20 >/dev/null  # warm-up
  taskset -c 1 $build/bench/unknot_bench_fhir search "$port" "$clinic" "$service" "$day" \
    "$next_day" 200
  taskset -c 1 $build/bench/unknot_bench_fhir search "$port" "$clinic" "$service" "$day" \
    "$next_day" 30 expired
  stop_server
done
fi

if [[ "$only" == all || "$only" == latency ]]; then
echo "== latency of one request on a fresh connection, net of a bare server (issue 18)"
LATENCY_PORT=$port LATENCY_BARE_PORT=$((port + 2)) BUILD_DIR=$build bench/latency/run.sh
fi
