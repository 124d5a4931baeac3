local function f(n) return pcall(f, n + 1) end
rule { id = "H-PCALL", title = "endless recursion through pcall", weight = 1,
  when = function(line) while true do f(1) end end }
