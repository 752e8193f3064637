-- wrk script for `make bench-server`: POST /v1/predict over a rotating set
-- of fixtures, and a one-line JSON summary (requests/s, latency percentiles,
-- errors) printed when the run ends.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

-- One request body per line of the file named by BENCH_BODIES.
local bodies = {}
for line in io.lines(os.getenv("BENCH_BODIES")) do
  bodies[#bodies + 1] = line
end

local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/v1/predict", nil, bodies[(n % #bodies) + 1])
end

done = function(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + e.status
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"requests_per_second":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"max_ms":%.3f,"errors":%d,"non_2xx":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, errors, e.status))
end
