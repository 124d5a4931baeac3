rule { id = "H-GSUB", title = "gsub that allocates", weight = 1,
  when = function(line)
    local s = string.rep("x", 1e6)
    for i = 1, 1e6 do s = s:gsub("x", "xx") end
    return false
  end }
