-- Parties: who ships, who receives, and what the documents leave out about them.

rule {
  id = "CCP-PARTY-001",
  title = "House B/L whose shipper hides the real exporter",
  weight = 35,
  tags = { "parties", "nvocc" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  -- An NVOCC's house bill naming no real shipper leaves nobody answerable for the cargo.
  when = all {
    present("House B/L"),
    contains("shipper_name", { "TO ORDER", "TO THE ORDER", "AS PER INVOICE", "ON BEHALF OF",
                               "AS AGENT FOR" }),
  },
  reason = "house B/L {House B/L}, shipper \"{shipper_name}\"",
  tests = {
    { line = { ["House B/L"] = "GSA123456789", shipper_name = "SHIPPER AS PER INVOICE" },
      fires = true, reason = "house B/L GSA123456789, shipper \"SHIPPER AS PER INVOICE\"" },
    { line = { ["House B/L"] = "", shipper_name = "TO ORDER" }, fires = false },
    { line = { ["House B/L"] = "GSA123456789", shipper_name = "ANADOLU GIDA SAN. VE TIC. A.S." },
      fires = false },
  },
}

rule {
  id = "CCP-PARTY-002",
  title = "Shipper address missing",
  weight = 20,
  tags = { "parties", "documents" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  when = missing("shipper_address"),
  tests = {
    { line = { shipper_address = "" }, fires = true },
    { line = { shipper_address = "NO. 88 HARBOUR ROAD, NINGBO, CHINA" }, fires = false },
  },
}

rule {
  id = "CCP-PARTY-003",
  title = "Importer tax number missing",
  weight = 30,
  tags = { "parties", "documents" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  -- Registered importers carry their TIN on every declaration; a missing one is usually a
  -- company that has never imported, or one used once and dropped.
  when = missing("importer_id"),
  tests = {
    { line = { importer_id = "" }, fires = true },
    { line = { importer_id = "8153731377" }, fires = false },
  },
}

rule {
  id = "CCP-PARTY-004",
  title = "Consignee address missing",
  weight = 20,
  tags = { "parties", "documents" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  when = missing("consignee_address"),
  tests = {
    { line = { consignee_address = "" }, fires = true },
    { line = { consignee_address = "BLDG 9, ST 47, MAHALLA 198, AL-JADRIYA, BAGHDAD, IRAQ" },
      fires = false },
  },
}

rule {
  id = "CCP-PARTY-005",
  title = "Consignee outside the country where the goods are inspected",
  weight = 30,
  tags = { "parties", "transit" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  -- Goods cleared for someone abroad are in transit: a way to move them on unchecked.
  when = function(line)
    local country, port = line.consignee_country, line.port
    if country and port and country ~= port:sub(1, 2) then
      return true, string.format("consignee in %s, goods inspected at %s", country, port)
    end
    return false
  end,
  tests = {
    { line = { consignee_country = "IR", port = "IQUQR" }, fires = true,
      reason = "consignee in IR, goods inspected at IQUQR" },
    { line = { consignee_country = "IQ", port = "IQUQR" }, fires = false },
    { line = { port = "IQUQR" }, fires = false },
  },
}

rule {
  id = "CCP-PARTY-006",
  title = "Consignee in a country under UN or national sanctions",
  weight = 25,
  tags = { "parties", "sanctions" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  when = field_in("consignee_country", { "IR", "SY", "KP" }),
  reason = "consignee country {consignee_country}",
  tests = {
    { line = { consignee_country = "SY" }, fires = true, reason = "consignee country SY" },
    { line = { consignee_country = "IQ" }, fires = false },
  },
}

rule {
  id = "CCP-HIST-001",
  title = "Consignee or shipper with a poor inspection record",
  weight = 40,
  tags = { "parties", "history" },
  author = "CCP Iraq targeting unit",
  valid_from = "2026-01-01",
  -- Track records come from past inspection outcomes in the store, shrunk toward the global
  -- finding rate (docs/store.md), so one unlucky inspection does not brand a trader.
  when = function(line)
    for _, key in ipairs { "consignee_name", "shipper_name" } do
      local inspections, hits, rate = br.history(key, line[key])
      if rate and inspections >= 2 and rate >= 0.3 then
        return true, string.format("%s: %d findings in %d inspections (rate %.2f)",
                                   line[key], hits, inspections, rate)
      end
    end
    return false
  end,
  tests = {
    { line = { consignee_name = "AL-NOOR TRADING", shipper_name = "ACME EXPORTS" },
      history = { consignee_name = { inspections = 6, hits = 4 } },
      fires = true, reason = "AL-NOOR TRADING: 4 findings in 6 inspections (rate 0.31)" },
    { line = { consignee_name = "AL-NOOR TRADING", shipper_name = "ACME EXPORTS" },
      history = { consignee_name = { inspections = 6, hits = 0 } }, fires = false },
    { line = { consignee_name = "AL-NOOR TRADING", shipper_name = "ACME EXPORTS" }, fires = false },
  },
}

rule {
  id = "CCP-HIST-002",
  title = "Commodity (HS6) often found misdeclared",
  weight = 25,
  tags = { "goods", "history" },
  author = "CCP Iraq targeting unit",
  valid_from = "2026-01-01",
  when = history("hs6", ">=", 0.3, 3),
  tests = {
    { line = { hs_code = "300490" }, history = { hs6 = { inspections = 10, hits = 6 } },
      fires = true },
    { line = { hs_code = "300490" }, history = { hs6 = { inspections = 10, hits = 1 } },
      fires = false },
  },
}
