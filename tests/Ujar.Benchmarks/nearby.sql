-- pgbench script for tests/tasks-bench.sh: the SQL GET /api/tasks/nearby runs (kept identical to it), from a crew
-- position drawn uniformly over the city's extent (micro-degrees, since pgbench draws integers).
\set lon_u random(:min_lon_u, :max_lon_u)
\set lat_u random(:min_lat_u, :max_lat_u)
SELECT c.ticket, c.category_code, c.status, ST_Y(c.location), ST_X(c.location),
       ST_Distance(c.location::geography, here.g), c.created_at, c.support_count, c.description
FROM complaints c,
     (SELECT ST_SetSRID(ST_MakePoint(:lon_u / 1000000.0, :lat_u / 1000000.0), 4326)::geography AS g) here
WHERE c.status IN ('Received', 'Verified', 'Assigned', 'InProgress', 'Reopened')
  AND c.opd_code = :opd
  AND ST_DWithin(c.location::geography, here.g, :radius)
ORDER BY c.location::geography <-> here.g
LIMIT :lim;
