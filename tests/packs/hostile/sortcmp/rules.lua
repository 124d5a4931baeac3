local t = {}
for i = 1, 50000 do t[i] = i end
rule { id = "H-SORTCMP", title = "table.sort with a comparator that loops", weight = 1,
  when = function(line) table.sort(t, function(a, b) while true do end end) end }
