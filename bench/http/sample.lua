-- SPDX-License-Identifier: MIT
-- bench/run-sample.sh's wrk script: every connection is a sampling table's phone sending its
-- entries to POST /api/v1/sample/entries, SAMPLE_BATCH entries a request (default 1: what the
-- page sends while the network is up), each waiting for the answer before the next. The entries
-- are registered residents from SAMPLE_IDS (one ID number a line); wrk thread t of T takes the
-- IDs t, t + T, t + 2T, ... and puts 10 in a tube (10:1), so no two requests send the same
-- entry until a thread has used up its share (it then starts again: duplicates, which the
-- script's count of stored samples leaves out). The bearer token comes from wrk's -H.
local ids = {}
local path = os.getenv("SAMPLE_IDS")
local batch = tonumber(os.getenv("SAMPLE_BATCH") or "1")
local tag = os.getenv("SAMPLE_TAG") or "0" -- tubes W<tag>-<thread>-<n>: a run's own
if path then
    for line in io.lines(path) do
        ids[#ids + 1] = line
    end
end
local threads = 0
local count, sent = 1, 0
me = 1 -- set per thread by setup() (thread:set sets a global)

function setup(thread)
    threads = threads + 1
    thread:set("me", threads)
end

function init(args)
    count = tonumber(os.getenv("SAMPLE_THREADS") or "2")
    wrk.headers["Content-Type"] = "application/json" -- beside -H's Authorization
    if #ids == 0 then
        error("sample.lua: SAMPLE_IDS names no file of ID numbers")
    end
end

function request()
    local parts = {}
    for k = 1, batch do
        local i = me + sent * count
        if i > #ids then
            sent = 0
            i = me
        end
        parts[k] = string.format(
            '{"tube":"W%s-%d-%d","id_number":"%s","time":"2022-08-28T10:00:00+08:00"}', tag, me,
            math.floor(sent / 10), ids[i])
        sent = sent + 1
    end
    local body = '{"site":"WRK' .. me .. '","pool":10,"entries":[' .. table.concat(parts, ",") .. ']}'
    return wrk.format("POST", "/api/v1/sample/entries", nil, body)
end
