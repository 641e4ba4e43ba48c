-- tests/tasks-bench.sh: after `Ujar.Benchmarks hotspots --data-only` has generated the complaints, give them the
-- status mix of a city that works its queue: 5 % still open (spread over the five open statuses), the rest resolved,
-- closed or rejected. Fixed seed, so every run measures the same data.
SELECT setseed(0.5);
CREATE TEMP TABLE bench_status AS
SELECT id, CASE
         WHEN r < 0.05 THEN (ARRAY['Received', 'Verified', 'Assigned', 'InProgress', 'Reopened'])[1 + floor(r / 0.01)::int]
         WHEN r < 0.60 THEN 'Closed'
         WHEN r < 0.95 THEN 'Resolved'
         ELSE 'Rejected'
       END AS status
FROM (SELECT id, random() AS r FROM complaints ORDER BY id) x;
UPDATE complaints c SET status = s.status FROM bench_status s WHERE s.id = c.id AND c.status <> s.status;
VACUUM (ANALYZE) complaints;
