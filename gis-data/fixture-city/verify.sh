#!/usr/bin/env bash
# Verifies the hand-made fixture city against PostGIS:
#   - structure and properties of kelurahan.geojson / kecamatan.geojson,
#   - validity, ring orientation (RFC 7946), bounding box,
#   - each kecamatan is exactly the union of its kelurahan,
#   - the intended edge cases exist (shared edge, lake hole, island, sliver gap, overlap) and no others,
#   - every row of points.csv gives the documented answer.
#
# Routing rule checked here (what the service is expected to do):
#   1. kelurahan that COVER the point (ST_Covers, boundary counts as inside), tested in lon/lat
#      (EPSG:4326); if several, the lowest code in ordinal string order wins; distance 0.
#   2. otherwise the nearest kelurahan by distance in EPSG:32648 (UTM 48N) if it is <= 200 m
#      ("snapped"); otherwise refused.
#   The kecamatan is the parent_code of the chosen kelurahan.
#
# Usage: gis-data/fixture-city/verify.sh      (starts and removes a throwaway PostgreSQL cluster)
#        GIS_PSQL_ARGS="-h ... -p ... -U ... -d ..." gis-data/fixture-city/verify.sh   (use an existing db)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/throwaway-pg.sh
source "$here/../lib/throwaway-pg.sh"
gis_start

gis_psql -q \
  -v kel="$(cat "$here/kelurahan.geojson")" \
  -v kec="$(cat "$here/kecamatan.geojson")" \
  -v points="$(cat "$here/points.csv")" <<'SQL'
\set QUIET on
create schema fx;
set search_path = fx, public;

create table kel as
select (f->'properties'->>'code') as code, (f->'properties'->>'name') as name,
       (f->'properties'->>'parent_code') as parent_code,
       (f->'geometry'->>'type') as gtype,
       ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326) as g
from json_array_elements((:'kel')::json->'features') f;

create table kec as
select (f->'properties'->>'code') as code, (f->'properties'->>'name') as name,
       (f->'properties'->>'parent_code') as parent_code,
       (f->'geometry'->>'type') as gtype,
       ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326) as g
from json_array_elements((:'kec')::json->'features') f;

-- points.csv, parsed here (no server-side file access needed)
create table pts as
select c[1] as name, c[2]::float8 as lon, c[3]::float8 as lat, nullif(c[4], '') as exp_kel,
       nullif(c[5], '') as exp_kec, c[6]::boolean as exp_snapped, c[7]::float8 as exp_dist
from (select string_to_array(l, ',') c
      from regexp_split_to_table(trim(both E'\n' from :'points'), E'\n') with ordinality t(l, n)
      where n > 1) s;

create function utm(geometry) returns geometry language sql immutable as
  $$ select ST_Transform($1, 32648) $$;

