#!/usr/bin/env bash
# Benchmark (not a unit test: nothing here passes or fails on speed). Measured side by side in one run:
#   1. routing: the in-memory ComplaintRouter vs PostGIS ST_Covers on the official kelurahan layer (goal ≥ 50×);
#   2. intake: POST /api/complaints under wrk at 64 connections vs pgbench inserting the same row into the same table
#      at the same concurrency (goal ≥ 0.6 of pgbench), and the rows actually committed.
# It starts its own throwaway PostgreSQL + PostGIS (default durability: fsync, synchronous_commit and full_page_writes
# on) and stops everything it started on exit. About 2 minutes. The summary also goes to tests/artifacts/bench-latest.txt.
#
#   tests/bench.sh
# env: UJAR_GIS_DATA (official boundaries; default ../shared/gis-data beside the checkout),
#      BENCH_SECONDS (each load run, default 20), ROUTING_SECONDS (each routing figure, default 5),
#      ROUTING_POINTS (default 100000), CONNECTIONS (default 64)
source "$(dirname "$0")/lib/prelude.sh"

seconds=${BENCH_SECONDS:-20}
routing_seconds=${ROUTING_SECONDS:-5}
routing_points=${ROUTING_POINTS:-100000}
connections=${CONNECTIONS:-64}
warmup_seconds=5

require_gis_data
require_tools wrk pgbench

echo "== build (Release)"
build_release

# ---- PostgreSQL + PostGIS, default durability --------------------------------------------------------------------
echo "== PostgreSQL cluster in $work"
# Only where it listens and how many may connect are set; fsync, synchronous_commit, full_page_writes stay at their defaults.
start_postgres "-c max_connections=200"
create_postgis_db ujar
pg_settings=$(psql_ -d ujar -At -F= -c "SELECT name, setting || coalesce(unit, '') FROM pg_settings
  WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'commit_delay', 'shared_buffers', 'max_connections')
  ORDER BY name" | tr '\n' ' ')
pg_version=$(psql_ -d ujar -At -c "SELECT current_setting('server_version') || ', PostGIS ' || postgis_lib_version()")
tmp_fs=$(df -T "$work" | awk 'NR == 2 { print $2 }')

echo "== migrate"
run_api migrate

# ---- 1. routing --------------------------------------------------------------------------------------------------
echo "== routing: in-memory vs PostGIS (${routing_seconds}s per figure)"
dotnet "$bench" routing --gis-data "$gis" --connection "$ConnectionStrings__Ujar" --points "$routing_points" \
  --seconds "$routing_seconds" --pg-connections 2,4 --http-points "$work/pins.txt" | tee "$work/routing.out"
declare -A r
while IFS='=' read -r key value; do r[$key]=$value; done < <(grep -E '^routing\.[a-z_0-9]+=' "$work/routing.out")
[[ -n ${r[routing.ours_mt]:-} ]] || die "the routing benchmark printed no results"
generation=$(psql_ -d ujar -At -c "SELECT id FROM boundary_generations WHERE is_active")

# ---- 2a. intake through the service --------------------------------------------------------------------------------
http_port=$(free_port)
echo "== service on 127.0.0.1:$http_port (Release), wrk -t2 -c$connections"
start_service ujar "$http_port"
curl -fsS "$service_url/healthz" | grep -q '"boundaryGeneration":'"$generation" \
  || die "the service is not up with boundary generation $generation"

export UJAR_BENCH_POINTS="$work/pins.txt"
count_rows() { psql_ -d ujar -At -c "SELECT count(*) FROM complaints"; }
wrk -t2 -c"$connections" -d"${warmup_seconds}s" -s tests/Ujar.Benchmarks/post.lua "http://127.0.0.1:$http_port" >/dev/null
sleep 1 # the warm-up's last requests commit before the count
rows_before=$(count_rows)
take_cpu_snapshot; cpu_before=$cpu_snapshot
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s tests/Ujar.Benchmarks/post.lua "http://127.0.0.1:$http_port" | tee "$work/wrk.out"
take_cpu_snapshot; cpu_after=$cpu_snapshot
sleep 1 # requests still in flight when wrk stopped get their commit
rows_after=$(count_rows)
stop_service "$service_pid"
declare -A w
while IFS='=' read -r key value; do w[$key]=$value; done < <(grep -E '^wrk\.[a-z_0-9]+=' "$work/wrk.out")
[[ -n ${w[wrk.requests]:-} ]] || die "wrk printed no results"

