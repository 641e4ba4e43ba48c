#!/usr/bin/env bash
# Benchmark (not a unit test: nothing here passes or fails on speed): the planners' hotspot layers over 1,000,000
# complaints on the official boundaries, against the same computations written directly in PostGIS SQL, in one run:
#   1. hex counts + Getis-Ord Gi* for the whole city at 250 m (goal < 1.5 s and ≤ 1.0× PostGIS's time);
#   2. DBSCAN of the 100,000 complaints of one category at eps 100 m, minPoints 5 (goal < 3 s and ≤ 1.0× PostGIS's).
# Both sides must give the same answers (cells, counts, z, bins; clusters, core points, noise) before a time counts.
# It starts its own throwaway PostgreSQL + PostGIS (fsync off: only reads are measured), migrates it and imports the
# official kecamatan + kelurahan with the service's own commands, generates the complaints in SQL, and stops
# everything it started on exit. About 5 minutes. The summary also goes to tests/artifacts/hotspots-bench-latest.txt.
#
#   tests/hotspots-bench.sh
# env: UJAR_GIS_DATA (official boundaries; default ../shared/gis-data beside the checkout),
#      COMPLAINTS (default 1000000), RUNS (default 5)
source "$(dirname "$0")/lib/prelude.sh"

complaints=${COMPLAINTS:-1000000}
runs=${RUNS:-5}

require_gis_data
require_tools

echo "== build (Release)"
build_release

# ---- PostgreSQL + PostGIS, the official boundaries ----------------------------------------------------------------
echo "== PostgreSQL cluster in $work"
start_postgres "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=4GB"
create_postgis_db ujar
pg_version=$(psql_ -d ujar -At -c "SELECT current_setting('server_version') || ', PostGIS ' || postgis_lib_version()")
pg_settings=$(psql_ -d ujar -At -F= -c "SELECT name, setting || coalesce(unit, '') FROM pg_settings
  WHERE name IN ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather') ORDER BY name" | tr '\n' ' ')

echo "== migrate, import the official kecamatan and kelurahan (import-boundaries … --commit)"
run_api migrate
import_official_boundaries

echo "== $complaints complaints (SQL)"
dotnet "$bench" hotspots --connection "$ConnectionStrings__Ujar" --complaints "$complaints" --data-only

# ---- the service (Release), which loads them into ComplaintPoints at start ---------------------------------------------
start_service ujar "$(free_port)"

# ---- measure ------------------------------------------------------------------------------------------------------
echo "== ours (engines and GET /api/hotspots/hex at $service_url) and PostGIS, $runs runs each after a warm-up"
# Other work on the machine slows both sides; the load is printed so a disturbed run can be recognised and repeated.
load_before=$(cut -d' ' -f1 /proc/loadavg)
answers="the same"
dotnet "$bench" hotspots --connection "$ConnectionStrings__Ujar" --complaints "$complaints" --runs "$runs" --service "$service_url" | tee "$work/hotspots.out" \
  || answers="NOT THE SAME (see the checks below)"
load_after=$(cut -d' ' -f1 /proc/loadavg)
declare -A h
while IFS='=' read -r key value; do h[$key]=$value; done < <(grep -E '^hotspots\.[a-z_.]+=' "$work/hotspots.out")
[[ -n ${h[hotspots.hex.ours_warm_ms]:-} && -n ${h[hotspots.dbscan.pg_ms]:-} ]] || die "the hotspots benchmark printed no results"

# ---- summary -----------------------------------------------------------------------------------------------------
line() { printf '  | %-58s | %9s | %9s | %7s |\n' "$@"; }
ms() { calc "%.0f ms" "$1"; }
ratio() { calc "%.2f x" "$1 / $2"; }
summary=$(cat <<SUMMARY
Ujar hotspots benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)).
  PostgreSQL $pg_version ($pg_settings) and the benchmark process (.NET, Release) share these cores; loopback only.
  ${h[hotspots.complaints]} complaints over the official kelurahan (SQL: 90 % spread by area with ST_GeneratePoints, 10 % in
  six 300 m discs; 10 categories of a tenth each; created over the last year). ComplaintPoints loads them in ${h[hotspots.load_s]} s.
  Median of ${h[hotspots.runs]} rounds after a warm-up round, each round running every measurement in turn. Load average (1 min) $load_before before and $load_after after, on $(nproc) cores:
  above ~2, other work shared them and both columns are slower than on a quiet machine.

