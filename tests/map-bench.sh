#!/usr/bin/env bash
# Benchmark (not a unit test: nothing here passes or fails on speed): the citizens' map over 100,000 complaints.
# In headless Chromium, at the default city view, five times each (after one warm-up):
#   - navigation start → first complete map (body[data-map-ready=true]);
#   - end of a pan (mouse drag) → next complete redraw (body.dataset.renderCount + 1);
#   - marker elements in the page (.ujar-marker, .ujar-cluster): what the browser holds, not 100,000.
# Baseline in the same run: the same page from a second service over a database with the same boundaries and no
# complaints, so the ratio is what the 100,000 complaints cost. It starts its own throwaway PostgreSQL + PostGIS and
# both services (Release) on 127.0.0.1, and stops everything it started on exit. About 2 minutes.
# The summary also goes to tests/artifacts/map-bench-latest.txt.
#
#   tests/map-bench.sh
# env: COMPLAINTS (default 100000), RUNS (default 5)
source "$(dirname "$0")/lib/prelude.sh"

complaints=${COMPLAINTS:-100000}
runs=${RUNS:-5}

require_tools npm /usr/bin/chromium

echo "== build: web/ (vite) and the service + benchmark (Release)"
build_web
build_release

# ---- PostgreSQL + PostGIS (reads are measured here, not commits: durability settings do not matter) -------------------
echo "== PostgreSQL cluster in $work"
start_postgres "-c fsync=off -c synchronous_commit=off"
pg_version=$(psql_ -d postgres -At -c "SELECT current_setting('server_version')")

# Both databases get the same demo boundaries (seed-demo --count 0); only one gets complaints: ujar, created last, so
# the commands below and the service "ours" use it.
for db in ujar_empty ujar; do
  create_postgis_db "$db"
  run_api migrate
  run_api seed-demo --count 0
done
echo "== seed-demo --count $complaints --without-history (demo complaints routed by the real router, spread as a city reports)"
seed_started=$(date +%s.%N)
run_api seed-demo --count "$complaints" --seed 20261128 --without-history
seed_seconds=$(awk -v a="$seed_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
psql_ -d ujar -c "VACUUM ANALYZE"
rows=$(psql_ -d ujar -At -c "SELECT count(*) FROM complaints")
(( rows == complaints )) || die "expected $complaints complaints, found $rows"

# ---- both services --------------------------------------------------------------------------------------------------
start_service ours "$(free_port)" Ujar__WebRoot="$root/web/dist"; ours_url=$service_url
start_service baseline "$(free_port)" Ujar__WebRoot="$root/web/dist" ConnectionStrings__Ujar="$(connection ujar_empty)"
baseline_url=$service_url
echo "== services: ours $ours_url ($rows complaints), baseline $baseline_url (0 complaints)"

# ---- measure ------------------------------------------------------------------------------------------------------
echo "== headless Chromium, $runs runs per side, interleaved"
# Other work on the machine slows both sides; the load is printed so a disturbed run can be recognised and repeated.
load_before=$(cut -d' ' -f1 /proc/loadavg)
dotnet "$bench" map --ours "$ours_url" --baseline "$baseline_url" --runs "$runs" | tee "$work/map.out"
declare -A m
while IFS='=' read -r key value; do m[$key]=$value; done < <(grep -E '^map\.[a-z_.]+=' "$work/map.out")
[[ -n ${m[map.ours.ready_median_ms]:-} ]] || die "the map benchmark printed no results"
load_after=$(cut -d' ' -f1 /proc/loadavg)

# ---- summary -----------------------------------------------------------------------------------------------------
line() { printf '  | %-48s | %9s | %9s | %7s |\n' "$@"; }
ms() { calc "%.0f ms" "$1"; }
ratio() { calc "%.2f x" "$1 / ($2 > 0 ? $2 : 1)"; }
summary=$(cat <<EOF
Ujar map benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)).
  Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{ print $2 }'), headless, 1280×800, fresh profile per run; the service (Release)
  and PostgreSQL $pg_version share these cores with the browser; loopback only.
  ours: $rows demo complaints (seed-demo, ${seed_seconds} s to load); baseline: the same boundaries, no complaints.
  Default city view (/api/config), $runs runs per side after one warm-up each, interleaved.
  Load average (1 min) $load_before before and $load_after after the runs, on $(nproc) cores: above ~2, other work shared them.

$(line "" "ours" "baseline" "ratio")
$(line "------------------------------------------------" "---------" "---------" "-------")
$(line "first complete map, median" "$(ms "${m[map.ours.ready_median_ms]}")" "$(ms "${m[map.baseline.ready_median_ms]}")" "$(ratio "${m[map.ours.ready_median_ms]}" "${m[map.baseline.ready_median_ms]}")")
$(line "first complete map, max" "$(ms "${m[map.ours.ready_max_ms]}")" "$(ms "${m[map.baseline.ready_max_ms]}")" "$(ratio "${m[map.ours.ready_max_ms]}" "${m[map.baseline.ready_max_ms]}")")
$(line "  of which the complaint-layer request, median" "$(ms "${m[map.ours.request_median_ms]}")" "$(ms "${m[map.baseline.request_median_ms]}")" "$(ratio "${m[map.ours.request_median_ms]}" "${m[map.baseline.request_median_ms]}")")
$(line "pan (drag released) to redraw, median" "$(ms "${m[map.ours.pan_median_ms]}")" "$(ms "${m[map.baseline.pan_median_ms]}")" "$(ratio "${m[map.ours.pan_median_ms]}" "${m[map.baseline.pan_median_ms]}")")
$(line "pan (drag released) to redraw, max" "$(ms "${m[map.ours.pan_max_ms]}")" "$(ms "${m[map.baseline.pan_max_ms]}")" "$(ratio "${m[map.ours.pan_max_ms]}" "${m[map.baseline.pan_max_ms]}")")
$(line "marker elements in the page, most seen" "$(calc %.0f "${m[map.ours.markers_max]}")" "$(calc %.0f "${m[map.baseline.markers_max]}")" "")
  ("first complete map" counts from navigation start: HTML, scripts, /api/config, boundaries, the complaint layer and
  its drawing. The pan is a 300 px mouse drag held still before release, so Leaflet ends it without inertia.)
EOF
)
save_summary "$summary"
