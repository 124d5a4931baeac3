-- One rule per kind of condition, each with a test that fires and one that does not.
rule {
  id = "G-ROUTE", title = "Transshipped through a watched hub", weight = 25,
  tags = { "route" }, author = "tests",
  when = list_any("transship_ports", { "ECGYE", "COBUN" }),
  reason = "transshipped via {transship_ports}",
  tests = {
    { line = { transship_ports = "ECGYE;AEJEA" }, fires = true,
      reason = "transshipped via ECGYE;AEJEA" },
    { line = { transship_ports = "CNSHA" }, fires = false },
    { line = {}, fires = false },
  },
}
rule {
  id = "G-MASS", title = "Weighed mass far above declared", weight = 30,
  when = function(line)
    local d, m = line.declared_kg, line.measured_kg
    if d and m and d > 0 and m > d * 1.5 then
      return true, string.format("declared %.0f kg, weighed %.0f kg", d, m)
    end
    return false
  end,
  tests = {
    { line = { declared_kg = 1000, measured_kg = 3000 }, fires = true,
      reason = "declared 1000 kg, weighed 3000 kg" },
    { line = { declared_kg = 1000, measured_kg = 1010 }, fires = false },
    { line = { declared_kg = 1000 }, fires = false },
  },
}
rule {
  id = "G-CONTAINER", title = "Container number fails its check digit", weight = 15,
  when = function(line)
    return line.container ~= nil and not br.iso6346_valid(line.container)
  end,
  tests = {
    { line = { container = "CSQU3054384" }, fires = true },
    { line = { container = "CSQU3054383" }, fires = false },
  },
}
rule {
  id = "G-SEASON", title = "Only in the 2026 campaign", weight = 5,
  valid_from = "2026-01-01", valid_until = "2026-12-31",
  when = hs_prefix("hs_code", { "0803" }),
  tests = {
    { line = { hs_code = "0803.90", arrival_date = "2026-03-01" }, fires = true },
    { line = { hs_code = "0803.90", arrival_date = "2027-03-01" }, fires = false },
  },
}
rule {
  id = "G-SEAL", title = "Seal changed en route", weight = 10,
  when = field_in("Seal Changed", { "Y" }),
  tests = {
    { line = { ["Seal Changed"] = "Y" }, fires = true },
    { line = { ["Seal Changed"] = "N" }, fires = false },
  },
}
