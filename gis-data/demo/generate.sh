#!/usr/bin/env bash
# Generates APPROXIMATE DEMO boundaries for Kota Tanjungpinang (4 kecamatan, 18 kelurahan)
# from gis-data/kelurahan-facts.csv ONLY (codes, names, hierarchy, centroids, areas).
# No official polygon is read. The output is for demos and screenshots, never for routing real
# complaints: see gis-data/README.md.
#
# Method (all in metres, EPSG:32648 / UTM 48N):
#   1. outline: for each kelurahan a disc of its area (r = sqrt(area/pi)) around its centroid,
#      radius scaled by SCALE so that neighbours touch; the discs are unioned, then smoothed by a
#      closing (buffer +SMOOTH then -SMOOTH) and simplified (SIMPLIFY m).
#   2. the Voronoi cells of the 18 centroids, clipped to the outline.
#   3. a clipped cell can fall apart; a piece that does not hold the cell's own centroid is given
#      to the neighbouring kelurahan it shares the longest border with (repeat until none is left).
#   4. kelurahan -> WGS 84, coordinates rounded to 6 decimals, MultiPolygon, outer rings CCW;
#      kecamatan = union of its kelurahan.
#   5. checks: valid, every centroid inside its own kelurahan and kecamatan, no overlaps,
#      Penyengat a separate island, total area within a factor 1.5 of the sum of area_km2.
#
# Usage: gis-data/demo/generate.sh   (starts and removes a throwaway PostgreSQL cluster; set
#        GIS_PSQL_ARGS to use an existing database with PostGIS instead). Output is deterministic.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
facts="$here/../kelurahan-facts.csv"
SCALE="${SCALE:-1.15}"
SMOOTH="${SMOOTH:-400}"
SIMPLIFY="${SIMPLIFY:-10}"
# shellcheck source=../lib/throwaway-pg.sh
source "$here/../lib/throwaway-pg.sh"
gis_start

gis_psql -q -c 'drop schema if exists demo cascade' -c 'create schema demo' -c '
create table demo.facts (
  code text primary key, name text, local_name text, kecamatan_code text, kecamatan_name text,
  kecamatan_local_name text, centroid_lat float8, centroid_lon float8, area_km2 float8)' 2>/dev/null
gis_psql -q -c '\copy demo.facts from stdin with (format csv, header)' <"$facts"

gis_psql -q -v scale="$SCALE" -v smooth="$SMOOTH" -v simplify="$SIMPLIFY" <<'SQL'
set search_path = demo, public;
set client_min_messages = warning;

do $$ begin
  if (select count(*) from facts) <> 18 then raise exception 'expected 18 kelurahan in kelurahan-facts.csv'; end if;
end $$;

create table pt as
select code, ST_Transform(ST_SetSRID(ST_MakePoint(centroid_lon, centroid_lat), 4326), 32648) as p,
       sqrt(area_km2 * 1e6 / pi()) as r
from facts;

-- 1. outline
create table outline as
select ST_SimplifyPreserveTopology(
         ST_Buffer(ST_Buffer(ST_Union(ST_Buffer(p, r * :scale, 32)), :smooth, 16), -:smooth, 16),
         :simplify) as g
from pt;

-- 2. Voronoi cells clipped to the outline, split into connected pieces
create table piece as
select c.code, (ST_Dump(ST_Intersection(c.cell, o.g))).geom as g
from (select pt.code, v.cell
      from (select (ST_Dump(ST_VoronoiPolygons(ST_Collect(p), 0, ST_Expand(ST_Collect(p), 50000)))).geom as cell
            from pt) v
      join pt on ST_Contains(v.cell, pt.p)) c, outline o;
alter table piece add column id serial, add column core boolean;
update piece set core = ST_Intersects(g, (select p from pt where pt.code = piece.code));

-- 3. stray pieces go to the neighbouring core piece with the longest shared border
do $$
declare r record; winner text; rounds int := 0;
begin
  loop
    rounds := rounds + 1;
    exit when not exists (select 1 from piece where not core);
    if rounds > 50 then raise exception 'stray pieces could not be assigned'; end if;
    for r in select id, g from piece where not core loop
      select c.code into winner from piece c
      where c.core and ST_Intersects(ST_Buffer(r.g, 1), c.g)
      order by ST_Area(ST_Intersection(ST_Buffer(r.g, 1), c.g)) desc, c.code limit 1;
      if winner is not null then
        update piece set code = winner, core = true where id = r.id;
      end if;
    end loop;
  end loop;
end $$;

-- 4. kelurahan and kecamatan in WGS 84, 6 decimals
create table kel as
select f.code, f.local_name as name, f.kecamatan_code as parent_code,
       ST_ForcePolygonCCW(ST_Multi(ST_CollectionExtract(ST_MakeValid(
         ST_SnapToGrid(ST_Transform(ST_Union(pc.g), 4326), 0.000001)), 3))) as g
