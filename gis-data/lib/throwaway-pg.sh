# Sourced by gis-data/fixture-city/verify.sh.
#
# Gives the caller a PostGIS database to run SQL against, as the function `gis_psql`
# (plain psql arguments follow, e.g. `gis_psql -f x.sql`).
#
# - If GIS_PSQL_ARGS is set (e.g. GIS_PSQL_ARGS="-h localhost -p 5432 -U postgres -d scratch"),
#   that database is used; it must allow `create extension if not exists postgis`.
# - Otherwise a throwaway PostgreSQL cluster is created in a temporary directory, listening
#   only on a Unix socket in that directory (no TCP port), and is stopped and deleted on exit.
#   PG_BIN overrides the PostgreSQL binaries directory (default: newest /usr/lib/postgresql/*/bin).
#   initdb refuses to run as root, so as root the cluster runs as the `postgres` user.

set -euo pipefail

_gis_tmp=""
_gis_pg_bin=""
_gis_as=()

_gis_cleanup() {
  if [[ -n "$_gis_tmp" && -d "$_gis_tmp" ]]; then
    "${_gis_as[@]}" "$_gis_pg_bin/pg_ctl" -D "$_gis_tmp/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$_gis_tmp"
  fi
}

gis_start() {
  if [[ -n "${GIS_PSQL_ARGS:-}" ]]; then
    # shellcheck disable=SC2206
    _gis_psql_args=($GIS_PSQL_ARGS)
  else
    _gis_pg_bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
    if [[ ! -x "$_gis_pg_bin/initdb" ]]; then
      echo "no PostgreSQL binaries found (set PG_BIN or GIS_PSQL_ARGS)" >&2
      exit 2
    fi
    _gis_tmp="$(mktemp -d /tmp/ujar-gis-pg.XXXXXX)"
    if [[ "$(id -u)" == 0 ]]; then
      _gis_as=(runuser -u postgres --)
      chown postgres "$_gis_tmp"
    else
      _gis_as=(env)
    fi
    trap _gis_cleanup EXIT
    "${_gis_as[@]}" "$_gis_pg_bin/initdb" -D "$_gis_tmp/data" -A trust -U postgres >"$_gis_tmp/initdb.log" 2>&1 \
      || { cat "$_gis_tmp/initdb.log" >&2; exit 2; }
    "${_gis_as[@]}" "$_gis_pg_bin/pg_ctl" -D "$_gis_tmp/data" -w -l "$_gis_tmp/log" \
      -o "-p 55433 -k $_gis_tmp -c listen_addresses=''" start >/dev/null \
      || { cat "$_gis_tmp/log" >&2; exit 2; }
    _gis_psql_args=(-h "$_gis_tmp" -p 55433 -U postgres -d postgres)
  fi
  gis_psql -q -c 'create extension if not exists postgis' >/dev/null
}

gis_psql() {
  psql -X -v ON_ERROR_STOP=1 "${_gis_psql_args[@]}" "$@"
}
