#!/usr/bin/env bash
# Faults and a soak, with figures (a benchmark, not a unit test; it fails only when a complaint answered 201 is missing,
# when a fault is answered 500 or not within the client's 30 s, or when the live client never gets a complaint). One
# Release service on a throwaway PostgreSQL + PostGIS with default durability and the official boundaries, filed at by
# tests/Ujar.Benchmarks file-stream (each answer a line, written as it comes):
#   a. the service SIGKILLed during a stream of filings, then started again: every 201 is stored (0 lost); the filings
#      committed without an answer are counted; the time until the next 201;
#   b. PostgreSQL stopped (fast: sessions cut) for 10 s during a stream: what the service answers meanwhile (503
#      ProblemDetails, never 500, never a hang), and the time from PostgreSQL's return to the next 201;
#   c. Redis (the backplane) stopped for 15 s during a stream, with a live-map client connected (live-watch, which
#      catches up from /api/events as web/src/live.js does): filing goes on, and the client gets every complaint;
#   d. a soak: SOAK_MINUTES at SOAK_RATE filings/s (a live client connected), 0 errors expected, the service's RSS
#      every 30 s and its slope.
# About 3 minutes plus the soak. Summary also in tests/artifacts/faults-latest.txt.
#
#   tests/faults.sh                 SOAK_MINUTES=1 tests/faults.sh (a quick check)
# env: UJAR_GIS_DATA (official boundaries; default ../shared/gis-data beside the checkout), SOAK_MINUTES (default 10),
#      SOAK_RATE (default 50), STREAM_USERS (clients of the streams a and b, default 8), CATCH_UP_SECONDS (the live
#      client's periodic catch-up, default 30 as in web/src/live.js)
source "$(dirname "$0")/lib/prelude.sh"

soak_minutes=${SOAK_MINUTES:-10}
soak_rate=${SOAK_RATE:-50}
users=${STREAM_USERS:-8}
catch_up=${CATCH_UP_SECONDS:-30}

require_gis_data
require_tools redis-server redis-cli

echo "== build (Release)"
build_release

echo "== PostgreSQL cluster in $work (default durability), the official boundaries"
start_postgres
create_postgis_db ujar
run_api migrate
import_official_boundaries
write_pins "$work/pins.txt" 20000
api_port=$(free_port)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

now_ms() { date +%s%3N; }

# Not called in $(…): the stream must be this shell's child. A stream NAME answers into $work/NAME.txt
# ("epoch_ms status latency_ms ticket|code"), its descriptions marked "faults-NAME".
start_stream() {
  dotnet "$bench" file-stream --service "$service_url" --pins "$work/pins.txt" --out "$work/$1.txt" --marker "faults-$1" "${@:2}" \
    >"$work/$1.stream.log" 2>&1 &
  stream_pid=$!
  service_pids+=("$stream_pid")
  for _ in $(seq 1 200); do [[ -s $work/$1.txt ]] && return; sleep 0.1; done
  die "the filing stream $1 did not start"
}

# Not called in $(…): a live-map client on the service, its events in $work/NAME.watch.
start_watch() {
  dotnet "$bench" live-watch --service "$service_url" --out "$work/$1.watch" --catch-up-seconds "$catch_up" >"$work/$1-watch.log" 2>&1 &
  watch_pid=$!
  service_pids+=("$watch_pid")
  wait_for_log "$1-watch" "live-watch: watching"
}

count() { awk -v s="$2" '$2 == s' "$work/$1.txt" | wc -l; }                     # count NAME STATUS
first_201_after() { awk -v t="$2" '$2 == 201 && $1 > t { print $1; exit }' "$work/$1.txt"; }  # first_201_after NAME EPOCH_MS
seconds_between() { if [[ -n $2 ]]; then calc "%.1f" "($2 - $1) / 1000"; else echo never; fi; }  # seconds_between FROM_MS TO_MS
rows() { psql_ -d ujar -At -c "SELECT count(*) FROM complaints WHERE description LIKE 'faults-$1 %'"; }
# How many of the tickets answered 201 are stored.
stored() {
  awk '$2 == 201 { print $4 }' "$work/$1.txt" >"$work/$1.tickets"
  psql_ -d ujar -At -c "CREATE TEMP TABLE answered (ticket text)" -c "\\copy answered FROM '$work/$1.tickets'" \
    -c "SELECT count(*) FROM answered JOIN complaints c USING (ticket)"
}
# Answers by status between two instants: "201: n, 503: n, …" (status 0: no answer; timeout or connection error).
statuses_between() {
  awk -v from="$2" -v to="$3" '$1 >= from && $1 <= to { n[$2 == 0 ? $4 : $2]++ } END { for (s in n) printf "%s %d\n", s, n[s] }' "$work/$1.txt" \
    | sort | awk '{ printf "%s%s: %s", (NR > 1 ? ", " : ""), $1, $2 }'
}

