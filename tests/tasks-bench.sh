#!/usr/bin/env bash
# Benchmark (not a unit test: nothing here passes or fails on speed): a field crew's "nearest open tasks first",
# GET /api/tasks/nearby, over 1,000,000 complaints (5 % open) on the official boundaries, against pgbench running the
# endpoint's own KNN SQL at the same concurrency, in one run (goal: ≥ 0.5 of pgbench's rate, p99 < 20 ms).
# It starts its own throwaway PostgreSQL + PostGIS (fsync off: only reads are measured), migrates it and imports the
# official kecamatan + kelurahan with the service's own commands, generates the complaints in SQL, creates the demo
# accounts (the crew signs in as pupr.crew@ujar.local), and stops everything it started on exit. About 5 minutes.
# The summary also goes to tests/artifacts/tasks-bench-latest.txt.
#
#   tests/tasks-bench.sh
# env: UJAR_GIS_DATA (official boundaries; default ../shared/gis-data beside the checkout),
#      COMPLAINTS (default 1000000), BENCH_SECONDS (each load run, default 20), CONNECTIONS (default 32),
#      SERVICE_POOL (the service's Npgsql "Maximum Pool Size", default 8: about 4 per database core; see README)
source "$(dirname "$0")/lib/prelude.sh"

complaints=${COMPLAINTS:-1000000}
seconds=${BENCH_SECONDS:-20}
connections=${CONNECTIONS:-32}
service_pool=${SERVICE_POOL:-8}
warmup_seconds=5
radius=5000
limit=20
opd=pupr

require_gis_data
require_tools wrk pgbench

echo "== build (Release)"
build_release

