#!/usr/bin/env bash
# Quick start 1: the service with demo data at http://localhost:5080.
# Without ConnectionStrings__Ujar it runs its own PostgreSQL + PostGIS with data in .ujar-data/ (kept between runs;
# Ujar__EmbeddedDataDir chooses another folder). Extra arguments go to `serve`, e.g. src/run.sh --urls http://0.0.0.0:5080
set -euo pipefail
cd "$(dirname "$0")/.."

.ci/ensure-deps

if [[ -f web/package.json ]]; then
  # npm ci again whenever the lockfile is newer than what was installed from it.
  (cd web && { [[ node_modules/.package-lock.json -nt package-lock.json ]] || npm ci; } && npm run build)
fi

exec dotnet run --project src/Ujar.Api -c Release -- serve "$@"
