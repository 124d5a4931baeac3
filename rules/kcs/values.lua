-- Declarations repeating a declared price or net mass to the unit, as templated invoices do.
-- In this synthetic data set they are the strongest signal of all (bench/README.md, KCS): kept
-- in a file of their own so the pack can be measured without them.

local function exact(id, key, title, line)
  rule {
    id = id,
    title = title,
    weight = 1,
    tags = { "value" },
    author = "boxrank",
    valid_from = "2020-01-01",
    points = history_logodds(key),
    tests = {
      { line = line, history = { [key] = { inspections = 3, hits = 3 } }, fires = true },
      { line = line, fires = false },
    },
  }
end

exact("KCS-PRICE", "value", "Record of declarations at exactly this declared price",
      { value = 372254.4 })
exact("KCS-MASS", "declared_kg", "Record of declarations with exactly this net mass",
      { declared_kg = 108.0 })
