-- Ten more declarative rules: the second half of the 20 compiled to C.
rule { id = "B-REEFER", title = "Reefer container", weight = 5,
  when = field_in("container_type", { "45R1", "22R1", "42R1" }) }
rule { id = "B-TOBACCO", title = "Tobacco", weight = 10, when = hs_prefix("hs_code", { "24" }) }
rule { id = "B-PHARMA", title = "Medicaments", weight = 10, when = hs_prefix("hs_code", { "3004" }) }
rule { id = "B-LIGHT", title = "Declared mass under 500 kg", weight = 5, when = lt("declared_kg", 500) }
rule { id = "B-COLLECT", title = "Freight collect", weight = 2, when = field_in("freight_terms", { "COLLECT" }) }
rule { id = "B-NO-SEAL", title = "No seal number", weight = 10, when = missing("seal") }
rule { id = "B-HOUSE", title = "House B/L", weight = 5, when = present("House B/L") }
rule { id = "B-SHIPPER-CTRY", title = "Shipper country differs from origin", weight = 5,
  when = differ("shipper_country", "origin_country") }
rule { id = "B-PACKAGES", title = "Over 2,000 packages", weight = 5, when = gt("packages", 2000) }
rule { id = "B-VALUE", title = "Declared value over 1 M USD", weight = 10, when = gt("value", 1000000) }
