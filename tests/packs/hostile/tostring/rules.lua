rule { id = "H-TOSTRING", title = "reads a field named by a table whose __tostring loops", weight = 1,
  when = function(line) return line[setmetatable({}, {__tostring = function() while true do end end})] end }
