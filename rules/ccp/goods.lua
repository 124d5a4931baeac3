-- Goods: commodities that are trafficked into or through Iraq, by tariff line and origin.

rule {
  id = "CCP-GOODS-001",
  title = "Drug precursor chemical (ephedrines, P2P, PMK, phenylacetic acid, safrole)",
  weight = 50,
  tags = { "goods", "drugs", "precursors" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  -- Controlled under the 1988 Convention: an import needs a licence, so every one is checked.
  when = hs_prefix("hs_code", { "29394", "291431", "291634", "293291", "293292", "293293",
                                "293294" }),
  reason = "HS {hs_code}: controlled precursor, check the import licence",
  tests = {
    { line = { hs_code = "293942" }, fires = true,
      reason = "HS 293942: controlled precursor, check the import licence" },
    { line = { hs_code = "2914.31" }, fires = true,
      reason = "HS 2914.31: controlled precursor, check the import licence" },
    { line = { hs_code = "291511" }, fires = false },
  },
}

rule {
  id = "CCP-GOODS-002",
  title = "Medicines shipped from Syria or Lebanon (captagon routes)",
  weight = 50,
  tags = { "goods", "drugs", "origin" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  when = all {
    hs_prefix("hs_code", { "3003", "3004" }),
    any {
      field_in("origin_country", { "SY", "LB" }),
      field_in("load_port", { "SYLTK", "SYTTS", "LBBEY" }),
    },
  },
  reason = "HS {hs_code} from {origin_country}, loaded at {load_port}",
  tests = {
    { line = { hs_code = "300490", origin_country = "SY", load_port = "SYLTK" }, fires = true,
      reason = "HS 300490 from SY, loaded at SYLTK" },
    { line = { hs_code = "300490", origin_country = "IN", load_port = "LBBEY" }, fires = true },
    { line = { hs_code = "300490", origin_country = "JO", load_port = "JOAQJ" }, fires = false },
    { line = { hs_code = "080810", origin_country = "LB", load_port = "LBBEY" }, fires = false },
  },
}

rule {
  id = "CCP-GOODS-003",
  title = "Tramadol from South Asia",
  weight = 50,
  tags = { "goods", "drugs", "origin" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  -- High-dose tramadol (200-250 mg) has no registered use in Iraq and comes mostly from there.
  when = all {
    contains("description", { "TRAMADOL" }),
    field_in("origin_country", { "IN", "PK" }),
  },
  reason = "{description} from {origin_country}",
  tests = {
    { line = { description = "Tramadol HCl 225mg tablets", origin_country = "IN" }, fires = true,
      reason = "Tramadol HCl 225mg tablets from IN" },
    { line = { description = "PARACETAMOL TABLETS", origin_country = "IN" }, fires = false },
    { line = { description = "TRAMADOL 50MG CAPSULES", origin_country = "DE" }, fires = false },
  },
}
