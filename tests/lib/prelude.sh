# Sourced first by every benchmark script (tests/bench.sh, tests/*-bench.sh): source "$(dirname "$0")/lib/prelude.sh"
# Sourcing it sets strict mode and LC_ALL=C (decimal points in printf and awk), makes the repository root ($root) the
# working directory, exports the service's environment (Production, no .NET banner or telemetry), creates the work
# directory $work (/tmp/ujar-NAME.XXXXXX, NAME being the script's name without .sh) and sets the one EXIT trap: it stops
# the services still running and the cluster, prints the last lines of every service's log if the script failed, and
# removes $work. The functions, each one's contract:
#   die MESSAGE…                 prints MESSAGE on stderr after the script's name and exits 1
#   require_tools [TOOL…]        dies unless dotnet, psql, curl, each TOOL (a command or a path) and a PostgreSQL with
#                                PostGIS are installed; sets pgbin (that PostgreSQL's bin directory)
#   require_gis_data             sets gis: the official boundaries (UJAR_GIS_DATA, default ../shared/gis-data beside the
#                                checkout), or dies
#   build_release                builds tests/Ujar.Benchmarks and the service in Release; sets api_bin (the service's
#                                build output), api (the service's dll) and bench (the benchmark's dll)
#   build_web                    builds web/ into web/dist (npm ci first when there is no node_modules)
#   free_port                    a loopback port nothing listens on
#   start_postgres [OPTIONS]     initdb in $work/pgdata and start it on a free loopback port; OPTIONS are extra server
#                                options ("-c name=value …"); sets pg_port
#   stop_postgres / restart_postgres   stops that cluster (fast: sessions are cut, as in a crash or failover) / starts
#                                it again on the same port with the same options
#   start_redis [PORT]           starts a throwaway redis-server (nothing saved) on 127.0.0.1:PORT (default: a free port),
#                                log in $work/redis.log; sets redis_port, redis_pid (stop it with stop_service)
#   psql_ ARGS…                  psql as postgres on that cluster, stopping at the first error
#   connection DATABASE          the service's connection string for DATABASE on that cluster
#   create_postgis_db NAME       creates database NAME with PostGIS and exports ConnectionStrings__Ujar for it: the
#                                service's commands and the services started after it use that database
#   run_api COMMAND [ARGS…]      runs the service's COMMAND (migrate, import-boundaries, seed-demo …) with its output in
#                                $work/COMMAND.log; dies showing that log if it fails
#   import_boundaries KECAMATAN KELURAHAN PARENT_PROPERTY   imports both GeoJSON files (import-boundaries … --commit);
#                                PARENT_PROPERTY is the kelurahan property that holds its kecamatan's code
#   import_official_boundaries   imports the official kecamatan and kelurahan in $gis
#   write_pins FILE N            writes N pins inside the active kelurahan (fixed seed), each with an active category in
#                                turn, as "lon lat category" lines (the benchmark clients' --pins)
#   start_service NAME PORT [VAR=VALUE…]   starts the Release service on 127.0.0.1:PORT, VAR=VALUE in its environment,
#                                log in $work/NAME.log; waits 60 s for /healthz or dies; sets service_pid, service_url
#   stop_service PID             stops that service; clears service_pid if it was that one
#   wait_for_log NAME TEXT       waits up to 5 minutes until $work/NAME.log contains TEXT, or dies
#   calc FORMAT EXPRESSION       EXPRESSION computed by awk, printed with FORMAT
#   proc_ticks PID               the CPU ticks of PID and of its reaped children (0 once it is gone)
#   take_cpu_snapshot            sets cpu_snapshot: CPU ticks so far of the machine, PostgreSQL, the service
#                                ($service_pid, if set) and this shell's reaped children (wrk, pgbench). Not in $(…)
#   cpu_report BEFORE AFTER OPERATIONS CLIENT   CPU time per operation between two snapshots, and the machine's load
#   save_summary TEXT            prints TEXT after a blank line and writes it to tests/artifacts/NAME-latest.txt
set -euo pipefail
export LC_ALL=C # decimal points in printf and awk
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$(pwd)
script=${0##*/}
export ASPNETCORE_ENVIRONMENT=Production DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

die() { echo "$script: $*" >&2; exit 1; }

# ---- everything we start is stopped on exit -----------------------------------------------------------------------
as_pg=()
service_pid=""
service_pids=()
service_logs=()
work=$(mktemp -d "/tmp/ujar-${script%.sh}.XXXXXX")
cleanup() {
  local status=$? pid log
  # Subshells must not clean up, but bash 5.2 sometimes runs this trap at the end of one ($(…) included) once the
  # script has killed a child with SIGTERM.
  [[ $BASHPID == "$$" ]] || return 0
  for pid in "${service_pids[@]}"; do stop_service "$pid"; done
  if [[ -f $work/pgdata/postmaster.pid ]]; then
    "${as_pg[@]}" "$pgbin/pg_ctl" stop -D "$work/pgdata" -m fast -w >/dev/null 2>&1 || true
  fi
  if (( status != 0 )); then
    for log in "${service_logs[@]}"; do
      echo "--- last lines of $(basename "$log") ---" >&2
      tail -n 20 "$log" >&2 || true
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools and build ----------------------------------------------------------------------------------------------
require_tools() {
  local tool bin
  for tool in dotnet psql curl "$@"; do
    command -v "$tool" >/dev/null || die "$tool is not installed (.ci/ensure-deps --browser; apt-get install wrk)"
  done
  pgbin=""
  for bin in /usr/lib/postgresql/*/bin; do
    [[ -x $bin/initdb && -f /usr/share/postgresql/$(basename "$(dirname "$bin")")/extension/postgis.control ]] && pgbin=$bin
  done
  [[ -n $pgbin ]] || die "no PostgreSQL with PostGIS (apt-get install postgresql-15-postgis-3)"
}

require_gis_data() {
  gis=${UJAR_GIS_DATA:-$root/../shared/gis-data}
  [[ -f $gis/tanjungpinang_kelurahan.geojson ]] || die "official boundaries not found in $gis: set UJAR_GIS_DATA"
}

build_release() {
  dotnet build tests/Ujar.Benchmarks/Ujar.Benchmarks.csproj -c Release -nologo -v q -clp:ErrorsOnly >/dev/null \
    || die "build failed (dotnet build tests/Ujar.Benchmarks -c Release)"
  api_bin=$root/src/Ujar.Api/bin/Release/net10.0
  api=$api_bin/Ujar.Api.dll
  bench=$root/tests/Ujar.Benchmarks/bin/Release/net10.0/Ujar.Benchmarks.dll
}

build_web() {
  (cd web && { [[ -d node_modules ]] || npm ci; } && npm run build >/dev/null) || die "web build failed (cd web && npm run build)"
}

# ---- a throwaway PostgreSQL + PostGIS cluster in $work --------------------------------------------------------------
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  die "no free port found"
}

start_postgres() {
  chmod 755 "$work"
  # initdb refuses to run as root: the cluster belongs to postgres.
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$work"
    as_pg=(runuser -u postgres --)
  fi
  pg_port=$(free_port)
  pg_options=${1:-}
  "${as_pg[@]}" "$pgbin/initdb" -D "$work/pgdata" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 \
    || "${as_pg[@]}" "$pgbin/initdb" -D "$work/pgdata" -A trust -U postgres -E UTF8 --no-locale >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; die "initdb failed"; }
  restart_postgres
}

restart_postgres() {
  "${as_pg[@]}" "$pgbin/pg_ctl" start -D "$work/pgdata" -l "$work/postgres.log" -w -t 60 \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$work' $pg_options" >/dev/null \
    || { tail -n 20 "$work/postgres.log" >&2; die "PostgreSQL did not start"; }
}

stop_postgres() {
  "${as_pg[@]}" "$pgbin/pg_ctl" stop -D "$work/pgdata" -m fast -w >/dev/null || die "PostgreSQL did not stop"
}

psql_() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres "$@"; }

connection() { echo "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$1"; }

create_postgis_db() {
  psql_ -d postgres -c "CREATE DATABASE $1"
  psql_ -d "$1" -c "CREATE EXTENSION postgis"
  export ConnectionStrings__Ujar="$(connection "$1")"
}

# ---- a throwaway Redis ------------------------------------------------------------------------------------------------
# Not called in $(…): redis-server must be this shell's child, recorded here for the trap.
start_redis() {
  command -v redis-server >/dev/null || die "redis-server is not installed (.ci/ensure-deps --redis)"
  redis_port=${1:-$(free_port)}
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >>"$work/redis.log" 2>&1 &
  redis_pid=$!
  service_pids+=("$redis_pid")
  for _ in $(seq 1 100); do
    [[ $(redis-cli -p "$redis_port" ping 2>/dev/null) == PONG ]] && return
    sleep 0.1
  done
  die "redis-server did not answer on port $redis_port"
}

# ---- the service's commands and the service -------------------------------------------------------------------------
run_api() {
  dotnet "$api" "$@" >"$work/$1.log" 2>&1 || { cat "$work/$1.log" >&2; die "$* failed"; }
}

import_boundaries() {
  run_api import-boundaries "$1" --level kecamatan --commit
  run_api import-boundaries "$2" --level kelurahan --parent-property "$3" --commit
}

import_official_boundaries() {
  import_boundaries "$gis/tanjungpinang_kecamatan.geojson" "$gis/tanjungpinang_kelurahan.geojson" kecamatan_code
}

bench_limits=()
for bucket in Filing Open311 Support SignIn HeavyQueries HubWatchCalls; do
  bench_limits+=("Ujar__Limits__${bucket}__Burst=1000000000" "Ujar__Limits__${bucket}__PerMinute=1000000000")
done
bench_limits+=(Ujar__Limits__WhatsAppPerSenderPerHour=1000000000 Ujar__Limits__SupportsPerAddressPerComplaint=1000000000
  Ujar__Limits__HeavyQueriesConcurrent=1000 Ujar__Limits__HubWatchedTickets=1000000)

write_pins() {
  psql_ -d "$(sed -n 's/.*Database=\([^;]*\).*/\1/p' <<<"$ConnectionStrings__Ujar")" -At -F' ' -c "
    WITH pins AS (
      SELECT row_number() OVER () AS n, (ST_Dump(ST_GeneratePoints(ST_Union(b.geometry), $2, 42))).geom AS pin
      FROM boundaries b JOIN boundary_generations g ON g.id = b.generation_id AND g.is_active WHERE b.level = 'Kelurahan'),
    categories AS (SELECT array_agg(code ORDER BY code) AS codes FROM categories WHERE active)
    SELECT round(ST_X(pin)::numeric, 6), round(ST_Y(pin)::numeric, 6), codes[1 + n % array_length(codes, 1)]
    FROM pins, categories" >"$1"
}

# Not called in $(…): the service must be this shell's child, recorded here for the trap.
start_service() {
  local name=$1 port=$2
  service_url=http://127.0.0.1:$port
  # The content root is the build output, where appsettings.json (its logging levels) sits beside the dll, as deployed.
  # A benchmark measures capacity from one client address: the per-client limits (README, "Abuse limits, headers and
  # health") are set out of its way; the arguments come after, so a script may still set its own.
  env "${bench_limits[@]}" "${@:3}" dotnet "$api" serve --urls "$service_url" "--contentRoot=$api_bin" >"$work/$name.log" 2>&1 &
  service_pid=$!
  service_pids+=("$service_pid")
  service_logs+=("$work/$name.log")
  for _ in $(seq 1 300); do
    curl -fsS "$service_url/healthz" >/dev/null 2>&1 && return
    kill -0 "$service_pid" 2>/dev/null || die "the service $name exited on start"
    sleep 0.2
  done
  die "the service $name did not become healthy within 60 s"
}

stop_service() {
  local i
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  for i in "${!service_pids[@]}"; do
    [[ ${service_pids[i]} != "$1" ]] || unset 'service_pids[i]'
  done
  [[ $service_pid != "$1" ]] || service_pid=""
}

wait_for_log() {
  for _ in $(seq 1 600); do
    grep -qF "$2" "$work/$1.log" && return
    sleep 0.5
  done
  die "the service $1 did not log \"$2\" within 5 minutes"
}

# ---- measuring and reporting ----------------------------------------------------------------------------------------
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# Where the CPU goes during a load run, in clock ticks: the whole machine (/proc/stat), PostgreSQL (the postmaster, its
# live children, and the children it has reaped), the service, and this shell's reaped children (wrk or pgbench).
# Whatever the machine spent beyond these went to other processes: a busy neighbour makes every figure lower.
proc_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# Not run in $(…): `times` must be the main shell's, whose children wrk and pgbench are.
take_cpu_snapshot() {
  local machine postgres=0 service=0 child pid pm
  machine=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
  pm=$(head -n 1 "$work/pgdata/postmaster.pid")
  postgres=$(proc_ticks "$pm")
  for pid in $(pgrep -P "$pm"); do postgres=$(( postgres + $(proc_ticks "$pid") )); done
  [[ -n $service_pid ]] && service=$(proc_ticks "$service_pid")
  times >"$work/times.txt"
  child=$(awk -v hz="$(getconf CLK_TCK)" 'NR == 2 {
    split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.0f", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * hz }' "$work/times.txt")
  cpu_snapshot="$(date +%s.%N) $machine $postgres $service $child"
}

cpu_report() {
  awk -v hz="$(getconf CLK_TCK)" -v cores="$(nproc)" -v ops="$3" -v client="$4" -v a="$1" -v b="$2" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    wall = y[1] - x[1]; machine = y[2] - x[2]; pg = y[3] - x[3]; svc = y[4] - x[4]; cl = y[5] - x[5]
    other = machine - pg - svc - cl; if (other < 0) other = 0
    us = 1e6 / hz / ops
    printf "CPU per op: %s%.0f µs PostgreSQL, %.0f µs %s; machine %.0f%% busy, other processes %.0f%%", \
      (svc > 0 ? sprintf("%.0f µs service, ", svc * us) : ""), pg * us, cl * us, client, \
      100 * machine / (wall * hz * cores), 100 * other / (wall * hz * cores) }'
}

save_summary() {
  echo
  echo "$1"
  mkdir -p tests/artifacts
  echo "$1" >"tests/artifacts/${script%.sh}-latest.txt"
}
