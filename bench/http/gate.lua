-- SPDX-License-Identifier: MIT
-- bench/run-gate.sh's wrk script: each request is a gate check of a registered resident drawn at
-- random from GATE_IDS (bench_gate's ids.txt, one ID number a line) at a gate of type GATE_TYPE
-- (default scenic); the bearer token comes from wrk's -H. Each wrk thread reads the file once.
local ids = {}
local gate = os.getenv("GATE_TYPE") or "scenic"
local path = os.getenv("GATE_IDS")
if path then
    for line in io.lines(path) do
        ids[#ids + 1] = line
    end
end
local next_id = 0

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
