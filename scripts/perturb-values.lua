-- Multiplies every Item Price and Net Mass of a KCS CSV (standard input to standard output) by
-- its own factor within +-0.5%, as the held-back check does: a record of an exact value then
-- carries nothing, while value per kg hardly moves. Deterministic for a seed (its own 64-bit
-- generator, not the platform's), so figures on perturbed data can be re-measured.
-- Usage: lua5.4 scripts/perturb-values.lua [SEED] < valid.csv > valid-perturbed.csv
local state = math.tointeger(tonumber(arg[1] or "1")) or error("the seed is a whole number")

local function uniform() -- splitmix64, in [0, 1)
  state = state + 0x9E3779B97F4A7C15
  local z = state
  z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
  z = (z ~ (z >> 27)) * 0x94D049BB133111EB
  z = z ~ (z >> 31)
  return (z >> 11) / 9007199254740992.0
end

local header = io.read("l") or error("empty input")
io.write(header, "\n")
local wanted, cols, i = { ["Item Price"] = true, ["Net Mass"] = true }, {}, 0
for name in (header .. ","):gmatch("([^,]*),") do
  i = i + 1
  if wanted[name] then cols[i] = true end
end
assert(next(cols), "no Item Price or Net Mass column")
local n = 1
for line in io.lines() do
  n = n + 1
  assert(not line:find('"', 1, true), "line " .. n .. ": quoted fields are not handled")
  local out, c = {}, 0
  for field in (line .. ","):gmatch("([^,]*),") do
    c = c + 1
    local x = cols[c] and tonumber(field)
    out[c] = x and string.format("%.10g", x * (1 + (uniform() - 0.5) * 0.01)) or field
  end
  io.write(table.concat(out, ","), "\n")
end
