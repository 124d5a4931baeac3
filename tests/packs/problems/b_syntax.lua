rule {
  id = "P-SYNTAX",
  title = "a comma is missing after this line"
  weight = 1,
  when = present("bol"),
}