$(line "" "ours" "PostGIS" "ratio")
$(line "----------------------------------------------------------" "---------" "---------" "-------")
$(line "hex ${h[hotspots.cell]} m + Gi*, whole city, grid cached / indexed" "$(ms "${h[hotspots.hex.ours_warm_ms]}")" "$(ms "${h[hotspots.hex.pg_warm_ms]}")" "$(ratio "${h[hotspots.hex.ours_warm_ms]}" "${h[hotspots.hex.pg_warm_ms]}")")
$(line "  ours: select ${h[hotspots.hex.ours_select_ms]} ms, count ${h[hotspots.hex.ours_count_ms]} ms, Gi* ${h[hotspots.hex.ours_gi_ms]} ms" "" "" "")
$(line "hex ${h[hotspots.cell]} m + Gi*, grid built in the same run" "$(ms "${h[hotspots.hex.ours_cold_ms]}")" "$(ms "${h[hotspots.hex.pg_cold_ms]}")" "$(ratio "${h[hotspots.hex.ours_cold_ms]}" "${h[hotspots.hex.pg_cold_ms]}")")
$(line "  GET /api/hotspots/hex on the service, whole GeoJSON read" "$(ms "${h[hotspots.hex.http_ms]}")" "" "")
$(line "DBSCAN ${h[hotspots.dbscan.points]} (${h[hotspots.dbscan.category]}), eps ${h[hotspots.dbscan.eps]} m, minPoints ${h[hotspots.dbscan.min_points]}" "$(ms "${h[hotspots.dbscan.ours_ms]}")" "$(ms "${h[hotspots.dbscan.pg_ms]}")" "$(ratio "${h[hotspots.dbscan.ours_ms]}" "${h[hotspots.dbscan.pg_ms]}")")
  Goals: hex + Gi* < 1.5 s, DBSCAN < 3 s, each ≤ 1.0× PostGIS's time.

  Answers $answers:
  hex (${h[hotspots.cells]} cells, band ${h[hotspots.band]} m, the default): ${h[hotspots.hex.check]}
  GET /api/hotspots/hex ($(calc %.1f "${h[hotspots.hex.http_mb]}") MB of GeoJSON): ${h[hotspots.hex.http_check]}
  DBSCAN: ${h[hotspots.dbscan.check]}

  Ours: from the in-memory ComplaintPoints to per-cell count, z, p, bin (select the filtered points, count per cell,
  Gi*); "built in the same run" adds HexGrid.Build (kelurahan union, hexagons clipped to it, default band) and the
  neighbours. DBSCAN: select the category's points, then Dbscan.Run to labels and core flags. The GET adds the HTTP
  round trip and the GeoJSON of every clipped cell polygon (each request a different from=, so never the result cache).
  PostGIS: the points pre-projected to EPSG:32648 with a GiST index and clustered on it, jit off; ST_HexagonGrid over
  the kelurahan union (axes swapped: its hexagons are flat-top, ours pointy-top), a count subquery per cell
  (ST_Intersects), Gi* by a self-join of cell centres with ST_DWithin, rows read by the client; "grid built" creates
  the grid table and its index in the same command. DBSCAN: ST_ClusterDBSCAN(geom, eps, minpoints) OVER () on the
  category's rows, every id and cluster read by the client.
SUMMARY
)
save_summary "$summary"
