rule { id = "H-REP", title = "string.rep building megabytes per call", weight = 1,
  when = function(line)
    for i = 1, 1e6 do local x = string.rep("x", 1e7) end
    return false
  end }
