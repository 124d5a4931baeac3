rule { id = "H-ERRMSG", title = "huge error message", weight = 1,
  when = function(line)
    error(string.rep("x", 5e7))
  end }
