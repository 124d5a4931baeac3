-- Track records. Each rule adds weight x evidence, where the evidence is how far the shrunk
-- fraud rate of the declaration's value moves the log-odds from the overall rate: positive for
-- a value with more frauds than usual, negative for a cleaner one, nothing for a value never
-- seen (or seen fewer than `min` times). The reason names the value and its record.

local function track(id, key, title, line, tags)
  rule {
    id = id,
    title = title,
    weight = 1,
    tags = tags,
    author = "boxrank",
    valid_from = "2020-01-01",
    points = history_logodds(key),
    tests = {
      { line = line, history = { [key] = { inspections = 20, hits = 15 } }, fires = true },
      { line = line, history = { [key] = { inspections = 20, hits = 0 } }, fires = true },
      { line = line, fires = false },
    },
  }
end

local goods = { hs_code = "440890", origin_country = "BE", ["Tax Rate"] = "8.0",
                ["Country of Departure"] = "NL" }

track("KCS-HS-ORIGIN", "hs6+origin_country", "Record of this commodity (HS6) from this origin",
      goods, { "goods", "origin" })
track("KCS-HS-TAX", "hs6+Tax Rate", "Record of this commodity at this tax rate", goods,
      { "goods", "tariff" })
track("KCS-HS-DEPARTURE", "hs6+Country of Departure",
      "Record of this commodity shipped from this country", goods, { "goods", "route" })
track("KCS-HS6", "hs6", "Record of this commodity (HS6)", goods, { "goods" })
track("KCS-HS4", "hs4", "Record of this commodity heading (HS4)", goods, { "goods" })
track("KCS-ORIGIN", "origin_country", "Record of this country of origin", goods, { "origin" })
track("KCS-DEPARTURE", "Country of Departure", "Record of this country of departure", goods,
      { "route" })
track("KCS-DECLARANT", "declarant_id", "Record of this declarant (customs broker)",
      { declarant_id = "ZZR1LT6" }, { "party" })
track("KCS-IMPORTER", "importer_id", "Record of this importer", { importer_id = "QLRUBN9" },
      { "party" })
track("KCS-SELLER", "shipper_name", "Record of this seller", { shipper_name = "0VKY2BR" },
      { "party" })
track("KCS-TAX-TYPE", "Tax Type", "Record of this tax type", { ["Tax Type"] = "FEU1" },
      { "tariff" })
track("KCS-PAYMENT", "Payment Type", "Record of this payment type", { ["Payment Type"] = "11" },
      { "payment" })
track("KCS-OFFICE", "port", "Record of this customs office", { port = "30" }, { "office" })
