-- wrk script for bench/run.py: `wrk ... -s bench/wrk.lua http://HOST:PORT -- /path1 /path2 ...`
-- Each connection cycles over the paths given after "--" (or requests the URL's own path when none is given),
-- and done() prints one line "BENCH_JSON {...}" with the counts and latency percentiles in microseconds.

local requests = {}
local next_index = 0

function init(args)
  for _, path in ipairs(args) do
    requests[#requests + 1] = wrk.format("GET", path)
  end
  if #requests == 0 then
    requests[1] = wrk.format("GET", wrk.path)
  end
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end

function done(summary, latency, _requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "status_errors": %d, "timeouts": %d, "mean_us": %.1f, "p50_us": %d, '
      .. '"p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max
  ))
end