from facts f join piece pc on pc.code = f.code
group by f.code, f.local_name, f.kecamatan_code;

create table kec as
select k.kecamatan_code as code, k.kecamatan_local_name as name, '21.72'::text as parent_code,
       ST_ForcePolygonCCW(ST_Multi(ST_CollectionExtract(ST_MakeValid(
         ST_SnapToGrid(ST_Union(kel.g), 0.000001)), 3))) as g
from (select distinct kecamatan_code, kecamatan_local_name from facts) k
join kel on kel.parent_code = k.kecamatan_code
group by k.kecamatan_code, k.kecamatan_local_name;

-- 5. checks
do $$
declare r record; total float8; facts_total float8; a float8;
begin
  if (select count(*) from kel) <> 18 or (select count(*) from kec) <> 4 then
    raise exception 'expected 18 kelurahan and 4 kecamatan';
  end if;
  for r in select 'kelurahan' as l, code, g from kel union all select 'kecamatan', code, g from kec loop
    if not ST_IsValid(r.g) then raise exception '% % invalid: %', r.l, r.code, ST_IsValidReason(r.g); end if;
    if GeometryType(r.g) <> 'MULTIPOLYGON' then raise exception '% % is not a MultiPolygon', r.l, r.code; end if;
    if not ST_IsPolygonCCW(r.g) then raise exception '% % rings not CCW', r.l, r.code; end if;
  end loop;
  for r in select f.code, f.kecamatan_code, ST_SetSRID(ST_MakePoint(f.centroid_lon, f.centroid_lat), 4326) as p from facts f loop
    if not exists (select 1 from kel where code = r.code and ST_Covers(g, r.p)) then
      raise exception 'centroid of % is not inside its generated kelurahan', r.code;
    end if;
    if (select count(*) from kel where ST_Covers(g, r.p)) <> 1 then
      raise exception 'centroid of % is covered by more than one kelurahan', r.code;
    end if;
    if not exists (select 1 from kec where code = r.kecamatan_code and ST_Covers(g, r.p)) then
      raise exception 'centroid of % is not inside its generated kecamatan', r.code;
    end if;
  end loop;
  select coalesce(max(ST_Area(ST_Transform(ST_Intersection(a1.g, a2.g), 32648))), 0) into a
  from kel a1 join kel a2 on a1.code < a2.code and ST_Intersects(a1.g, a2.g);
  if a > 1 then raise exception 'generated kelurahan overlap (% m2)', a; end if;
  if exists (select 1 from kel a1 join kel a2 on a1.code <> a2.code
             where a1.code = '21.72.03.1004' and ST_Intersects(a1.g, a2.g)) then
    raise exception 'Penyengat is not a separate island';
  end if;
  select sum(ST_Area(ST_Transform(g, 32648))) / 1e6 into total from kel;
  select sum(area_km2) into facts_total from facts;
  if total < facts_total / 1.5 or total > facts_total * 1.5 then
    raise exception 'total area % km2 is not within a factor 1.5 of %', total, facts_total;
  end if;
end $$;
SQL

note='Approximate DEMO boundary generated by gis-data/demo/generate.sh from kelurahan centroids and areas (Voronoi cells clipped to an outline of area discs). NOT the official boundary: do not use to route real complaints.'

export_layer() { # $1 table, $2 output file
  gis_psql -At -v note="$note" -o "$2" <<SQL
select '{"type": "FeatureCollection", "features": [' || E'\n' ||
       string_agg(json_build_object(
         'type', 'Feature',
         'properties', json_build_object('code', code, 'name', name, 'parent_code', parent_code,
                                         'approximate', true, 'note', :'note'),
         'geometry', ST_AsGeoJSON(g, 6)::json)::text, E',\n' order by code)
       || E'\n' || ']}'
from demo.$1;
SQL
}
export_layer kel "$here/kelurahan.geojson"
export_layer kec "$here/kecamatan.geojson"

echo "demo: wrote kelurahan.geojson and kecamatan.geojson (SCALE=$SCALE SMOOTH=$SMOOTH SIMPLIFY=$SIMPLIFY)"
gis_psql -P footer=off <<'SQL'
select k.code, k.name, k.parent_code as kecamatan, ST_NumGeometries(k.g) as parts,
       round((ST_Area(ST_Transform(k.g, 32648)) / 1e6)::numeric, 2) as demo_km2, f.area_km2 as facts_km2
from demo.kel k join demo.facts f using (code) order by k.code;
select code, name, ST_NumGeometries(g) as parts,
       round((ST_Area(ST_Transform(g, 32648)) / 1e6)::numeric, 2) as demo_km2,
       (select sum(area_km2) from demo.facts where kecamatan_code = kec.code) as facts_km2
from demo.kec order by code;
select round((sum(ST_Area(ST_Transform(g, 32648))) / 1e6)::numeric, 1) as total_demo_km2,
       (select sum(area_km2) from demo.facts) as total_facts_km2 from demo.kel;
SQL
