-- wrk script for tests/bench.sh: POST /api/complaints with a different pin and category each time.
-- Pins come from the file named by UJAR_BENCH_POINTS ("lon lat category" a line), written at run time by
-- `Ujar.Benchmarks routing --http-points FILE` from the official boundaries (so none of their geometry lives in the repo).
-- Requests are formatted once in init(), so the client spends its share of the two cores sending, not formatting.

local prepared = {}
local next_index = 0

-- Runs in the main script state once per thread before it starts: spread the threads over the pins.
local thread_number = 0
function setup(thread)
  thread:set("thread_number", thread_number)
  thread_number = thread_number + 1
end

function init(args)
  local path = os.getenv("UJAR_BENCH_POINTS") or error("set UJAR_BENCH_POINTS to the pins file")
  local file = assert(io.open(path, "r"))
  local headers = { ["Content-Type"] = "application/json" }
  for line in file:lines() do
    local lon, lat, category = line:match("^(%S+) (%S+) (%S+)$")
    if lon then
      local body = string.format(
        '{"lat":%s,"lon":%s,"category":"%s","description":"Jalan berlubang di depan rumah nomor %d, mohon segera diperbaiki","anonymous":true}',
        lat, lon, category, #prepared + 1)
      prepared[#prepared + 1] = wrk.format("POST", "/api/complaints", headers, body)
    end
  end
  file:close()
  assert(#prepared > 0, "no pins in " .. path)
  next_index = ((thread_number or 0) * 997) % #prepared
end

function request()
  next_index = next_index % #prepared + 1
  return prepared[next_index]
end

-- Machine-readable totals for tests/bench.sh (wrk's own report, with --latency, is printed above these).
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
