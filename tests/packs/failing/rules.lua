rule {
  id = "F-WRONG", title = "A test that expects the wrong outcome", weight = 1,
  when = gt("declared_kg", 100),
  tests = {
    { line = { declared_kg = 50 }, fires = true },
    { line = { declared_kg = 500 }, fires = false },
  },
}
rule {
  id = "F-REASON", title = "A test that expects another reason", weight = 1,
  when = present("consignee_name"), reason = "consignee {consignee_name}",
  tests = {
    { line = { consignee_name = "ACME" }, fires = true, reason = "consignee NOT ACME" },
    { line = {}, fires = false },
  },
}
rule {
  id = "F-ERROR", title = "A rule that raises an error", weight = 1,
  when = function(line) local name = "no_such_field"; return line[name] > 1 end,
  tests = {
    { line = { declared_kg = 1 }, fires = true },
    { line = { declared_kg = 2 }, fires = false },
  },
}
rule {
  id = "F-PASS", title = "A rule whose tests pass", weight = 1,
  when = missing("bol"),
  tests = {
    { line = {}, fires = true },
    { line = { bol = "B1" }, fires = false },
  },
}