# ---- 2b. the same row straight into PostgreSQL ------------------------------------------------------------------------
echo "== pgbench -n -c $connections -j 2 -T $seconds -f insert.sql"
psql_ -d ujar -c "CREATE SEQUENCE bench_ticket"
pgbench_() { pgbench -h 127.0.0.1 -p "$pg_port" -U postgres -n -c "$connections" -j 2 -D generation="$generation" -f tests/Ujar.Benchmarks/insert.sql "$@" ujar; }
pgbench_ -T "$warmup_seconds" >/dev/null 2>&1
pg_rows_before=$(count_rows)
take_cpu_snapshot; cpu_before_pg=$cpu_snapshot
pgbench_ -T "$seconds" 2>&1 | tee "$work/pgbench.out"
sleep 0.5 # the postmaster reaps the backends that pgbench's clients leave
take_cpu_snapshot; cpu_after_pg=$cpu_snapshot
pg_rows_after=$(count_rows)
pg_tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pgbench.out" | head -1)
pg_latency=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$work/pgbench.out")
pg_failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.out")
[[ -n $pg_tps ]] || die "pgbench printed no tps"

# ---- summary -----------------------------------------------------------------------------------------------------
ok_responses=$(( ${w[wrk.requests]} - ${w[wrk.status_errors]} ))
our_rps=$(calc %.0f "${ok_responses} / (${w[wrk.duration_us]} / 1e6)")
committed=$(( rows_after - rows_before ))
rows_check="rows ≥ 201 responses, as they must be"
(( committed >= ok_responses )) || rows_check="FEWER ROWS THAN 201 RESPONSES: a 201 went out for a row that is not committed"
row() { printf '  | %-62s | %10s %-9s |\n' "$1" "$(calc %.0f "$2")" "$3"; }
pg_point_keys=$(printf '%s\n' "${!r[@]}" | grep -E '^routing\.pg_point_c[0-9]+$' | sort -V)
routing_rows=$(
  row "in-memory ComplaintRouter, 1 thread" "${r[routing.ours_1t]}" lookups/s
  row "in-memory ComplaintRouter, ${r[routing.cores]} threads" "${r[routing.ours_mt]}" lookups/s
  row "  1 thread, covered points only" "${r[routing.ours_1t_covered]}" lookups/s
  row "  1 thread, uncovered points only (snap search)" "${r[routing.ours_1t_uncovered]}" lookups/s
  for key in $pg_point_keys; do
    row "PostGIS ST_Covers, 1 prepared query per point, ${key#routing.pg_point_c} connections" "${r[$key]}" lookups/s
  done
  row "PostGIS ST_Covers, 1,000 points per query, ${r[routing.pg_batch_conns]} connections" "${r[routing.pg_batch]}" lookups/s
  for key in $pg_point_keys; do
    echo "  ratio in-memory (${r[routing.cores]} threads) / PostGIS per point, ${key#routing.pg_point_c} connections: $(calc %.0f "${r[routing.ours_mt]} / ${r[$key]}")×  (goal ≥ 50×)"
  done
  echo "  ratio in-memory (${r[routing.cores]} threads) / PostGIS batched: $(calc %.1f "${r[routing.ours_mt]} / ${r[routing.pg_batch]}")×"
)
summary=$(cat <<EOF
Ujar benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)).
  Client and server share these cores: wrk/pgbench, the service and PostgreSQL on one machine, loopback only.
PostgreSQL $pg_version; data on $tmp_fs under /tmp; $pg_settings
  (default durability: every commit waits for its WAL flush, on both sides)

Routing, official kelurahan layer: ${r[routing.points]} random points over the city's bounding box (fixed seed),
  $(calc %.1f "100 * ${r[routing.covered]} / ${r[routing.points]}")% covered, $(calc %.1f "100 * ${r[routing.snapped]} / ${r[routing.points]}")% snapped (≤ 200 m), the rest outside; PostGIS disagrees on ${r[routing.disagree]} points
$routing_rows
  (the router also snaps uncovered points within 200 m; the PostGIS queries only test coverage)

Intake, $connections concurrent connections, ${seconds} s after a ${warmup_seconds} s warm-up:
$(printf '  | %-36s | %6.0f req/s | p50 %6.2f ms, p99 %6.2f ms | non-2xx %s, socket errors %s |' \
    "POST /api/complaints, wrk -t2 -c$connections" "$our_rps" "$(calc %.2f "${w[wrk.p50_us]} / 1000")" \
    "$(calc %.2f "${w[wrk.p99_us]} / 1000")" "${w[wrk.status_errors]}" "${w[wrk.socket_errors]}")
$(printf '  | %-36s | %6.0f tps   | latency avg %6.2f ms      | failed %s |' \
    "pgbench INSERT 1 row/txn, -c$connections -j2" "$pg_tps" "$pg_latency" "${pg_failed:-0}")
  ours:    $(cpu_report "$cpu_before" "$cpu_after" "${w[wrk.requests]}" wrk)
  pgbench: $(cpu_report "$cpu_before_pg" "$cpu_after_pg" "$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/pgbench.out")" pgbench)
  (CPU per op: CPU seconds of each side over operations done; "other processes" high means a busy neighbour: rerun)
  ratio ours / pgbench: $(calc %.2f "$our_rps / $pg_tps")  (goal ≥ 0.6)
  rows committed during the wrk run: $committed for $ok_responses 2xx responses: $rows_check
    (the excess is requests in flight when wrk stopped); during the pgbench run: $(( pg_rows_after - pg_rows_before )) rows
EOF
)
save_summary "$summary"
