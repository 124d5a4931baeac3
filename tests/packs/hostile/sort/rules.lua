rule { id = "H-SORT", title = "table.sort on a large table", weight = 1,
  when = function(line)
    local t = { "x" }
    for k = 1, 20 do table.move(t, 1, #t, #t + 1) end
    for i = 1, 1e6 do table.sort(t, nil) end
    return false
  end }
