-- pgbench script for tests/bench.sh: the row POST /api/complaints stores, inserted straight into the same table,
-- one transaction (one commit) per row. :generation is the active boundary generation (pgbench -D generation=N).
-- The pin varies over the city's bounding box; the ticket comes from a sequence, so it is unique like the service's.
\set lon_e7 random(1043365000, 1045520000)
\set lat_e7 random(8290000, 9911000)
INSERT INTO complaints (ticket, category_code, description, location, kelurahan_code, kecamatan_code, opd_code, status,
                        created_at, anonymous, channel, snapped, snap_distance_meters, boundary_generation_id)
VALUES ('B-' || nextval('bench_ticket'), 'genangan_air',
        'Jalan berlubang di depan rumah nomor 1234, mohon segera diperbaiki',
        ST_SetSRID(ST_MakePoint(:lon_e7 / 1e7, :lat_e7 / 1e7), 4326), '21.72.01.1001', '21.72.01', 'pupr', 'Received',
        now(), true, 'Web', false, 0, :generation);
