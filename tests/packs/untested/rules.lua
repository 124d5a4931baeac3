rule {
  id = "U-ONESIDED", title = "Only a test that fires", weight = 1,
  when = present("bol"),
  tests = { { line = { bol = "B1" }, fires = true } },
}
rule {
  id = "U-NONE", title = "No tests at all", weight = 1,
  when = present("bol"),
}
