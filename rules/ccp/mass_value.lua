-- Mass and value: what was weighed against what was declared, and what the goods are said
-- to be worth against what such goods cost.

rule {
  id = "CCP-MASS-001",
  title = "Weighed mass at least 40% above the declared mass",
  weight = 50,
  tags = { "mass" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  -- Scales and VGM agree within a few percent; tonnes more than declared are undeclared goods.
  when = ratio("measured_kg", "declared_kg", ">=", 1.4),
  reason = "declared {declared_kg} kg, weighed {measured_kg} kg",
  tests = {
    { line = { declared_kg = 4000, measured_kg = 12000 }, fires = true,
      reason = "declared 4000 kg, weighed 12000 kg" },
    { line = { declared_kg = 20000, measured_kg = 20600 }, fires = false },
    { line = { declared_kg = 0, measured_kg = 20600 }, fires = false },
  },
}

rule {
  id = "CCP-MASS-002",
  title = "Weighed mass 10-40% above the declared mass",
  weight = 20,
  tags = { "mass" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  when = all {
    ratio("measured_kg", "declared_kg", ">=", 1.1),
    ratio("measured_kg", "declared_kg", "<", 1.4),
  },
  reason = "declared {declared_kg} kg, weighed {measured_kg} kg",
  tests = {
    { line = { declared_kg = 20000, measured_kg = 24000 }, fires = true,
      reason = "declared 20000 kg, weighed 24000 kg" },
    { line = { declared_kg = 20000, measured_kg = 20900 }, fires = false },
    { line = { declared_kg = 10000, measured_kg = 30000 }, fires = false },
  },
}

-- Lowest plausible USD per kg by HS heading: a quarter of the lowest price such goods are
-- traded at into Iraq. Below it the invoice is very likely false (duty evasion, or the
-- box holds something other than what is declared).
local floor_usd_per_kg = {
  ["0202"] = 0.95, ["0204"] = 1.1, ["0207"] = 0.4, ["0303"] = 0.3, ["0402"] = 0.7,
  ["0405"] = 1.1, ["0406"] = 0.75, ["0701"] = 0.075, ["0702"] = 0.1, ["0703"] = 0.2,
  ["0710"] = 0.2, ["0713"] = 0.13, ["0803"] = 0.13, ["0805"] = 0.12, ["0806"] = 0.22,
  ["0808"] = 0.17, ["0901"] = 0.75, ["0902"] = 0.6, ["1006"] = 0.11, ["1101"] = 0.085,
  ["1507"] = 0.22, ["1509"] = 1, ["1511"] = 0.2, ["1512"] = 0.23, ["1701"] = 0.11,
  ["1806"] = 0.6, ["1905"] = 0.3, ["2009"] = 0.17, ["2103"] = 0.22, ["2106"] = 0.37,
  ["2202"] = 0.1, ["2402"] = 2, ["2403"] = 1, ["2710"] = 0.27, ["2815"] = 0.075,
  ["3002"] = 50, ["3004"] = 3.7, ["3105"] = 0.1, ["3208"] = 0.3, ["3304"] = 1,
  ["3305"] = 0.37, ["3401"] = 0.3, ["3402"] = 0.2, ["3808"] = 0.75, ["3824"] = 0.2,
  ["3901"] = 0.25, ["3917"] = 0.37, ["3923"] = 0.35, ["3926"] = 0.5, ["4011"] = 0.57,
  ["4412"] = 0.1, ["4818"] = 0.22, ["5208"] = 0.6, ["5407"] = 0.45, ["5703"] = 0.6,
  ["6109"] = 1.25, ["6110"] = 1.5, ["6203"] = 1.5, ["6204"] = 1.5, ["6302"] = 1,
  ["6402"] = 0.75, ["6802"] = 0.1, ["6907"] = 0.075, ["6910"] = 0.22, ["7005"] = 0.085,
  ["7214"] = 0.13, ["7306"] = 0.2, ["7308"] = 0.22, ["7326"] = 0.3, ["7610"] = 0.85,
  ["8409"] = 1.25, ["8413"] = 1.1, ["8414"] = 0.6, ["8415"] = 1.5, ["8418"] = 1,
  ["8429"] = 1.75, ["8431"] = 0.85, ["8450"] = 0.85, ["8471"] = 20, ["8481"] = 1.1,
  ["8502"] = 1.1, ["8504"] = 1.75, ["8507"] = 0.45, ["8516"] = 0.75, ["8517"] = 20,
  ["8525"] = 5, ["8528"] = 1.75, ["8536"] = 1, ["8537"] = 2.5, ["8541"] = 0.32,
  ["8544"] = 1, ["8703"] = 1.5, ["8704"] = 2.25, ["8708"] = 0.75, ["8712"] = 0.75,
  ["9401"] = 0.75, ["9403"] = 0.5, ["9405"] = 1.25, ["9503"] = 0.6,
}

rule {
  id = "CCP-VALUE-001",
  title = "Declared value per kg far below the norm for these goods",
  weight = 50,
  tags = { "value", "fraud" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  when = function(line)
    local hs, value, kg = line.hs_code, line.value, line.declared_kg
    if not hs or not value or not kg or kg <= 0 then
      return false
    end
    local heading = br.hs_heading(hs)
    local floor = heading and floor_usd_per_kg[heading]
    if floor and value / kg < floor then
      return true, string.format("%.3f USD/kg declared; heading %s is rarely below %.3f USD/kg",
                                 value / kg, heading, floor)
    end
    return false
  end,
  tests = {
    { line = { hs_code = "690721", value = 500, declared_kg = 25000 }, fires = true,
      reason = "0.020 USD/kg declared; heading 6907 is rarely below 0.075 USD/kg" },
    { line = { hs_code = "851713", value = 30000, declared_kg = 2500 }, fires = true,
      reason = "12.000 USD/kg declared; heading 8517 is rarely below 20.000 USD/kg" },
    { line = { hs_code = "690721", value = 12000, declared_kg = 25000 }, fires = false },
    { line = { hs_code = "481910", value = 10, declared_kg = 25000 }, fires = false },
    { line = { value = 10, declared_kg = 25000 }, fires = false },
  },
}

rule {
  id = "CCP-VALUE-002",
  title = "Freight charges out of proportion to the declared value",
  weight = 50,
  tags = { "value", "fraud" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  -- Nobody pays more to move goods than 80% of what they are worth: the value is false.
  when = ratio("freight_amount", "value", ">", 0.8),
  reason = "freight {freight_amount} USD for goods declared at {value} USD",
  tests = {
    { line = { freight_amount = 3500, value = 2000 }, fires = true,
      reason = "freight 3500 USD for goods declared at 2000 USD" },
    { line = { freight_amount = 1800, value = 25000 }, fires = false },
    { line = { freight_amount = 1800, value = 0 }, fires = false },
  },
}