echo "== a. the service SIGKILLed during a stream of filings ($users clients), then started again"
start_service ujar-a1 "$api_port" Ujar__Sla__IntervalSeconds=86400
start_stream a --users "$users"
sleep 5
killed_at=$(now_ms)
kill -KILL "$service_pid"
stop_service "$service_pid"
sleep 2
start_service ujar-a2 "$api_port" Ujar__Sla__IntervalSeconds=86400
healthy_at=$(now_ms)
sleep 5
stop_service "$stream_pid"
a_answered=$(count a 201)
a_stored=$(stored a)
a_rows=$(rows a)
a_lost=$(( a_answered - a_stored ))
a_unanswered=$(( a_rows - a_stored ))
a_back=$(seconds_between "$killed_at" "$(first_201_after a "$killed_at")")
a_start=$(seconds_between "$killed_at" "$healthy_at")
a_failed=$(( $(wc -l <"$work/a.txt") - a_answered ))
echo "answers: $(statuses_between a 0 99999999999999); $a_failed not 201"
echo "201: $a_answered (stored: $a_stored, lost: $a_lost); rows of the run: $a_rows, committed without a 201: $a_unanswered"
echo "next 201 ${a_back} s after the kill (restarted 2 s after it, healthy after ${a_start} s)"
(( a_lost == 0 )) || die "a: $a_lost complaints answered 201 are not stored"
[[ $a_back != never ]] || die "a: no 201 after the restart"

