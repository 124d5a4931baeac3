rule { id = "H-OPTIONAL", title = "exponential optional items", weight = 1,
  when = function(line)
    return string.find(string.rep("a", 40), string.rep("a?", 40) .. string.rep("a", 40)) ~= nil
  end }
