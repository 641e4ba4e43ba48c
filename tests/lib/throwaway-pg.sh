# Sourced by tests/bench.sh, tests/map-bench.sh and tests/hotspots-bench.sh: a throwaway PostgreSQL + PostGIS cluster
# in the caller's work directory, listening on a free loopback port. The caller defines die() and calls
# throwaway_pg_stop from its EXIT trap (before it removes the work directory).
#   throwaway_pg_find                   sets pgbin: a PostgreSQL whose PostGIS extension is installed, or dies
#   throwaway_pg_start WORK [OPTIONS]   initdb in WORK/pgdata and start it; OPTIONS are extra server options
#                                       ("-c name=value …"); sets pg_port
#   throwaway_pg_stop                   stops the cluster if it was started
#   psql_ ARGS…                         psql as postgres on that cluster, stopping at the first error
#   free_port                           a loopback port nothing listens on

as_pg=()
pg_started=false
pg_data=""

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  die "no free port found"
}

throwaway_pg_find() {
  local bin
  pgbin=""
  for bin in /usr/lib/postgresql/*/bin; do
    [[ -x $bin/initdb && -f /usr/share/postgresql/$(basename "$(dirname "$bin")")/extension/postgis.control ]] && pgbin=$bin
  done
  [[ -n $pgbin ]] || die "no PostgreSQL with PostGIS (apt-get install postgresql-15-postgis-3)"
}

throwaway_pg_start() {
  local work=$1 options=${2:-}
  chmod 755 "$work"
  # initdb refuses to run as root: the cluster belongs to postgres.
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$work"
    as_pg=(runuser -u postgres --)
  fi
  pg_data=$work/pgdata
  pg_port=$(free_port)
  "${as_pg[@]}" "$pgbin/initdb" -D "$pg_data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 \
    || "${as_pg[@]}" "$pgbin/initdb" -D "$pg_data" -A trust -U postgres -E UTF8 --no-locale >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; die "initdb failed"; }
  "${as_pg[@]}" "$pgbin/pg_ctl" start -D "$pg_data" -l "$work/postgres.log" -w -t 60 \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$work' $options" >/dev/null \
    || { tail -n 20 "$work/postgres.log" >&2; die "PostgreSQL did not start"; }
  pg_started=true
}

throwaway_pg_stop() {
  if $pg_started; then
    "${as_pg[@]}" "$pgbin/pg_ctl" stop -D "$pg_data" -m fast -w >/dev/null 2>&1 || true
    pg_started=false
  fi
}

psql_() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres "$@"; }