echo "== b. PostgreSQL stopped for 10 s during a stream ($users clients)"
start_stream b --users "$users" --timeout-seconds 30
sleep 5
pg_stopped_at=$(now_ms)
stop_postgres
sleep 10
pg_starting_at=$(now_ms)
restart_postgres
pg_up_at=$(now_ms)
sleep 10
stop_service "$stream_pid"
b_answered=$(count b 201)
b_stored=$(stored b)
b_lost=$(( b_answered - b_stored ))
b_unanswered=$(( $(rows b) - b_stored ))
b_500=$(awk '$2 >= 500 && $2 != 503' "$work/b.txt" | wc -l)
b_no_answer=$(count b 0)
b_503_not_problem=$(awk '$2 == 503 && $4 != "service_unavailable"' "$work/b.txt" | wc -l)
b_outage_answers=$(statuses_between b "$pg_stopped_at" "$pg_up_at")
b_max_ms=$(awk -v from="$pg_stopped_at" -v to="$pg_up_at" '$1 >= from && $1 <= to && $3 > m { m = $3 } END { printf "%.0f", m }' "$work/b.txt")
b_p99_ms=$(awk -v from="$pg_stopped_at" -v to="$pg_up_at" '$1 >= from && $1 <= to { print $3 }' "$work/b.txt" | sort -n \
  | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.0f", v[i] }')
b_recovered=$(seconds_between "$pg_up_at" "$(first_201_after b "$pg_up_at")")
b_after_restart=$(statuses_between b "$pg_up_at" "$(first_201_after b "$pg_up_at" || true)")
echo "answers while PostgreSQL was away (${pg_stopped_at}–${pg_up_at}): $b_outage_answers; slowest ${b_max_ms} ms, p99 ${b_p99_ms} ms"
echo "500s: $b_500, no answer: $b_no_answer, 503 without service_unavailable ProblemDetails: $b_503_not_problem"
echo "first 201 ${b_recovered} s after PostgreSQL accepted connections again (its start took $(seconds_between "$pg_starting_at" "$pg_up_at") s);" \
  "answers in between: $b_after_restart"
echo "201: $b_answered (stored: $b_stored, lost: $b_lost); committed without a 201: $b_unanswered"
(( b_lost == 0 )) || die "b: $b_lost complaints answered 201 are not stored"
(( b_500 == 0 && b_no_answer == 0 && b_503_not_problem == 0 )) || die "b: the database outage was answered with 500s or not at all"
[[ $b_recovered != never ]] || die "b: no 201 after PostgreSQL came back"

echo "== c. Redis stopped for 15 s during a stream (20 filings/s), a live-map client connected (catch-up every ${catch_up} s)"
stop_service "$service_pid"
start_redis
start_service ujar-c "$api_port" Ujar__Sla__IntervalSeconds=86400 ConnectionStrings__Redis="127.0.0.1:$redis_port"
start_watch c
start_stream c --users 2 --rate 20
sleep 5
redis_stopped_at=$(now_ms)
stop_service "$redis_pid"
sleep 15
redis_back_at=$(now_ms)
start_redis "$redis_port"
sleep 10
stop_service "$stream_pid"
sleep $(( catch_up + 3 )) # one more catch-up for the last ones, should they need it
stop_service "$watch_pid"
c_answered=$(count c 201)
c_other=$(( $(wc -l <"$work/c.txt") - c_answered ))
awk '$2 == 201 { print $4 }' "$work/c.txt" >"$work/c.tickets"
read -r c_live c_caught c_missing < <(awk 'NR == FNR { via[$2] = $3; next } { if ($1 in via) n[via[$1]]++; else missing++ }
  END { printf "%d %d %d\n", n["live"], n["catch-up"], missing }' "$work/c.watch" "$work/c.tickets")
c_outage_filed=$(awk -v from="$redis_stopped_at" -v to="$redis_back_at" '$2 == 201 && $1 >= from && $1 <= to' "$work/c.txt" | wc -l)
c_live_again=$(awk -v t="$redis_back_at" '$3 == "live" && $4 > t { print $4; exit }' "$work/c.watch")
c_resumed=$( [[ -n $c_live_again ]] && seconds_between "$redis_back_at" "$c_live_again" || echo never)
echo "201: $c_answered, other answers: $c_other ($c_outage_filed filed while Redis was away)"
echo "the live client got $(( c_live + c_caught )) of them: $c_live pushed, $c_caught from /api/events; missing: $c_missing"
echo "pushes again ${c_resumed} s after Redis came back"
(( c_other == 0 )) || die "c: filing failed while Redis was away"
(( c_missing == 0 )) || die "c: the live client never got $c_missing complaints"

echo "== d. soak: $soak_minutes min at $soak_rate filings/s, a live client connected; RSS every 30 s"
start_watch d
start_stream d --users 4 --rate "$soak_rate" --timeout-seconds 10
rss_series=()
for (( i = 0; i <= soak_minutes * 2; i++ )); do
  rss_kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$service_pid/status")
  rss_series+=("$(( i * 30 )) $rss_kb")
  printf '  t=%4d s  RSS %s MB\n' $(( i * 30 )) "$(calc "%.1f" "$rss_kb / 1024")"
  (( i == soak_minutes * 2 )) || sleep 30
done
stop_service "$stream_pid"
sleep 3
stop_service "$watch_pid"
d_answered=$(count d 201)
d_errors=$(( $(wc -l <"$work/d.txt") - d_answered ))
d_rate=$(calc "%.1f" "$d_answered / ($soak_minutes * 60)")
d_p99=$(awk '$2 == 201 { print $3 }' "$work/d.txt" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int(NR * 0.99)] }')
awk '$2 == 201 { print $4 }' "$work/d.txt" >"$work/d.tickets"
d_pushed=$(awk 'NR == FNR { seen[$2] = 1; next } $1 in seen' "$work/d.watch" "$work/d.tickets" | wc -l)
# Least-squares slope of RSS over time, MB per minute: over the whole series, and over its second half (after warm-up).
slope() { printf '%s\n' "${rss_series[@]}" | awk -v skip="$1" 'NR > skip { x = $1 / 60; y = $2 / 1024; n++; sx += x; sy += y; sxx += x * x; sxy += x * y }
  END { printf "%.2f", (n * sxy - sx * sy) / (n * sxx - sx * sx) }'; }
d_slope=$(slope 0)
d_slope_late=$(slope $(( ${#rss_series[@]} / 2 )))
d_first=$(calc "%.1f" "$(cut -d' ' -f2 <<<"${rss_series[0]}") / 1024")
d_last=$(calc "%.1f" "$(cut -d' ' -f2 <<<"${rss_series[-1]}") / 1024")
d_series=$(printf '%s\n' "${rss_series[@]}" | awk '{ printf "%s%.0f", (NR > 1 ? ", " : ""), $2 / 1024 }')
echo "201: $d_answered ($d_rate/s, p99 $d_p99 ms), errors: $d_errors; the live client got $d_pushed of them"
echo "RSS MB every 30 s: $d_series; slope $d_slope MB/min (second half: $d_slope_late MB/min)"
stop_service "$service_pid"

save_summary "faults $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD), $(nproc) cores, load average $load_before at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end
| fault | what happened |
|---|---|
| a. SIGKILL during filing ($users clients), restart after 2 s | $a_answered answered 201, all stored (lost: $a_lost); $a_unanswered committed without an answer; next 201 ${a_back} s after the kill |
| b. PostgreSQL stopped 10 s ($users clients) | meanwhile: $b_outage_answers (slowest ${b_max_ms} ms, p99 ${b_p99_ms} ms); 500s: $b_500, unanswered: $b_no_answer; first 201 ${b_recovered} s after PostgreSQL was back; lost: $b_lost, committed without an answer: $b_unanswered |
| c. Redis stopped 15 s (20 filings/s, live client) | $c_answered answered 201, $c_other failed; live client: $c_live pushed + $c_caught caught up from /api/events, missing $c_missing; pushes again ${c_resumed} s after Redis returned |
| d. soak $soak_minutes min at $soak_rate/s | $d_answered answered 201 ($d_rate/s, p99 $d_p99 ms), errors $d_errors; live client got $d_pushed; RSS $d_first → $d_last MB, slope $d_slope MB/min (second half $d_slope_late) |
RSS MB every 30 s: $d_series"
