#!/usr/bin/env bash
# Benchmark (not a unit test: nothing here passes or fails on speed): how long a live map waits for a complaint. One
# Release service on a throwaway PostgreSQL + PostGIS with default durability and the official boundaries; a SignalR
# client (tests/Ujar.Benchmarks live-latency) watches the whole city while probes are filed one at a time through
# POST /api/complaints: request sent → its complaint_filed event received, and 201 → received. Twice: on an idle
# service, and while LOAD_USERS other clients file back to back. About 1 minute. Summary also in
# tests/artifacts/live-bench-latest.txt.
#
#   tests/live-bench.sh
# env: UJAR_GIS_DATA (official boundaries; default ../shared/gis-data beside the checkout),
#      PROBES (default 200), LOAD_USERS (default 8)
source "$(dirname "$0")/lib/prelude.sh"

probes=${PROBES:-200}
load_users=${LOAD_USERS:-8}

require_gis_data
require_tools

echo "== build (Release)"
build_release

echo "== PostgreSQL cluster in $work (default durability), the official boundaries, the service"
start_postgres
create_postgis_db ujar
run_api migrate
import_official_boundaries
write_pins "$work/pins.txt" 5000
start_service ujar "$(free_port)" Ujar__Sla__IntervalSeconds=86400

declare -A d
measure() { # measure NAME [live-latency options…]
  dotnet "$bench" live-latency --service "$service_url" --pins "$work/pins.txt" --probes "$probes" "${@:2}" | tee "$work/$1.out"
  while IFS='=' read -r key value; do d[$1.$key]=$value; done < <(grep -E '^live\.[a-z_0-9.]+=' "$work/$1.out")
  [[ ${d[$1.live.missing]:-x} == 0 ]] || die "$1: some probes never reached the live client"
}
echo "== $probes probes, idle"
measure idle --gap-ms 100
echo "== $probes probes while $load_users clients file back to back"
measure load --gap-ms 100 --load-users "$load_users"
stop_service "$service_pid"

row() { # row LABEL NAME
  printf '| %s | %s / %s / %s ms | %s / %s ms | %s ms |\n' "$1" \
    "${d[$2.live.filed_to_received.p50_ms]}" "${d[$2.live.filed_to_received.p95_ms]}" "${d[$2.live.filed_to_received.max_ms]}" \
    "${d[$2.live.answer_to_received.p50_ms]}" "${d[$2.live.answer_to_received.p95_ms]}" "${d[$2.live.answer.p50_ms]}"
}
save_summary "live-bench $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD), $probes probes each, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)
| service | filed → received p50 / p95 / max | 201 → received p50 / p95 | 201 p50 |
|---|---|---|---|
$(row idle idle)
$(row "$load_users clients filing" load)"
