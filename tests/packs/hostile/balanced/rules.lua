rule { id = "H-BALANCED", title = "balanced match over an unbalanced text", weight = 1,
  when = function(line)
    return string.find(string.rep("(", 200000), "%b()") ~= nil
  end }
