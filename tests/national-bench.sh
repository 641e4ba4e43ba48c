#!/usr/bin/env bash
# Benchmark (not a unit test: nothing here passes or fails on speed). National scale in one run, over a made-up layer the
# size of Indonesia's (83,700 desa/kelurahan; `Ujar.Benchmarks national-boundaries`, fixed seed):
#   1. import: import-boundaries --level kelurahan --with-kecamatan --commit, wall and CPU time (goal < 5 minutes);
#   2. routing: the router's load-and-index time and memory, in-memory lookups/s with the whole country loaded (goal ≥
#      100,000/s) vs PostGIS ST_Covers per point and batched, points in the boxes of random kelurahan;
#   3. the service: its memory once it routes over the national generation;
#   4. the map's boundary layer (GET /api/boundaries?bbox=&zoom=) at a few zooms: features, bytes, time; and the whole
#      layer without a view, as a map without bbox/zoom would ask for it.
# It starts its own throwaway PostgreSQL + PostGIS (fsync off: the import's durability is not what is measured) and
# stops everything on exit. 10–30 minutes, most of it the import. The summary also goes to
# tests/artifacts/national-bench-latest.txt.
#
#   tests/national-bench.sh
# env: NATIONAL_COUNT (kelurahan, default 83700), ROUTING_SECONDS (each routing figure, default 5),
#      ROUTING_POINTS (default 100000)
source "$(dirname "$0")/lib/prelude.sh"

count=${NATIONAL_COUNT:-83700}
routing_seconds=${ROUTING_SECONDS:-5}
routing_points=${ROUTING_POINTS:-100000}

require_tools

echo "== build (Release)"
build_release

echo "== PostgreSQL cluster in $work"
# Statements over a second are logged with their duration: where the import spends its time.
start_postgres "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB -c work_mem=64MB -c max_connections=100 -c log_min_duration_statement=1000"
create_postgis_db ujar
pg_version=$(psql_ -d ujar -At -c "SELECT current_setting('server_version') || ', PostGIS ' || postgis_lib_version()")
run_api migrate

# ---- 1. the layer and its import --------------------------------------------------------------------------------------
echo "== generate $count kelurahan"
dotnet "$bench" national-boundaries --out "$work/national-kelurahan.geojson" --count "$count" | tee "$work/generate.out"

echo "== import (one generation, kecamatan dissolved from the kelurahan)"
take_cpu_snapshot; before=$cpu_snapshot
dotnet "$api" import-boundaries "$work/national-kelurahan.geojson" --level kelurahan --with-kecamatan \
  --parent-property kecamatan_code --parent-name-property kecamatan --commit >"$work/import.log" 2>&1 \
  || { tail -n 40 "$work/import.log" >&2; die "the national import was refused or failed"; }
take_cpu_snapshot; after=$cpu_snapshot
read -r t0 m0 _ _ c0 <<<"$before"
read -r t1 m1 _ _ c1 <<<"$after"
hz=$(getconf CLK_TCK)
import_wall=$(calc %.0f "$t1 - $t0")
import_client_cpu=$(calc %.0f "($c1 - $c0) / $hz")
import_busy=$(calc %.0f "100 * ($m1 - $m0) / (($t1 - $t0) * $hz * $(nproc))")
grep -E "^Impor|^  [0-9]|^DITERAPKAN|^[A-Z][a-z].* / .*: [0-9]" "$work/import.log" | sed 's/^/  /'
# The import's statements that took over a second, from the server log: "seconds  statement…".
import_phases=$(awk '/duration: [0-9.]+ ms/ { match($0, /duration: [0-9.]+ ms/); ms = substr($0, RSTART + 10, RLENGTH - 13)
  sub(/.*(statement|execute [^:]*): /, ""); printf "    %7.1f s  %s\n", ms / 1000, substr($0, 1, 90) }' "$work/postgres.log")
