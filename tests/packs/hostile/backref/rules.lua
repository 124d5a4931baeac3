rule { id = "H-BACKREF", title = "back-reference over a long text", weight = 1,
  when = function(line)
    local s = string.rep("ab", 50000) .. "c"
    return s:find("(.-)%1d") ~= nil
  end }
