-- The rule workload of a function rule, run the way the engine runs it (one call per rule per
-- line, fields read through a view), under whichever Lua runs this file: compare
--   lua5.4 bench/lua_engines.lua   and   luajit bench/lua_engines.lua
local N = tonumber(arg and arg[1]) or 2000000

local fields = {
  declared_kg = 12000, measured_kg = 12150, value = 48000, freight_amount = 1800,
  origin_country = "CN", hs_code = "847130", description = "LAPTOP COMPUTERS",
  transship_ports = "AEJEA;OMSLL", container_type = "45G1",
}
-- A read-only view like the engine's userdata: lookups go through __index, not a table copy.
local view = setmetatable({}, { __index = function(_, k) return fields[k] end })

local rules = {
  function(l) local d, m = l.declared_kg, l.measured_kg
    return d and m and m > d * 1.5 end,
  function(l) local v, kg = l.value, l.declared_kg
    return v and kg and kg > 0 and v / kg < 0.2 end,
  function(l) local f, v = l.freight_amount, l.value
    return f and v and v > 0 and f / v > 0.5 end,
  function(l) local d = l.description
    return d ~= nil and (d:find("FAK", 1, true) or d:find("STC", 1, true)) ~= nil end,
  function(l) local t = l.transship_ports
    local n = 0
    if t then for _ in t:gmatch("[^;]+") do n = n + 1 end end
    return n >= 2 end,
  function(l) local h = l.hs_code return h ~= nil and h:sub(1, 4) == "2939" end,
  function(l) return l.origin_country == "EC" or l.origin_country == "CO" end,
  function(l) local c = l.container_type return c ~= nil and c:sub(3, 3) == "R" end,
  function(l) local d, m = l.declared_kg, l.measured_kg
    return d and m and math.abs(d - m) / d > 0.1 end,
  function(l) local h = l.hs_code return h ~= nil and #h < 6 end,
}

local t0 = os.clock()
local fired = 0
for _ = 1, N do
  for r = 1, #rules do
    if rules[r](view) then fired = fired + 1 end
  end
end
local secs = os.clock() - t0
print(string.format("%s: %d lines x %d function rules: %.2f s, %.0f lines/s, %.0f ns/rule call (fired %d)",
  _VERSION .. (jit and (" / " .. jit.version) or ""), N, #rules, secs, N / secs,
  secs * 1e9 / (N * #rules), fired))
