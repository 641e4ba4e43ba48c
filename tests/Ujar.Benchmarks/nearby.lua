-- wrk script for tests/tasks-bench.sh: GET /api/tasks/nearby from a different crew position each time, signed in with
-- the bearer token in UJAR_BENCH_TOKEN. Positions are uniform over the box given by UJAR_BENCH_BOX
-- ("minLon minLat maxLon maxLat", the official city's extent), drawn with a fixed seed per thread, the same
-- distribution pgbench draws from. Requests are formatted once in init(), so wrk spends its share of the cores sending.

local prepared = {}
local next_index = 0

local thread_number = 0
function setup(thread)
  thread:set("thread_number", thread_number)
  thread_number = thread_number + 1
end

function init(args)
  local token = os.getenv("UJAR_BENCH_TOKEN") or error("set UJAR_BENCH_TOKEN to a crew's bearer token")
  local box = os.getenv("UJAR_BENCH_BOX") or error("set UJAR_BENCH_BOX to 'minLon minLat maxLon maxLat'")
  local radius = os.getenv("UJAR_BENCH_RADIUS") or "5000"
  local limit = os.getenv("UJAR_BENCH_LIMIT") or "20"
  local min_lon, min_lat, max_lon, max_lat = box:match("^(%S+) (%S+) (%S+) (%S+)$")
  min_lon, min_lat, max_lon, max_lat = tonumber(min_lon), tonumber(min_lat), tonumber(max_lon), tonumber(max_lat)
  local headers = { ["Authorization"] = "Bearer " .. token }
  math.randomseed(20261128 + (thread_number or 0))
  for _ = 1, 10000 do
    local lon = min_lon + math.random() * (max_lon - min_lon)
    local lat = min_lat + math.random() * (max_lat - min_lat)
    prepared[#prepared + 1] = wrk.format("GET",
      string.format("/api/tasks/nearby?lat=%.6f&lon=%.6f&radius=%s&limit=%s", lat, lon, radius, limit), headers)
  end
end

function request()
  next_index = next_index % #prepared + 1
  return prepared[next_index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("wrk.requests=%d\n", summary.requests))
  io.write(string.format("wrk.duration_us=%d\n", summary.duration))
  io.write(string.format("wrk.status_errors=%d\n", e.status))
  io.write(string.format("wrk.socket_errors=%d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("wrk.p50_us=%d\n", latency:percentile(50)))
  io.write(string.format("wrk.p99_us=%d\n", latency:percentile(99)))
  io.write(string.format("wrk.mean_us=%.0f\n", latency.mean))
end
