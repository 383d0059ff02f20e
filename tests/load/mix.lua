-- wrk script: a mix of dashboard queries against `aips serve` (tests/load_test.sh sets KEY and DAY).
local key = os.getenv("KEY")
local day = os.getenv("DAY")
local paths = {
  "/api/v1/stages?brand=serum-01&date=" .. day,
  "/api/v1/trend?brand=serum-01&to=" .. day,
  "/api/v1/flow?brand=serum-01&to=" .. day,
  "/api/v1/penetration?brand=serum-01&date=" .. day,
  "/api/v1/stages?brand=babyfood-01&spu=babyfood-01-s1&date=" .. day,
  "/api/v1/campaigns?brand=serum-01",
  "/api/v1/me",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { ["Authorization"] = "Bearer " .. key })
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors_status=%d errors_other=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f rps=%.1f\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, summary.requests / (summary.duration / 1e6)))
end
