-- bench/api/wrk.lua - one request shape for wrk, from the environment:
--   WRK_METHOD      GET or POST (default GET)
--   WRK_BODY_FILE   request body (JSON), sent with Content-Type: application/json
--   WRK_TOKEN_FILE  bearer token, sent as Authorization: Bearer <token>
--   WRK_OUT         where done() writes the run's summary as one JSON line
-- The request is built once (wrk.format) and sent as is on every keep-alive
-- connection, so the load generator spends nothing per request in Lua.

local function slurp(path)
    local f = assert(io.open(path, "rb"))
    local s = f:read("*a")
    f:close()
    return s
end

wrk.method = os.getenv("WRK_METHOD") or "GET"
local body_file = os.getenv("WRK_BODY_FILE")
if body_file and body_file ~= "" then
    wrk.body = slurp(body_file)
    wrk.headers["Content-Type"] = "application/json"
end
local token_file = os.getenv("WRK_TOKEN_FILE")
if token_file and token_file ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. slurp(token_file):gsub("%s+$", "")
end

function done(summary, latency, requests)
    local out = os.getenv("WRK_OUT")
    if not out or out == "" then
        return
    end
    local e = summary.errors
    local f = assert(io.open(out, "w"))
    f:write(string.format(
        '{"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
        '"write_errors":%d,"status_errors":%d,"timeouts":%d,"mean_us":%.1f,"p50_us":%d,' ..
        '"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
        summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
        e.timeout, latency.mean, latency:percentile(50), latency:percentile(90),
        latency:percentile(99), latency.max))
    f:close()
end
