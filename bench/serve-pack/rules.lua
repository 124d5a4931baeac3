rule {
  id = "BENCH-UQR",
  title = "Every Umm Qasr line",
  weight = 60,
  when = field_in("port", { "IQUQR" }),
  tests = {
    { line = { port = "IQUQR" }, fires = true },
    { line = { port = "IQBSR" }, fires = false },
  },
}
rule {
  id = "BENCH-MASS",
  title = "Weighed mass far above declared",
  weight = 40,
  when = function(line)
    local d, m = line.declared_kg, line.measured_kg
    if d and m and m > d * 1.2 then
      return true, string.format("declared %.0f kg, weighed %.0f kg", d, m)
    end
    return false
  end,
  tests = {
    { line = { declared_kg = 1000, measured_kg = 3000 }, fires = true },
    { line = { declared_kg = 1000, measured_kg = 1010 }, fires = false },
  },
}
