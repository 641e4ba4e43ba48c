#!/usr/bin/env bash
# Benchmark (not a unit test: nothing here passes or fails on speed): the three doors of the intake in one run, under
# the same load from the same client (tests/Ujar.Benchmarks intake), one after the other against one Release service:
#   1. POST /api/complaints (the web map's JSON): the reference;
#   2. Open311 POST /open311/v2/requests.json (form-urlencoded, a channel key): ratio to 1;
#   3. signed WhatsApp webhooks, each virtual user playing whole conversations (location, category, description,
#      Lewati; each message sent once the previous one was acknowledged): the webhook's answer time (goal p99 < 50 ms,
#      the work continuing after) and how fast the conversations become complaints;
# and, as the raw baseline, pgbench inserting the row POST /api/complaints stores, at the same concurrency.
# A stand-in for Meta's Graph API (tests/Ujar.Benchmarks fake-graph) takes the bot's replies. It starts its own
# throwaway PostgreSQL + PostGIS with default durability (every commit waits for its WAL flush), imports the official
# boundaries, and stops everything it started on exit. About 3 minutes. Summary also in tests/artifacts/intake-bench-latest.txt.
#
#   tests/intake-bench.sh
# env: UJAR_GIS_DATA (official boundaries; default ../shared/gis-data beside the checkout),
#      BENCH_SECONDS (each door, default 20), USERS (concurrent virtual users, default 32),
#      WHATSAPP_WORKERS (the service's Ujar:WhatsApp:Workers; default: the service's own)
source "$(dirname "$0")/lib/prelude.sh"

seconds=${BENCH_SECONDS:-20}
users=${USERS:-32}
warmup_seconds=3
app_secret=bench-app-secret

require_gis_data
require_tools pgbench

echo "== build (Release)"
build_release

echo "== PostgreSQL cluster in $work (default durability)"
start_postgres "-c max_connections=200"
create_postgis_db ujar
pg_version=$(psql_ -d ujar -At -c "SELECT current_setting('server_version') || ', PostGIS ' || postgis_lib_version()")

echo "== migrate, import the official kecamatan and kelurahan, a channel key"
run_api migrate
import_official_boundaries
generation=$(psql_ -d ujar -At -c "SELECT id FROM boundary_generations WHERE is_active")
api_key=$(dotnet "$api" channel-key create --name intake-bench --channel open311 2>/dev/null) || die "channel-key create failed"
write_pins "$work/pins.txt" 20000

echo "== the Graph API stand-in and the service"
graph_port=$(free_port)
dotnet "$bench" fake-graph --port "$graph_port" >"$work/fake-graph.log" 2>&1 &
service_pids+=("$!")
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$graph_port/count" >/dev/null 2>&1 && break; sleep 0.2; done
start_service ujar "$(free_port)" \
  Ujar__WhatsApp__AppSecret="$app_secret" Ujar__WhatsApp__AccessToken=bench-token Ujar__WhatsApp__PhoneNumberId=bench-phone \
  Ujar__WhatsApp__GraphBaseUrl="http://127.0.0.1:$graph_port" Ujar__Sla__IntervalSeconds=86400 \
  ${WHATSAPP_WORKERS:+Ujar__WhatsApp__Workers=$WHATSAPP_WORKERS}
curl -fsS "$service_url/healthz" | grep -q '"boundaryGeneration":'"$generation" || die "the service is not up with generation $generation"

echo "== the three doors, $users users each"
take_cpu_snapshot; cpu_before=$cpu_snapshot
dotnet "$bench" intake --service "$service_url" --connection "$ConnectionStrings__Ujar" --pins "$work/pins.txt" \
  --app-secret "$app_secret" --api-key "$api_key" --seconds "$seconds" --warmup "$warmup_seconds" --users "$users" | tee "$work/intake.out"
take_cpu_snapshot; cpu_after=$cpu_snapshot
declare -A d
while IFS='=' read -r key value; do d[$key]=$value; done < <(grep -E '^[a-z0-9]+\.[a-z_0-9]+=' "$work/intake.out")
[[ -n ${d[whatsapp.rps]:-} ]] || die "the intake benchmark printed no results"
replies=$(curl -fsS "http://127.0.0.1:$graph_port/count")
stop_service "$service_pid"

echo "== pgbench -n -c $users -j 2 -T $seconds -f insert.sql"
psql_ -d ujar -c "CREATE SEQUENCE bench_ticket"
pgbench_() { pgbench -h 127.0.0.1 -p "$pg_port" -U postgres -n -c "$users" -j 2 -D generation="$generation" -f tests/Ujar.Benchmarks/insert.sql "$@" ujar; }
pgbench_ -T "$warmup_seconds" >/dev/null 2>&1
pgbench_ -T "$seconds" 2>&1 | tee "$work/pgbench.out"
pg_tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pgbench.out" | head -1)
pg_latency=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$work/pgbench.out")
[[ -n $pg_tps ]] || die "pgbench printed no tps"

door() { printf '  | %-44s | %8.0f req/s | p50 %7.2f ms | p99 %7.2f ms | failed %s |' "$1" "${d[$2.rps]}" "${d[$2.p50_ms]}" "${d[$2.p99_ms]}" "${d[$2.failed]}"; }
requests=$(( ${d[web.requests]} + ${d[open311.requests]} + ${d[whatsapp.requests]} ))
summary=$(cat <<EOF
Ujar intake benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)).
  Client (tests/Ujar.Benchmarks), service and PostgreSQL $pg_version share these cores, loopback only;
  default durability (every commit waits for its WAL flush). $users virtual users, each with one request in flight;
  each door ${seconds} s after a ${warmup_seconds} s warm-up, in the order below; WhatsApp workers per loop kind: ${WHATSAPP_WORKERS:-default}.

$(door "POST /api/complaints (JSON)" web)
$(door "Open311 POST requests.json (form, channel key)" open311)
$(door "WhatsApp webhook (signed, 4 per conversation)" whatsapp)
$(printf '  | %-44s | %8.0f tps   | avg %7.2f ms |' "pgbench INSERT 1 row/txn, -c$users -j2" "$pg_tps" "$pg_latency")

  Open311 / web: $(calc %.2f "${d[open311.rps]} / ${d[web.rps]}") of the rate; rows stored: web ${d[web.rows]}, Open311 ${d[open311.rows]}
  WhatsApp webhooks / web: $(calc %.2f "${d[whatsapp.rps]} / ${d[web.rps]}") of the rate; webhook p99 ${d[whatsapp.p99_ms]} ms (goal < 50 ms)
  WhatsApp conversations completed in the run: ${d[whatsapp.conversations]}; filed as complaints: ${d[whatsapp.filed]}
    (all filed: $([[ ${d[whatsapp.drained]} == 1 ]] && echo yes || echo NO)), the last $(calc %.1f "${d[whatsapp.drain_ms]} / 1000") s after the burst ended;
    ${d[whatsapp.filed_per_s]} complaints/s from the first webhook to the last filing ($(calc %.2f "${d[whatsapp.filed_per_s]} / ${d[web.rps]}") of the web's rate,
    each needing 4 webhooks, 4 inbox rows and 4 bot replies); bot replies accepted by the Graph stand-in: $replies
  web / pgbench: $(calc %.2f "${d[web.rps]} / $pg_tps")
  whole run: $(cpu_report "$cpu_before" "$cpu_after" "$requests" bench)
EOF
)
save_summary "$summary"
