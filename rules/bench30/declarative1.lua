-- Ten declarative rules mirrored one for one by bench/rules.sql and bench/plain_loop.lua.
rule {
  id = "B-ORIGIN", title = "Origin in a cocaine-producing country", weight = 20,
  when = field_in("origin_country", { "EC", "CO", "PE", "BO", "BR", "PY" }),
  tests = { { line = { origin_country = "EC" }, fires = true },
            { line = { origin_country = "CN" }, fires = false } },
}
rule {
  id = "B-PRECURSOR", title = "HS heading of a drug precursor", weight = 30,
  when = hs_prefix("hs_code", { "2939", "2914", "2916", "2933" }),
  tests = { { line = { hs_code = "291431" }, fires = true },
            { line = { hs_code = "100199" }, fires = false } },
}
rule {
  id = "B-MASS", title = "Weighed mass over 1.3 times the declared mass", weight = 35,
  when = ratio("measured_kg", "declared_kg", ">", 1.3),
  tests = { { line = { measured_kg = 14000, declared_kg = 10000 }, fires = true },
            { line = { measured_kg = 10100, declared_kg = 10000 }, fires = false } },
}
rule {
  id = "B-VALUE-KG", title = "Declared value under 0.5 USD per kg", weight = 25,
  when = ratio("value", "declared_kg", "<", 0.5),
  tests = { { line = { value = 1000, declared_kg = 10000 }, fires = true },
            { line = { value = 90000, declared_kg = 10000 }, fires = false } },
}
rule {
  id = "B-VAGUE", title = "Vague goods description", weight = 15,
  when = contains("description", { "FAK", "STC", "GENERAL CARGO", "SAID TO CONTAIN" }),
  tests = { { line = { description = "general cargo" }, fires = true },
            { line = { description = "LAPTOP COMPUTERS" }, fires = false } },
}
rule {
  id = "B-HEAVY", title = "Declared mass over 28 t", weight = 10,
  when = gt("declared_kg", 28000),
  tests = { { line = { declared_kg = 29000 }, fires = true },
            { line = { declared_kg = 20000 }, fires = false } },
}
rule {
  id = "B-FREIGHT", title = "Freight over half the declared value", weight = 15,
  when = ratio("freight_amount", "value", ">", 0.5),
  tests = { { line = { freight_amount = 6000, value = 10000 }, fires = true },
            { line = { freight_amount = 1000, value = 10000 }, fires = false } },
}
rule {
  id = "B-HUB", title = "Transshipped through Jebel Ali or Salalah", weight = 10,
  when = list_any("transship_ports", { "AEJEA", "OMSLL" }),
  tests = { { line = { transship_ports = "LKCMB;OMSLL" }, fires = true },
            { line = { transship_ports = "SGSIN" }, fires = false } },
}
rule {
  id = "B-SEAL", title = "Seal changed in transit", weight = 20,
  when = field_in("Seal Changed", { "Y" }),
  tests = { { line = { ["Seal Changed"] = "Y" }, fires = true },
            { line = { ["Seal Changed"] = "N" }, fires = false } },
}
rule {
  id = "B-FOREIGN", title = "Consignee outside Iraq", weight = 5,
  when = all { present("consignee_country"), no(field_in("consignee_country", { "IQ" })) },
  tests = { { line = { consignee_country = "AE" }, fires = true },
            { line = { consignee_country = "IQ" }, fires = false } },
}
