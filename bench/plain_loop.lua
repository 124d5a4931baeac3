-- The bench pack as a plain single-threaded Lua loop over the CSV, the script a data team
-- would write: split each line (quotes handled; the generated manifests have no newlines
-- inside fields), score, keep each unit's highest score, list red units per port.
-- Usage: lua5.4 plain_loop.lua MANIFEST.csv OUT.csv
local input, output = arg[1], arg[2]

local function split(line)
  local fields, i, n = {}, 1, #line
  while i <= n + 1 do
    if line:sub(i, i) == '"' then
      local buf, j = {}, i + 1
      while true do
        local q = line:find('"', j, true)
        buf[#buf + 1] = line:sub(j, q - 1)
        if line:sub(q + 1, q + 1) == '"' then
          buf[#buf + 1] = '"'
          j = q + 2
        else
          i = q + 2
          break
        end
      end
      fields[#fields + 1] = table.concat(buf)
    else
      local c = line:find(",", i, true) or n + 1
      fields[#fields + 1] = line:sub(i, c - 1)
      i = c + 1
    end
  end
  return fields
end

local f = assert(io.open(input, "r"))
local header = split(f:read("l"))
local col = {}
for i, name in ipairs(header) do col[name] = i end
local C = function(name) return assert(col[name], name) end
local PORT, CONT, BOL = C("Place of Inspection"), C("Container No"), C("B/L No")
local ORIGIN, HS, GROSS, VGM = C("Country of Origin"), C("HS Code"), C("Gross Weight (kg)"), C("VGM (kg)")
local VALUE, DESC, FREIGHT = C("Invoice Value"), C("Description of Goods"), C("Freight Charges")
local TRANS, SEAL, CCOUNTRY = C("Transshipment"), C("Seal Changed"), C("Consignee Country")

local origins = { EC = true, CO = true, PE = true, BO = true, BR = true, PY = true }
local precursors = { ["2939"] = true, ["2914"] = true, ["2916"] = true, ["2933"] = true }
local best = {}

for line in f:lines() do
  local r = split(line)
  local score = 0
  if origins[r[ORIGIN]] then score = score + 20 end
  if precursors[r[HS]:gsub("[%. ]", ""):sub(1, 4)] then score = score + 30 end
  local gross, vgm = tonumber(r[GROSS]), tonumber(r[VGM])
  local value, freight = tonumber(r[VALUE]), tonumber(r[FREIGHT])
  if gross and vgm and gross > 0 and vgm / gross > 1.3 then score = score + 35 end
  if gross and value and gross > 0 and value / gross < 0.5 then score = score + 25 end
  local d = r[DESC]:upper()
  if d:find("FAK", 1, true) or d:find("STC", 1, true) or d:find("GENERAL CARGO", 1, true)
     or d:find("SAID TO CONTAIN", 1, true) then score = score + 15 end
  if gross and gross > 28000 then score = score + 10 end
  if value and freight and value > 0 and freight / value > 0.5 then score = score + 15 end
  local t = ";" .. r[TRANS] .. ";"
  if t:find(";AEJEA;", 1, true) or t:find(";OMSLL;", 1, true) then score = score + 10 end
  if r[SEAL] == "Y" then score = score + 20 end
  if r[CCOUNTRY] ~= "" and r[CCOUNTRY] ~= "IQ" then score = score + 5 end
  local unit = r[CONT] ~= "" and r[CONT] or r[BOL]
  local key = r[PORT] .. "\31" .. unit
  if not best[key] or best[key] < score then best[key] = score end
end
f:close()

local ports = {}
for key, score in pairs(best) do
  if score >= 50 then
    local port, unit = key:match("^(.-)\31(.*)$")
    ports[port] = ports[port] or {}
    table.insert(ports[port], { unit = unit, score = score })
  end
end
local out = assert(io.open(output, "w"))
out:write("port,rank,unit,score\n")
local names = {}
for p in pairs(ports) do names[#names + 1] = p end
table.sort(names)
for _, p in ipairs(names) do
  local list = ports[p]
  table.sort(list, function(a, b)
    if a.score ~= b.score then return a.score > b.score end
    return a.unit < b.unit
  end)
  for i = 1, math.min(25, #list) do
    out:write(string.format("%s,%d,%s,%d\n", p, i, list[i].unit, list[i].score))
  end
end
out:close()
