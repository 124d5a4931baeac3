rule { id = "H-CONCAT", title = "concatenation building megabytes", weight = 1,
  when = function(line)
    local s = string.rep("x", 1e6)
    local t = {}
    for i = 1, 30 do t[i] = s end
    for i = 1, 1e6 do local x = table.concat(t) end
    return false
  end }
