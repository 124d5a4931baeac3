rule { id = "H-XPCALL", title = "loops in the xpcall message handler", weight = 1,
  when = function(line)
    xpcall(function() while true do end end, function(e) while true do end end)
    return false
  end }
