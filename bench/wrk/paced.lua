-- wrk script for bench/load.py. Environment:
--   WRK_TOKEN        bearer token sent with every request (optional)
--   WRK_METHOD       GET (default) or POST; WRK_BODY the JSON body of a POST
--   WRK_DELAY_MS     wait before each request of a connection, in ms (fractions allowed; 0 = closed loop)
-- Prints one JSON line at the end: requests/s, p50/p99 in ms, error count.

local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "0")

wrk.method = os.getenv("WRK_METHOD") or "GET"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("WRK_TOKEN")
if token then
    wrk.headers["Authorization"] = "Bearer " .. token
end

function init(args)
    math.randomseed(os.time())
end

-- wrk delays in whole milliseconds: round up with the probability of the fraction, so the mean is exact.
function delay()
    if delay_ms <= 0 then
        return 0
    end
    local whole = math.floor(delay_ms)
    if math.random() < delay_ms - whole then
        whole = whole + 1
    end
    return whole
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        '{"rps": %.1f, "requests": %d, "p50_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "errors": %d}\n',
        summary.requests / (summary.duration / 1e6), summary.requests,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
        e.connect + e.read + e.write + e.status + e.timeout))
end
