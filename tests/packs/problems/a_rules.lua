rule { id = "P-OK", title = "fine", weight = 1, when = present("bol") }
rule { id = "P-OK", title = "same id again", weight = 1, when = present("bol") }
rule { id = "P-NOTITLE", weight = 1, when = present("bol") }
rule { id = "P-WEIGHT", title = "weight is a word", weight = "high", when = present("bol") }
rule { id = "P-FIELD", title = "unknown field", weight = 1, when = gt("gross_kg", 3) }
rule { id = "P-EXPIRED", title = "expired", weight = 1, valid_until = "2020-01-31",
       when = present("bol") }
rule { id = "P-TYPO", title = "misspelt key", wieght = 1, weight = 2, when = present("bol") }
rule { id = "P-DATE", title = "bad date", weight = 1, valid_from = "2026-13-01",
       when = present("bol") }
rule { id = "P-ORDER", title = "until before from", weight = 1, valid_from = "2026-06-01",
       valid_until = "2026-01-01", when = present("bol") }
rule { title = "no id", weight = 1, when = present("bol") }
rule { id = "P-WHEN", title = "when is a word", weight = 1, when = "always" }
rule { id = "P-REASON", title = "reason names an unknown field", weight = 1,
       when = present("bol"), reason = "bill {bol_number}" }
