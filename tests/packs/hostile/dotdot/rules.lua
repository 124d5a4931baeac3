rule { id = "H-DOTDOT", title = "concatenation operators copying megabytes", weight = 1,
  when = function(line)
    local s = string.rep("x", 1e6)
    while true do local t = s .. s end
  end }
