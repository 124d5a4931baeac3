-- Ten function rules: the part of a real pack that runs Lua, one call per rule per line.
rule { id = "F-MASS", title = "Weighed mass far above declared", weight = 20, when = function(l)
  local d, m = l.declared_kg, l.measured_kg
  return d ~= nil and m ~= nil and m > d * 1.5 end }
rule { id = "F-VALUE", title = "Value per kg very low", weight = 10, when = function(l)
  local v, kg = l.value, l.declared_kg
  return v ~= nil and kg ~= nil and kg > 0 and v / kg < 0.2 end }
rule { id = "F-FREIGHT", title = "Freight over half the value", weight = 10, when = function(l)
  local f, v = l.freight_amount, l.value
  return f ~= nil and v ~= nil and v > 0 and f / v > 0.5 end }
rule { id = "F-VAGUE", title = "Vague description", weight = 10, when = function(l)
  local d = l.description
  return d ~= nil and (d:find("FAK", 1, true) or d:find("STC", 1, true)) ~= nil end }
rule { id = "F-HUBS", title = "Two or more transshipments", weight = 10, when = function(l)
  local n = 0
  for _ in br.list(l.transship_ports) do n = n + 1 end
  return n >= 2, n .. " transshipments" end }
rule { id = "F-PRECURSOR", title = "Precursor heading", weight = 10, when = function(l)
  return br.hs_heading(l.hs_code) == "2939" end }
rule { id = "F-ORIGIN", title = "Origin EC or CO", weight = 10, when = function(l)
  local o = l.origin_country
  return o == "EC" or o == "CO" end }
rule { id = "F-REEFER", title = "Reefer by size-type code", weight = 5, when = function(l)
  local c = l.container_type
  return c ~= nil and c:sub(3, 3) == "R" end }
rule { id = "F-MASS-GAP", title = "Declared and weighed mass differ by over 10%", weight = 10,
  when = function(l)
    local d, m = l.declared_kg, l.measured_kg
    return d ~= nil and m ~= nil and d > 0 and math.abs(d - m) / d > 0.1 end }
rule { id = "F-CHECK", title = "Bad container check digit", weight = 10, when = function(l)
  local c = l.container
  return c ~= nil and not br.iso6346_valid(c) end }
