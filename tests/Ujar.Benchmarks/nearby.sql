-- pgbench script for tests/tasks-bench.sh: the SQL GET /api/tasks/nearby runs for a crew member (src/Ujar.Api/Tasks/
-- NearbyTasks.cs with the crew's OPD and account; keep the two identical), from a crew position drawn uniformly over
-- the city's extent (micro-degrees, since pgbench draws integers). The first branch hands over NearbyTasks.Slack (10)
-- candidates more than the page, which the service sorts again by the distance it shows; the second adds the crew
-- member's own assignments.
\set lon_u random(:min_lon_u, :max_lon_u)
\set lat_u random(:min_lat_u, :max_lat_u)
\set lon :lon_u / 1000000.0
\set lat :lat_u / 1000000.0
\set candidates :lim + 10
(SELECT c.ticket, c.category_code, c.status, ST_Y(c.location), ST_X(c.location),
       ST_Distance(c.location::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography), c.created_at, c.support_count, c.description,
       (SELECT p.id FROM photos p WHERE p.complaint_id = c.id AND p.kind = 'Report' ORDER BY p.created_at LIMIT 1),
       c.assignee_id
FROM complaints c
WHERE c.status IN ('Received', 'Verified', 'Assigned', 'InProgress', 'Reopened')
  AND c.opd_code = :opd
  AND ST_DWithin(c.location::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :radius)
ORDER BY c.location::geography <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography
LIMIT :candidates)
UNION ALL
(SELECT c.ticket, c.category_code, c.status, ST_Y(c.location), ST_X(c.location),
       ST_Distance(c.location::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography), c.created_at, c.support_count, c.description,
       (SELECT p.id FROM photos p WHERE p.complaint_id = c.id AND p.kind = 'Report' ORDER BY p.created_at LIMIT 1),
       c.assignee_id
FROM complaints c
WHERE c.assignee_id = :assignee AND c.status IN ('Received', 'Verified', 'Assigned', 'InProgress', 'Reopened') AND c.opd_code = :opd
LIMIT :lim);
