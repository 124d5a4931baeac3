rule { id = "H-FIND", title = "one quantifier over a long subject", weight = 1,
  when = function(line)
    return string.find(string.rep("a", 300000), ".-b") ~= nil
  end }
