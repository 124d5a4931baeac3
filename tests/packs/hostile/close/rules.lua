rule { id = "H-CLOSE", title = "a to-be-closed variable whose __close loops", weight = 1,
  when = function(line)
    local x <close> = setmetatable({}, {__close = function() while true do end end})
    while true do end
  end }
