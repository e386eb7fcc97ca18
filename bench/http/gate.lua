-- SPDX-License-Identifier: MIT
-- bench/run-gate.sh's wrk script: each request is a gate check of a registered resident drawn at
-- random from GATE_IDS (bench_gate's ids.txt, one ID number a line) at a gate of type GATE_TYPE
-- (default scenic); the bearer token comes from wrk's -H. Each wrk thread reads the file once.
-- GATE_DELAY_MS=D makes each connection wait D ms after an answer before its next request, so that
-- C connections offer about C * 1000 / (D + latency) checks a second: a rate below saturation (wrk
-- otherwise drives as fast as the server answers, and Debian has no wrk2 to hold a fixed rate).
local ids = {}
local gate = os.getenv("GATE_TYPE") or "scenic"
local path = os.getenv("GATE_IDS")
if path then
    for line in io.lines(path) do
        ids[#ids + 1] = line
    end
end
local next_id = 0
local pause = tonumber(os.getenv("GATE_DELAY_MS") or "")

if pause and pause > 0 then
    function delay()
        return pause
    end
end

function setup(thread)
    next_id = next_id + 1
    thread:set("seed", next_id)
end

function init(args)
    math.randomseed(seed or 1)
    if #ids == 0 then
        error("gate.lua: GATE_IDS names no file of ID numbers")
    end
end

function request()
    return wrk.format("GET", "/api/v1/check/" .. ids[math.random(#ids)] .. "?gate=" .. gate)
end
