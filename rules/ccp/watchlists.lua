-- Parties and vessels on sanctions lists. A party name matches a listed name or alias when
-- their normalised tokens agree (transliteration variants, token order, legal forms aside) at
-- the rule's minimum score, 0.85: the one calibrated screening threshold, the default of
-- on_watchlist and `watchlist match` too (docs/watchlists.md); generic words alone never match. The reason shows the party, the
-- listed entry, the score and the tokens that matched. An analyst's exception (boxrank
-- watchlist except) stops a pair from firing.

local parties = { "shipper_name", "consignee_name", "notify_name" }

rule {
  id = "CCP-WL-001",
  title = "Party on the UN Security Council Consolidated List",
  weight = 60,
  tags = { "watchlist", "sanctions", "party" },
  author = "CCP Iraq targeting unit",
  when = on_watchlist(parties, "un", 0.85),
  tests = {
    { line = { consignee_name = "Muhammad al-Hasan al-Tikriti General Trading LLC" },
      watchlists = { un = { "MOHAMMED AL HASSAN AL TIKRITI" } }, fires = true },
    { line = { shipper_name = "Golden Star Trading Co" },
      watchlists = { un = { "MOHAMMED AL HASSAN AL TIKRITI" } }, fires = false },
    -- Common given names only: a name alone is no evidence (docs/watchlists.md).
    { line = { consignee_name = "Muhammad al-Hasan General Trading LLC" },
      watchlists = { un = { "MOHAMMED AL HASSAN" } }, fires = false },
    { line = { consignee_name = "Muhammad al-Hasan al-Tikriti General Trading LLC" },
      fires = false },
  },
}

rule {
  id = "CCP-WL-002",
  title = "Party on the OFAC SDN list",
  weight = 50,
  tags = { "watchlist", "sanctions", "party" },
  author = "CCP Iraq targeting unit",
  when = on_watchlist(parties, "ofac", 0.85),
  tests = {
    { line = { notify_name = "Ahmad Abd al Karim al-Sudani" },
      watchlists = { ofac = { "AL-SUDANI, Ahmed Abdul Karim" } }, fires = true },
    { line = { notify_name = "Basra Logistics Services" },
      watchlists = { ofac = { "AL-SUDANI, Ahmed Abdul Karim" } }, fires = false },
  },
}

rule {
  id = "CCP-WL-003",
  title = "Vessel (IMO number) on the OFAC SDN list",
  weight = 50,
  tags = { "watchlist", "sanctions", "vessel" },
  author = "CCP Iraq targeting unit",
  when = listed("vessel_imo", "ofac"),
  tests = {
    { line = { vessel_imo = "IMO 9187629" },
      watchlists = { ofac = { { kind = "vessel", name = "ARTAVIL", value = "9187629" } } },
      fires = true },
    { line = { vessel_imo = "9321483" },
      watchlists = { ofac = { { kind = "vessel", name = "ARTAVIL", value = "9187629" } } },
      fires = false },
  },
}
