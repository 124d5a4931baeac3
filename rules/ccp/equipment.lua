-- Equipment: the container, its seal and the ship, against what the cargo needs.

rule {
  id = "CCP-EQUIP-001",
  title = "Reefer container carrying goods that need no cooling",
  weight = 50,
  tags = { "equipment", "concealment" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  -- Nobody pays reefer rates for tiles or tyres; the machinery space and insulated walls are
  -- a known hiding place.
  when = all {
    field_in("container_type", { "22R0", "22R1", "22R2", "22R3", "22R9", "42R0", "42R1", "42R2",
                                 "42R3", "42R9", "45R0", "45R1", "45R2", "45R3", "45R9", "L5R0",
                                 "L5R1", "L5R2", "L5R3" }),
    present("hs_code"),
    no(hs_prefix("hs_code", { "02", "03", "04", "05", "06", "07", "08", "16", "20", "2105",
                              "2202", "30", "3821" })),
  },
  reason = "{container_type} carrying HS {hs_code}: {description}",
  tests = {
    { line = { container_type = "45R1", hs_code = "690721", description = "CERAMIC FLOOR TILES" },
      fires = true, reason = "45R1 carrying HS 690721: CERAMIC FLOOR TILES" },
    { line = { container_type = "45R1", hs_code = "020714", description = "FROZEN CHICKEN" },
      fires = false },
    { line = { container_type = "22R1", hs_code = "300241", description = "VACCINES" },
      fires = false },
    { line = { container_type = "45G1", hs_code = "690721", description = "TILES" },
      fires = false },
  },
}

rule {
  id = "CCP-EQUIP-002",
  title = "Container number fails the ISO 6346 check digit",
  weight = 50,
  tags = { "equipment", "documents" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  -- A number that cannot exist means a box that cannot be tracked: a cloned or made-up box.
  when = function(line)
    local container = line.container
    if container and not br.iso6346_valid(container) then
      return true, "container number " .. container .. " has a wrong check digit"
    end
    return false
  end,
  tests = {
    { line = { container = "CSQU3054384" }, fires = true,
      reason = "container number CSQU3054384 has a wrong check digit" },
    { line = { container = "CSQU3054383" }, fires = false },
    { line = { container = "" }, fires = false },
  },
}

rule {
  id = "CCP-EQUIP-003",
  title = "Vessel IMO number fails its check digit",
  weight = 50,
  tags = { "equipment", "vessel" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  when = function(line)
    local imo = line.vessel_imo
    if imo and not br.imo_valid(imo) then
      -- Manifests write the number with or without its "IMO" prefix; the reason adds it once.
      local number = imo:gsub("^%s*[Ii][Mm][Oo]%s*", "")
      return true, "IMO " .. number .. " of " .. (line.vessel_name or "the vessel") ..
                   " has a wrong check digit"
    end
    return false
  end,
  tests = {
    { line = { vessel_imo = "9074728", vessel_name = "MSC TINA" }, fires = true,
      reason = "IMO 9074728 of MSC TINA has a wrong check digit" },
    { line = { vessel_imo = "IMO 9354125", vessel_name = "X" }, fires = true,
      reason = "IMO 9354125 of X has a wrong check digit" },
    { line = { vessel_imo = "9074729", vessel_name = "MSC TINA" }, fires = false },
    { line = { vessel_imo = "IMO 9074729" }, fires = false },
    { line = { vessel_imo = "" }, fires = false },
  },
}

rule {
  id = "CCP-EQUIP-004",
  title = "Seal changed in transit",
  weight = 30,
  tags = { "equipment", "seal" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  -- Rip-on/rip-off loads are added or taken out at a hub and the box resealed.
  when = field_in("Seal Changed", { "Y" }),
  tests = {
    { line = { ["Seal Changed"] = "Y" }, fires = true },
    { line = { ["Seal Changed"] = "N" }, fires = false },
  },
}
