rule { id = "H-PACK", title = "string.pack padding two gigabytes in C", weight = 1,
  when = function(line) return #string.pack("c2000000000", "") > 0 end }
