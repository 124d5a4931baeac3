-- Price and mass levels. Track records of the band a declared price, net mass or value per kg
-- falls in (a factor 1.65 wide on a log scale: value_band, declared_kg_band,
-- value_per_kg_band in docs/rules.md), alone and for the commodity: how often declarations of
-- this commodity at about this price turned out to be frauds. A band is a level, not an exact
-- value: the records survive a price declared a few percent differently, unlike values.lua.

local function level(id, key, title, tags)
  rule {
    id = id,
    title = title,
    weight = 1,
    tags = tags,
    author = "boxrank",
    valid_from = "2020-01-01",
    points = history_logodds(key),
    tests = {
      { line = { hs_code = "440890", value = 372254.4, declared_kg = 108.0 },
        history = { [key] = { inspections = 20, hits = 15 } }, fires = true },
      { line = { hs_code = "440890", value = 372254.4, declared_kg = 108.0 }, fires = false },
    },
  }
end

level("KCS-HS-PRICE-LEVEL", "hs6+value_band", "Record of this commodity at about this price",
      { "goods", "value" })
level("KCS-HS-MASS-LEVEL", "hs6+declared_kg_band", "Record of this commodity at about this mass",
      { "goods", "value" })
level("KCS-HS-VPK-LEVEL", "hs6+value_per_kg_band",
      "Record of this commodity at about this value per kg", { "goods", "value" })
level("KCS-PRICE-LEVEL", "value_band", "Record of declarations at about this price", { "value" })
level("KCS-MASS-LEVEL", "declared_kg_band", "Record of declarations at about this net mass",
      { "value" })
level("KCS-VPK-LEVEL", "value_per_kg_band", "Record of declarations at about this value per kg",
      { "value" })
