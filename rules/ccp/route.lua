-- Routing: where the box was loaded and which hubs it crossed on the way to Iraq.

rule {
  id = "CCP-ROUTE-001",
  title = "Loaded in a South American port with a record of cocaine shipments",
  weight = 30,
  tags = { "route", "drugs" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  when = field_in("load_port", {
    "ECGYE", "ECPSJ", "ECPBO", -- Guayaquil, Posorja, Puerto Bolivar
    "COBUN", "COCTG", "COSMR", -- Buenaventura, Cartagena, Santa Marta
    "PECLL", "PEPAI",          -- Callao, Paita
  }),
  reason = "loaded at {load_port}",
  tests = {
    { line = { load_port = "ECGYE" }, fires = true, reason = "loaded at ECGYE" },
    { line = { load_port = "BRSSZ" }, fires = false },
    { line = { load_port = "CNSGH" }, fires = false },
  },
}

rule {
  id = "CCP-ROUTE-002",
  title = "Transshipped at two or more hubs before Iraq",
  weight = 20,
  tags = { "route" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  -- Each extra hub is a chance to add or swap cargo, and a way to hide where it started.
  when = function(line)
    local hubs = line.transship_ports
    if not hubs then
      return false
    end
    local n = 0
    for _ in br.list(hubs) do
      n = n + 1
    end
    if n >= 2 then
      return true, string.format("%d transshipments: %s", n, hubs)
    end
    return false
  end,
  tests = {
    { line = { transship_ports = "PAONX;ESVLC;AEJEA" }, fires = true,
      reason = "3 transshipments: PAONX;ESVLC;AEJEA" },
    { line = { transship_ports = "AEJEA" }, fires = false },
    { line = { transship_ports = "" }, fires = false },
  },
}

rule {
  id = "CCP-ROUTE-003",
  title = "Transshipped in a Caribbean or Panama hub on cocaine routes",
  weight = 25,
  tags = { "route", "drugs" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  when = list_any("transship_ports", {
    "PAONX", "PAMIT", "PABLB", -- Colon, Manzanillo, Balboa
    "JMKIN", "DOCAU", "BSFPO", -- Kingston, Caucedo, Freeport
    "COCTG",                   -- Cartagena
  }),
  reason = "transshipped via {transship_ports}",
  tests = {
    { line = { transship_ports = "JMKIN;MAPTM;AEJEA" }, fires = true,
      reason = "transshipped via JMKIN;MAPTM;AEJEA" },
    { line = { transship_ports = "MAPTM;AEJEA" }, fires = false },
  },
}
