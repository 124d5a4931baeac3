-- Trial indicators on the KCS declarations, on canonical fields only.

rule {
  id = "KCS-VALUE-KG",
  title = "Declared price per kg very low",
  weight = 10,
  tags = { "value" },
  author = "boxrank",
  valid_from = "2020-01-01",
  when = ratio("value", "declared_kg", "<", 1000),
  tests = {
    { line = { value = 50000, declared_kg = 100 }, fires = true },
    { line = { value = 5000000, declared_kg = 100 }, fires = false },
  },
}

rule {
  id = "KCS-ORIGIN-DIFFERS",
  title = "Origin differs from the seller's side",
  weight = 5,
  tags = { "route" },
  author = "boxrank",
  valid_from = "2020-01-01",
  when = all { present("origin_country"), no(field_in("origin_country", { "CN", "US", "JP", "DE", "VN" })) },
  tests = {
    { line = { origin_country = "IT" }, fires = true },
    { line = { origin_country = "CN" }, fires = false },
  },
}

rule {
  id = "KCS-LIGHT",
  title = "Net mass under 10 kg",
  weight = 5,
  tags = { "mass" },
  author = "boxrank",
  valid_from = "2020-01-01",
  when = lt("declared_kg", 10),
  tests = {
    { line = { declared_kg = 2 }, fires = true },
    { line = { declared_kg = 200 }, fires = false },
  },
}
