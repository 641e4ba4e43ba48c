#!/usr/bin/env bash
# Times GET /api/performance (the public performance figures) on a Release service over COMPLAINTS (default 1,000,000)
# generated complaints spread over the last two years, each with the status steps its status implies (up to six:
# received → verified → assigned → in progress → resolved → closed / reopened; or rejected; one in 50 re-routed to
# another OPD first); ids follow the filing time, as the service writes them. It starts its own throwaway PostgreSQL
# + PostGIS, migrates it, imports the fixture city's boundaries, starts a Release service, waits until the service has
# loaded its in-memory hotspot points (that start-up work would otherwise land in the timings) and times the default
# period (the last 90 days) and a full 366-day period, RUNS times each (median, min, max, via curl). Nothing here is
# part of `dotnet test`.
#   tests/performance-bench.sh            COMPLAINTS=200000 RUNS=3 tests/performance-bench.sh
source "$(dirname "$0")/lib/prelude.sh"
complaints=${COMPLAINTS:-1000000}
runs=${RUNS:-5}
fixture=$root/gis-data/fixture-city

require_tools

echo "== build (Release)"
build_release

echo "== PostgreSQL cluster in $work"
start_postgres "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=4GB"
create_postgis_db ujar
export Ujar__GisData=$root/gis-data

echo "== migrate, import the fixture city"
run_api migrate
import_boundaries "$fixture/kecamatan.geojson" "$fixture/kelurahan.geojson" parent_code

echo "== $complaints complaints over two years, with their status steps"
psql_ -d ujar <<SQL
WITH ref AS (
  SELECT (SELECT array_agg(code ORDER BY code) FROM categories) AS categories,
         (SELECT array_agg(opd_code ORDER BY code) FROM categories) AS opds,
         (SELECT array_agg(code ORDER BY code) FROM boundaries WHERE level = 'Kelurahan') AS kelurahan,
         (SELECT array_agg(parent_code ORDER BY code) FROM boundaries WHERE level = 'Kelurahan') AS kecamatan,
         (SELECT id FROM boundary_generations WHERE is_active) AS generation
)
INSERT INTO complaints (ticket, category_code, description, location, kelurahan_code, kecamatan_code, opd_code, status, created_at,
                        anonymous, channel, is_demo, snapped, snap_distance_meters, boundary_generation_id, support_count)
SELECT 'BENCH-' || g, categories[1 + g % 10], 'bench', ST_SetSRID(ST_MakePoint(100.05, 0.05), 4326),
       kelurahan[1 + g % array_length(kelurahan, 1)], kecamatan[1 + g % array_length(kecamatan, 1)], opds[1 + g % 10],
       (ARRAY['Received','Verified','Assigned','InProgress','Resolved','Closed','Closed','Closed','Rejected','Reopened'])[1 + (g / 10) % 10],
       now() - ($complaints - g) * (interval '730 days' / $complaints),
       false, 'Web', true, false, 0, generation, 0
FROM ref, generate_series(1, $complaints) g;

-- The path each status implies; one in 50 complaints is first re-routed (two steps, as the service writes them).
INSERT INTO status_changes (complaint_id, "from", "to", at, opd_code)
SELECT c.id, p.path[i], p.path[i + 1], c.created_at + i * interval '20 hours', c.opd_code
FROM complaints c
CROSS JOIN LATERAL (SELECT CASE c.status
    WHEN 'Rejected' THEN ARRAY['Received','Rejected']
    WHEN 'Reopened' THEN ARRAY['Received','Verified','Assigned','InProgress','Resolved','Reopened']
    ELSE (ARRAY['Received','Verified','Assigned','InProgress','Resolved','Closed'])[1:array_position(
      ARRAY['Received','Verified','Assigned','InProgress','Resolved','Closed'], c.status)] END AS path) p
CROSS JOIN LATERAL generate_series(1, array_length(p.path, 1) - 1) i;

INSERT INTO status_changes (complaint_id, "from", "to", at, opd_code)
SELECT c.id, s.from_status, s.to_status, c.created_at + s.offset_ * interval '1 microsecond', s.opd
FROM complaints c
CROSS JOIN LATERAL (VALUES ('Received', 'NotOurRemit', 1, 'dinsos'), ('NotOurRemit', 'Received', 2, c.opd_code))
  AS s(from_status, to_status, offset_, opd)
WHERE c.id % 50 = 0;
VACUUM ANALYZE complaints;
VACUUM ANALYZE status_changes;
SQL
psql_ -d ujar -At -c "SELECT 'complaints: ' || (SELECT count(*) FROM complaints) || ', status steps: ' || (SELECT count(*) FROM status_changes)
  || ', in the last 90 days: ' || (SELECT count(*) FROM complaints WHERE created_at > now() - interval '90 days')"

echo "== service (Release)"
start_service ujar "$(free_port)"
wait_for_log ujar "Complaint points loaded"

today=$(TZ=Asia/Jakarta date +%F)
year_ago=$(TZ=Asia/Jakarta date -d "$today - 365 days" +%F)
time_url() {
  local label=$1 url=$2 times=()
  curl -sf "$url" -o "$work/answer.json" || die "GET $url failed"   # warm-up (JIT, connection pool, caches)
  for _ in $(seq 1 "$runs"); do
    times+=("$(curl -sf -o /dev/null -w '%{time_total}' "$url")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" '{ t[NR] = $1 } END {
    printf "%-34s median %4.0f ms  (min %4.0f, max %4.0f, %d runs)\n", label, t[int((NR + 1) / 2)] * 1000, t[1] * 1000, t[NR] * 1000, NR }'
  [[ $url == *.csv* ]] || python3 -c "import json; r = json.load(open('$work/answer.json')); print('  received per OPD:', {o['code']: o['received'] for o in r['opds']})"
}
time_url "GET /api/performance (90 days)" "$service_url/api/performance"
time_url "GET /api/performance (366 days)" "$service_url/api/performance?from=$year_ago&to=$today"
time_url "GET /api/performance.csv (366 days)" "$service_url/api/performance.csv?from=$year_ago&to=$today"
