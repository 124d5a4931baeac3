-- Declared value against what such goods usually cost. Each rule adds weight x how many robust
-- standard deviations the declaration's value per kg lies below (or above) the median of the
-- declarations before it sharing a value: the commodity (HS6), the commodity from this origin,
-- the importer's and the declarant's own. A value per kg within 2 of the norm adds nothing.
-- Norms learn from declared values, not from inspections (docs/rules.md, value_norm).

local function norm(id, key, side, title, line, tags, reason)
  local usual = { 45.0, 44.0, 46.5, 45.0, 43.0, 47.0, 45.5, 44.5 }
  local declared = side == "low" and 4.5 or 450
  rule {
    id = id,
    title = title,
    weight = 1,
    tags = tags,
    author = "boxrank",
    valid_from = "2020-01-01",
    points = value_norm(key, side),
    tests = {
      { line = line(declared), norms = { [key] = usual }, fires = true, reason = reason },
      { line = line(45.2), norms = { [key] = usual }, fires = false },
      { line = line(declared), norms = { [key] = { 4.5, 450 } }, fires = false },
      { line = line(declared), fires = false },
    },
  }
end

local function goods(per_kg)
  return { hs_code = "847130", origin_country = "CN", importer_id = "QLRUBN9",
           declarant_id = "ZZR1LT6", declared_kg = 100, value = 100 * per_kg }
end

norm("KCS-NORM-HS-ORIGIN-LOW", "hs6+origin_country", "low",
     "Value per kg far below this commodity from this origin", goods, { "value", "goods" },
     "value/kg 4.5 is 0.1x the hs6+origin_country 847130+CN median (44.93) of 8 declarations "
       .. "(robust z -31.0)")
norm("KCS-NORM-HS-ORIGIN-HIGH", "hs6+origin_country", "high",
     "Value per kg far above this commodity from this origin", goods, { "value", "goods" })
norm("KCS-NORM-HS6-LOW", "hs6", "low", "Value per kg far below this commodity (HS6)", goods,
     { "value", "goods" })
norm("KCS-NORM-HS6-HIGH", "hs6", "high", "Value per kg far above this commodity (HS6)", goods,
     { "value", "goods" })
norm("KCS-NORM-IMPORTER-LOW", "importer_id", "low",
     "Value per kg far below the importer's own declarations", goods, { "value", "party" })
norm("KCS-NORM-IMPORTER-HIGH", "importer_id", "high",
     "Value per kg far above the importer's own declarations", goods, { "value", "party" })
norm("KCS-NORM-DECLARANT-LOW", "declarant_id", "low",
     "Value per kg far below the declarant's own declarations", goods, { "value", "party" })
norm("KCS-NORM-DECLARANT-HIGH", "declarant_id", "high",
     "Value per kg far above the declarant's own declarations", goods, { "value", "party" })