do $$
declare r record; n int; a float8;
begin
  -- structure
  if (select count(*) from kel) <> 5 then raise exception 'expected 5 kelurahan'; end if;
  if (select count(*) from kec) <> 2 then raise exception 'expected 2 kecamatan'; end if;
  if (select count(distinct code) from kel) <> 5 then raise exception 'kelurahan codes not unique'; end if;
  if exists (select 1 from kel where code !~ '^99\.01\.0[12]\.100[0-9]$' or name is null
             or parent_code is distinct from substring(code from 1 for 8)) then
    raise exception 'bad kelurahan code/name/parent_code';
  end if;
  if exists (select 1 from kec where code !~ '^99\.01\.0[12]$' or name is null or parent_code <> '99.01') then
    raise exception 'bad kecamatan code/name/parent_code';
  end if;
  if exists (select 1 from kel where parent_code not in (select code from kec)) then
    raise exception 'kelurahan with unknown parent';
  end if;
  -- geometry basics
  for r in select 'kel' as l, code, g from kel union all select 'kec', code, g from kec loop
    if not ST_IsValid(r.g) then raise exception '% % invalid: %', r.l, r.code, ST_IsValidReason(r.g); end if;
    if not ST_IsPolygonCCW(r.g) then raise exception '% % rings not RFC 7946 oriented', r.l, r.code; end if;
    if not ST_CoveredBy(r.g, ST_MakeEnvelope(100.00, 0.00, 100.10, 0.08, 4326)) then
      raise exception '% % outside the fixture box', r.l, r.code;
    end if;
  end loop;
  -- kecamatan = union of its kelurahan (in lon/lat, and with zero area difference in UTM)
  for r in select k.code, k.g, (select ST_Union(g) from kel where parent_code = k.code) as u from kec k loop
    if not ST_Equals(r.g, r.u) then raise exception 'kecamatan % is not the union of its kelurahan', r.code; end if;
    a := ST_Area(ST_SymDifference(utm(r.g), utm(r.u)));
    if a > 0.01 then raise exception 'kecamatan % differs from union in UTM by % m2', r.code, a; end if;
  end loop;

  -- edge case: the only overlap is Tengah x Pulau (the tab), area > 0
  for r in select a1.code c1, a2.code c2, ST_Area(utm(ST_Intersection(a1.g, a2.g))) ar
           from kel a1 join kel a2 on a1.code < a2.code loop
    if r.ar > 0.01 and (r.c1, r.c2) <> ('99.01.01.1002', '99.01.01.1003') then
      raise exception 'unexpected overlap % x %: % m2', r.c1, r.c2, r.ar;
    end if;
    if (r.c1, r.c2) = ('99.01.01.1002', '99.01.01.1003') then
      raise notice 'overlap 99.01.01.1002 x 99.01.01.1003: % m2', round(r.ar::numeric);
      if r.ar < 1000 then raise exception 'overlap too small'; end if;
    end if;
  end loop;
  -- the same pairs in UTM: no extra overlaps appear after projection (shared edges are noded alike)
  for r in select a1.code c1, a2.code c2, ST_Area(ST_Intersection(utm(a1.g), utm(a2.g))) ar
           from kel a1 join kel a2 on a1.code < a2.code loop
    if r.ar > 0.01 and (r.c1, r.c2) <> ('99.01.01.1002', '99.01.01.1003') then
      raise exception 'unexpected overlap in UTM % x %: % m2', r.c1, r.c2, r.ar;
    end if;
  end loop;

  -- edge case: lake = the one hole of Danau, >= 600 m across, covered by no kelurahan
  select ST_NumInteriorRings(g) into n from kel where code = '99.01.01.1001';
  if n <> 1 then raise exception 'Danau should have exactly one hole'; end if;
  select ST_MakePolygon(ST_InteriorRingN(g, 1)) into r from kel where code = '99.01.01.1001';
  if exists (select 1 from kel where ST_Intersects(ST_Buffer(utm(r.st_makepolygon), -0.01), utm(g))) then
    raise exception 'lake is covered by some kelurahan';
  end if;
  a := ST_XMax(utm(r.st_makepolygon)) - ST_XMin(utm(r.st_makepolygon));
  raise notice 'lake width % m', round(a::numeric, 1);
  if a < 600 then raise exception 'lake narrower than 600 m'; end if;
  if exists (select 1 from kel where code <> '99.01.01.1001' and ST_NumInteriorRings(ST_GeometryN(g, 1)) > 0) then
    raise exception 'unexpected holes';
  end if;

  -- edge case: Pulau has 2 parts, the island part is > 200 m from any other land
  select ST_NumGeometries(g) into n from kel where code = '99.01.01.1003';
  if n <> 2 then raise exception 'Pulau should have 2 parts'; end if;
  select ST_Distance(utm(ST_GeometryN(p.g, 2)), utm(ST_Union(ST_GeometryN(p.g, 1), (select ST_Union(g) from kel where code <> p.code))))
  into a from kel p where p.code = '99.01.01.1003';
  raise notice 'island to other kelurahan: % m', round(a::numeric, 1);
  if a < 400 then raise exception 'island too close to other land'; end if;
  if exists (select 1 from kel where code <> '99.01.01.1003' and ST_NumGeometries(g) > 1) then
    raise exception 'unexpected multi-part kelurahan';
  end if;

  -- edge case: sliver gap between Sawah and Bukit, ~30 m wide, belonging to nobody
  select ST_Distance(utm(a1.g), utm(a2.g)) into a from kel a1, kel a2
  where a1.code = '99.01.02.1001' and a2.code = '99.01.02.1002';
  if a <> 0 then raise exception 'Sawah and Bukit should also share an edge'; end if;
  a := ST_Area(utm(ST_Intersection(ST_MakeEnvelope(100.0449, 0.01, 100.0452, 0.03, 4326),
                                   (select ST_Union(g) from kel))));
  if a > 0.01 then raise exception 'gap is partly covered: % m2', a; end if;
  a := ST_Distance(utm(ST_SetSRID(ST_MakePoint(100.0449, 0.02), 4326)), utm(ST_SetSRID(ST_MakePoint(100.0452, 0.02), 4326)));
  raise notice 'gap width % m', round(a::numeric, 1);