echo "== PostgreSQL cluster in $work"
start_postgres "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=4GB -c max_connections=200"
create_postgis_db ujar
pg_version=$(psql_ -d ujar -At -c "SELECT current_setting('server_version') || ', PostGIS ' || postgis_lib_version()")
pg_settings=$(psql_ -d ujar -At -F= -c "SELECT name, setting || coalesce(unit, '') FROM pg_settings
  WHERE name IN ('shared_buffers', 'work_mem', 'max_connections', 'jit') ORDER BY name" | tr '\n' ' ')

echo "== migrate, import the official kecamatan and kelurahan"
run_api migrate
import_official_boundaries

echo "== $complaints complaints (SQL), 5 % open"
dotnet "$bench" hotspots --connection "$ConnectionStrings__Ujar" --complaints "$complaints" --data-only
psql_ -d ujar -f tests/Ujar.Benchmarks/tasks-data.sql >/dev/null
read -r open_total open_opd < <(psql_ -d ujar -At -F' ' -c "SELECT count(*), count(*) FILTER (WHERE opd_code = '$opd')
  FROM complaints WHERE status IN ('Received', 'Verified', 'Assigned', 'InProgress', 'Reopened')")
read -r min_lon min_lat max_lon max_lat < <(psql_ -d ujar -At -F' ' -c "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
  FROM (SELECT ST_Extent(geometry) AS e FROM boundaries b JOIN boundary_generations g ON g.id = b.generation_id
        WHERE g.is_active AND b.level = 'Kelurahan') x")

echo "== demo accounts (seed-demo --count 0)"
export UJAR_DEMO_PASSWORD=bench-$RANDOM-$RANDOM-password
run_api seed-demo --count 0

http_port=$(free_port)
echo "== service on http://127.0.0.1:$http_port (Release)"
# The generated city has ~50,000 complaints past their deadlines at once; the deadline watcher's first round would
# escalate them all during the measurement (in service, escalations trickle in as deadlines pass), so it waits a day.
start_service ujar "$http_port" Ujar__Sla__IntervalSeconds=86400 \
  "ConnectionStrings__Ujar=$ConnectionStrings__Ujar;Maximum Pool Size=$service_pool"
# Start-up work (the hotspot layers load every complaint into memory) would otherwise land in the measurement.
wait_for_log ujar "Complaint points loaded"
token=$(curl -fsS -H 'Content-Type: application/json' \
  -d "{\"email\":\"$opd.crew@ujar.local\",\"password\":\"$UJAR_DEMO_PASSWORD\"}" "$service_url/api/auth/login" \
  | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
[[ -n $token ]] || die "the crew could not sign in"

# One request checked by hand before the load: the endpoint answers, and with the crew's OPD's tasks.
center_lat=$(awk -v a="$min_lat" -v b="$max_lat" 'BEGIN { printf "%.6f", (a + b) / 2 }')
center_lon=$(awk -v a="$min_lon" -v b="$max_lon" 'BEGIN { printf "%.6f", (a + b) / 2 }')
sample=$(curl -fsS -H "Authorization: Bearer $token" \
  "$service_url/api/tasks/nearby?lat=$center_lat&lon=$center_lon&radius=$radius&limit=$limit") || die "GET /api/tasks/nearby failed"
sample_items=$(grep -o '"ticket"' <<<"$sample" | wc -l)

# ---- ours ---------------------------------------------------------------------------------------------------------
export UJAR_BENCH_TOKEN=$token UJAR_BENCH_BOX="$min_lon $min_lat $max_lon $max_lat" UJAR_BENCH_RADIUS=$radius UJAR_BENCH_LIMIT=$limit
echo "== wrk -t2 -c$connections GET /api/tasks/nearby (${warmup_seconds} s warm-up, ${seconds} s measured)"
load_before=$(cut -d' ' -f1 /proc/loadavg)
wrk -t2 -c"$connections" -d"${warmup_seconds}s" -s tests/Ujar.Benchmarks/nearby.lua "$service_url" >/dev/null
take_cpu_snapshot; cpu_before=$cpu_snapshot
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s tests/Ujar.Benchmarks/nearby.lua "$service_url" | tee "$work/wrk.out"
take_cpu_snapshot; cpu_after=$cpu_snapshot
stop_service "$service_pid"
declare -A w
while IFS='=' read -r key value; do w[$key]=$value; done < <(grep -E '^wrk\.[a-z_0-9]+=' "$work/wrk.out")
[[ -n ${w[wrk.requests]:-} ]] || die "wrk printed no results"

# ---- pgbench: the endpoint's SQL, the same positions' distribution and concurrency --------------------------------------
echo "== pgbench -M prepared -c $connections -j 2 -T $seconds -f nearby.sql"
micro() { awk -v x="$1" 'BEGIN { printf "%.0f", x * 1000000 }'; }
# The crew's own account: the service's query has a branch for their assignments, and so has nearby.sql.
assignee=$(psql_ -d ujar -At -c "SELECT id FROM \"AspNetUsers\" WHERE email = '$opd.crew@ujar.local'")
[[ -n $assignee ]] || die "no account $opd.crew@ujar.local"
pgbench_() { pgbench -h 127.0.0.1 -p "$pg_port" -U postgres -n -M prepared -c "$connections" -j 2 \
  -D min_lon_u="$(micro "$min_lon")" -D max_lon_u="$(micro "$max_lon")" -D min_lat_u="$(micro "$min_lat")" -D max_lat_u="$(micro "$max_lat")" \
  -D opd="$opd" -D assignee="$assignee" -D radius="$radius" -D lim="$limit" -f tests/Ujar.Benchmarks/nearby.sql "$@" ujar; }
pgbench_ -T "$warmup_seconds" >/dev/null 2>&1
take_cpu_snapshot; cpu_before_pg=$cpu_snapshot
# -l logs every transaction's latency (µs, third column), for pgbench's own p50/p99 beside wrk's.
pgbench_ -T "$seconds" -l --log-prefix="$work/pgbench-log" 2>&1 | tee "$work/pgbench.out"
sleep 0.5 # the postmaster reaps the backends that pgbench's clients leave
take_cpu_snapshot; cpu_after_pg=$cpu_snapshot
pg_tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pgbench.out" | head -1)
pg_latency=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$work/pgbench.out")
pg_failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.out")
read -r pg_p50 pg_p99 < <(cat "$work"/pgbench-log* | awk '{ print $3 }' | sort -n | awk '{ v[NR] = $1 }
  END { printf "%.2f %.2f\n", v[int(NR * 0.50)] / 1000, v[int(NR * 0.99)] / 1000 }')
[[ -n $pg_tps ]] || die "pgbench printed no tps"
load_after=$(cut -d' ' -f1 /proc/loadavg)

# ---- summary -----------------------------------------------------------------------------------------------------
ok=$(( ${w[wrk.requests]} - ${w[wrk.status_errors]} ))
our_rps=$(calc %.0f "$ok / (${w[wrk.duration_us]} / 1e6)")
summary=$(cat <<SUMMARY
Ujar nearby-tasks benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)).
  wrk/pgbench, the service (Release) and PostgreSQL $pg_version share these cores; loopback only. $pg_settings
  $complaints complaints on the official kelurahan, $open_total open (5 %), $open_opd of them for the crew's OPD ($opd).
  Service connection pool: at most $service_pool connections (Maximum Pool Size); pgbench: $connections.
  Crew positions uniform over the city's extent ($min_lon..$max_lon, $min_lat..$max_lat), radius $radius m, limit $limit.
  Load average (1 min) $load_before before, $load_after after.

$(printf '  | %-44s | %7.0f req/s | p50 %6.2f ms, p99 %6.2f ms | non-2xx %s, socket errors %s |' \
    "GET /api/tasks/nearby, wrk -t2 -c$connections" "$our_rps" "$(calc %.2f "${w[wrk.p50_us]} / 1000")" \
    "$(calc %.2f "${w[wrk.p99_us]} / 1000")" "${w[wrk.status_errors]}" "${w[wrk.socket_errors]}")
$(printf '  | %-44s | %7.0f tps   | p50 %6.2f ms, p99 %6.2f ms | failed %s (avg %s ms) |' \
    "pgbench, the same KNN SQL, -c$connections -j2" "$pg_tps" "$pg_p50" "$pg_p99" "${pg_failed:-0}" "$pg_latency")
  ours:    $(cpu_report "$cpu_before" "$cpu_after" "${w[wrk.requests]}" wrk)
  pgbench: $(cpu_report "$cpu_before_pg" "$cpu_after_pg" "$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/pgbench.out")" pgbench)
  ratio ours / pgbench: $(calc %.2f "$our_rps / $pg_tps")  (goal ≥ 0.5; p99 goal < 20 ms)
  check: one request from the city's centre returned $sample_items tasks.
SUMMARY
)
save_summary "$summary"
