rule { id = "H-RECURSION", title = "endless recursion", weight = 1,
  when = function(line)
    local function f(n) return 1 + f(n + 1) end
    return f(1) > 0
  end }