echo "$import_phases"
counts=$(psql_ -d ujar -At -F' ' -c "SELECT count(*) FILTER (WHERE level = 'Kelurahan'), count(*) FILTER (WHERE level = 'Kecamatan')
  FROM boundaries b JOIN boundary_generations g ON g.id = b.generation_id AND g.is_active")
read -r kelurahan kecamatan <<<"$counts"
# PostgreSQL's share is in the statement durations above: the import's session ends after the snapshot can see it.
echo "  active generation: $kelurahan kelurahan, $kecamatan kecamatan; import ${import_wall} s wall, importer CPU ${import_client_cpu} s, machine ${import_busy}% busy"

# ---- 2. routing ---------------------------------------------------------------------------------------------------------
echo "== routing over the national generation (${routing_seconds}s per figure)"
dotnet "$bench" routing --active --connection "$ConnectionStrings__Ujar" --points "$routing_points" \
  --seconds "$routing_seconds" --pg-connections 2,4 | tee "$work/routing.out"
declare -A r
while IFS='=' read -r key value; do r[$key]=$value; done < <(grep -E '^routing\.[a-z_0-9]+=' "$work/routing.out")
[[ -n ${r[routing.ours_mt]:-} ]] || die "the routing benchmark printed no results"

# ---- 3. the service over it ---------------------------------------------------------------------------------------------
echo "== the service"
start_service national "$(free_port)"
wait_for_log national "Routing over boundary generation"
service_rss_mb=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$service_pid/status")

# ---- 4. the boundary layer by zoom --------------------------------------------------------------------------------------
echo "== GET /api/boundaries by view"
# name level bbox zoom: the country, western Java, a city (Bandung), a few kelurahan.
views=(
  "country kelurahan 94.5,-11.5,141.5,6.5 5"
  "country kecamatan 94.5,-11.5,141.5,6.5 5"
  "west-java kelurahan 105.0,-7.9,109.0,-5.8 8"
  "city kelurahan 107.45,-7.05,107.8,-6.8 11"
  "district kelurahan 107.58,-6.95,107.66,-6.9 14"
)
layer_rows=""
fetch() { # url → "features bytes gzip_bytes seconds" (the median time of 3 calls after one warm-up)
  local url=$1 times=() features bytes gzipped
  curl -fsS "$url" -o "$work/layer.json"
  for _ in 1 2 3; do times+=("$(curl -fsS -o /dev/null -w '%{time_total}' "$url")"); done
  features=$(grep -o '"code"' "$work/layer.json" | wc -l)
  bytes=$(stat -c %s "$work/layer.json")
  gzipped=$(curl -fsS -H 'Accept-Encoding: br' -o /dev/null -w '%{size_download}' "$url")
  echo "$features $bytes $gzipped $(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)"
}
for view in "${views[@]}"; do
  read -r name level bbox zoom <<<"$view"
  read -r features bytes compressed seconds <<<"$(fetch "$service_url/api/boundaries?level=$level&bbox=$bbox&zoom=$zoom")"
  layer_rows+=$(printf '  %-10s %-9s zoom %2s  %6s features  %9s bytes (%8s brotli)  %6.3f s' "$name" "$level" "$zoom" "$features" "$bytes" "$compressed" "$seconds")$'\n'
done
read -r features bytes compressed seconds <<<"$(fetch "$service_url/api/boundaries?level=kelurahan")"
layer_rows+=$(printf '  %-10s %-9s whole    %6s features  %9s bytes (%8s brotli)  %6.3f s  (no bbox/zoom)' "all" kelurahan "$features" "$bytes" "$compressed" "$seconds")
echo "$layer_rows"

ratio() { calc %.1f "$1 / $2"; }
save_summary "National scale ($(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $pg_version, fsync off)
$(tail -n 1 "$work/generate.out")
Import (--with-kecamatan, one generation): $kelurahan kelurahan + $kecamatan kecamatan in ${import_wall} s wall (goal < 300 s);
  importer CPU ${import_client_cpu} s; machine ${import_busy}% busy during it; PostgreSQL statements over 1 s:
$import_phases
Router: ${r[routing.kelurahan]} kelurahan loaded and indexed in $(calc %.1f "${r[routing.index_seconds]}") s; $(calc %.0f "${r[routing.index_mb]}") MB managed heap for the index, benchmark process $(calc %.0f "${r[routing.process_mb]}") MB; the service $service_rss_mb MB RSS routing over it
Lookups ($(calc %.0f "${r[routing.points]}") points in the boxes of random kelurahan: $(calc %.1f "100 * ${r[routing.covered]} / ${r[routing.points]}")% covered, $(calc %.1f "100 * ${r[routing.snapped]} / ${r[routing.points]}")% snapped; PostGIS disagrees on ${r[routing.disagree]}):
  in-memory, 1 thread:                 $(calc %9.0f "${r[routing.ours_1t]}") lookups/s
  in-memory, ${r[routing.cores]} threads:               $(calc %9.0f "${r[routing.ours_mt]}") lookups/s   (goal ≥ 100,000)
  PostGIS ST_Covers, 1 point/query:    $(calc %9.0f "${r[routing.pg_point]}") lookups/s   (${r[routing.pg_point_conns]} connections)  ratio $(ratio "${r[routing.ours_mt]}" "${r[routing.pg_point]}")×
  PostGIS ST_Covers, 1,000/query:      $(calc %9.0f "${r[routing.pg_batch]}") lookups/s   (${r[routing.pg_batch_conns]} connections)  ratio $(ratio "${r[routing.ours_mt]}" "${r[routing.pg_batch]}")×
Boundary layer by view (GET /api/boundaries?level=&bbox=&zoom=, median of 3):
$layer_rows"
