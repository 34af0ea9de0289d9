-- Appended to decide.lua for paced runs (see scripts/bench.sh and docs/benchmarks.md, "Pacing").
local whole, fraction = 0, 0
function pace(milliseconds)
  whole = math.floor(milliseconds)
  fraction = milliseconds - whole
  math.randomseed(id)
end
function delay()
  if math.random() < fraction then return whole + 1 end
  return whole
end
