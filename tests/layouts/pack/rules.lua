rule {
  id = "LAY-HEAVY",
  title = "Declared mass over 20 t",
  weight = 30,
  when = gt("declared_kg", 20000),
  reason = "declared {declared_kg} kg",
  tests = {
    { line = { declared_kg = 22679.6 }, fires = true },
    { line = { declared_kg = 18143.7 }, fires = false },
  },
}
rule {
  id = "LAY-ORIGIN",
  title = "Origin on the test list",
  weight = 40,
  when = field_in("origin_country", { "AF", "IR" }),
  tests = {
    { line = { origin_country = "IR" }, fires = true },
    { line = { origin_country = "IN" }, fires = false },
  },
}
rule {
  id = "LAY-LOAD",
  title = "Loaded at a port on the test list",
  weight = 15,
  when = field_in("load_port", { "PKKHI" }),
  tests = {
    { line = { load_port = "PKKHI" }, fires = true },
    { line = { load_port = "INNSA" }, fires = false },
  },
}
rule {
  id = "LAY-SEAL",
  title = "No seal",
  weight = 25,
  when = missing("seal"),
  tests = {
    { line = {}, fires = true },
    { line = { seal = "SL1;SL2" }, fires = false },
  },
}
rule {
  id = "LAY-VGM",
  title = "Weighed mass far above declared mass",
  weight = 30,
  when = function(line)
    local d, m = line.declared_kg, line.measured_kg
    return d ~= nil and m ~= nil and m > d * 1.5
  end,
  tests = {
    { line = { declared_kg = 1000, measured_kg = 3000 }, fires = true },
    { line = { declared_kg = 1000, measured_kg = 1010 }, fires = false },
  },
}