end $$;

-- the documented points
create table res as
select p.*,
  (select min(code collate "C") from kel where ST_Covers(g, pt)) as cov,
  (select min(code collate "C") from kel where ST_Covers(utm(g), utm(pt))) as cov_utm,
  n.code as near_code, n.d as near_d
from (select *, ST_SetSRID(ST_MakePoint(lon, lat), 4326) as pt from pts) p
cross join lateral (select code, ST_Distance(utm(g), utm(p.pt)) as d from kel
                    order by 2, code collate "C" limit 1) n;

create table got as
select r.*,
  case when cov is not null then cov when near_d <= 200 then near_code end as got_kel,
  (cov is null and near_d <= 200) as got_snapped,
  case when cov is not null then 0 else near_d end as got_dist
from res r;

\pset footer off
\echo
\echo 'name | lon | lat | expected | got | snapped | distance_m (UTM 48N)'
select name, lon, lat, coalesce(exp_kel, 'refused') as expected,
       coalesce(got_kel, 'refused') as got, got_snapped as snapped, round(got_dist::numeric, 2) as distance_m,
       case when got_kel is not distinct from exp_kel and got_snapped = exp_snapped
                 and abs(got_dist - exp_dist) <= 0.05
                 and (exp_kel is null or exp_kec = (select parent_code from kel where code = exp_kel))
            then 'ok' else 'MISMATCH' end as check
from got order by name;

do $$
declare r record; bad int := 0;
begin
  for r in select * from got loop
    if r.got_kel is distinct from r.exp_kel or r.got_snapped <> r.exp_snapped or abs(r.got_dist - r.exp_dist) > 0.05 then
      raise warning 'point %: expected % snapped=% d=%, got % snapped=% d=%',
        r.name, r.exp_kel, r.exp_snapped, r.exp_dist, r.got_kel, r.got_snapped, r.got_dist;
      bad := bad + 1;
    end if;
    if r.exp_kel is not null and r.exp_kec is distinct from (select parent_code from kel where code = r.exp_kel) then
      raise warning 'point %: expected_kecamatan % is not the parent of %', r.name, r.exp_kec, r.exp_kel; bad := bad + 1;
    end if;
    -- the kecamatan layer agrees: the expected kecamatan covers the point, or is nearest for snapped points
    if r.exp_kec is not null and not exists (select 1 from kec where code = r.exp_kec and
         ST_DWithin(utm(g), utm(ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)), r.exp_dist + 0.05)) then
      raise warning 'point %: kecamatan layer disagrees', r.name; bad := bad + 1;
    end if;
    -- the answer does not depend on whether containment is tested in lon/lat or in UTM
    if coalesce(r.cov, '') <> coalesce(r.cov_utm, '') then
      raise warning 'point %: containment differs between EPSG:4326 (%) and EPSG:32648 (%)', r.name, r.cov, r.cov_utm;
      bad := bad + 1;
    end if;
  end loop;
  -- every case is present
  if (select count(*) from got where name in ('shared_edge', 'lake_near_edge', 'lake_centre', 'island',
        'gap_near_west', 'gap_near_east', 'overlap', 'sea_150m', 'sea_400m')) <> 9 then
    raise warning 'a documented edge case is missing from points.csv'; bad := bad + 1;
  end if;
  if (select count(distinct exp_kel) from got where name like 'interior_%') <> 5 then
    raise warning 'need one interior point per kelurahan'; bad := bad + 1;
  end if;
  if bad > 0 then raise exception '% point check(s) failed', bad; end if;
end $$;
\echo 'fixture-city: all checks passed'
SQL
