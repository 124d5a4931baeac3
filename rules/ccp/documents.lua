-- Documents: descriptions and tariff codes that say too little, or contradict each other.

rule {
  id = "CCP-DOC-001",
  title = "Vague goods description (FAK, STC, general cargo)",
  weight = 30,
  tags = { "documents" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  when = contains("description", { "FAK", "STC", "GENERAL CARGO", "SAID TO CONTAIN",
                                   "MIXED GOODS", "VARIOUS GOODS", "AS PER INVOICE" }),
  reason = "described as \"{description}\"",
  tests = {
    { line = { description = "STC GENERAL CARGO" }, fires = true,
      reason = "described as \"STC GENERAL CARGO\"" },
    { line = { description = "fak - freight all kinds" }, fires = true },
    { line = { description = "CERAMIC FLOOR TILES 60X60" }, fires = false },
  },
}

rule {
  id = "CCP-DOC-002",
  title = "No HS code declared",
  weight = 25,
  tags = { "documents" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  when = missing("hs_code"),
  tests = {
    { line = { hs_code = "" }, fires = true },
    { line = { hs_code = "690721" }, fires = false },
  },
}

-- Words of a description and the HS chapters goods so described belong to. A plural "S"
-- is dropped before the lookup.
local chapters_of_word = {
  PHONE = { "85" }, SMARTPHONE = { "85" }, TELEVISION = { "85" }, TV = { "85" },
  SOLAR = { "85", "84" }, PHOTOVOLTAIC = { "85" }, GENERATOR = { "85" }, CABLE = { "85" },
  CONDITIONER = { "84" }, LAPTOP = { "84" }, COMPUTER = { "84" }, EXCAVATOR = { "84" },
  PUMP = { "84" },
  CIGARETTE = { "24" }, TOBACCO = { "24" },
  PHARMACEUTICAL = { "30" }, MEDICINE = { "30" }, MEDICAMENT = { "30" },
  ANTIBIOTIC = { "30" }, VACCINE = { "30" }, PARACETAMOL = { "30" }, TRAMADOL = { "30", "29" },
  FURNITURE = { "94" }, TYRE = { "40" }, TOY = { "95" },
  RICE = { "10" }, SUGAR = { "17" },
  CHICKEN = { "02", "16" }, BEEF = { "02", "16" }, LAMB = { "02", "16" }, FISH = { "03", "16" },
  CHEESE = { "04" }, BUTTER = { "04" }, MILK = { "04" },
  TILE = { "69" }, GLASS = { "70" }, STEEL = { "72", "73" },
  FABRIC = { "52", "54", "55", "60" }, TROUSERS = { "61", "62" }, SHIRT = { "61", "62" },
  SHOE = { "64" }, CARPET = { "57" },
  PAINT = { "32" }, FERTILIZER = { "31" }, SOAP = { "34" }, DETERGENT = { "34" },
  SHAMPOO = { "33" },
}

local function chapters_for(word)
  return chapters_of_word[word] or (word:sub(-1) == "S" and chapters_of_word[word:sub(1, -2)])
end

rule {
  id = "CCP-DOC-003",
  title = "HS code does not fit the goods description",
  weight = 50,
  tags = { "documents", "fraud" },
  author = "CCP Iraq targeting unit",
  valid_from = "2025-01-01",
  -- Goods described truly but classified under a cheaper heading: phones as plastic articles.
  when = function(line)
    local hs, description = line.hs_code, line.description
    local chapter = hs and br.hs_chapter(hs)
    if not chapter or not description then
      return false
    end
    local named
    for word in br.upper(description):gmatch("%a+") do
      local chapters = chapters_for(word)
      if chapters then
        for _, c in ipairs(chapters) do
          if c == chapter then
            return false
          end
        end
        named = named or word
      end
    end
    if named then
      return true, string.format("described as %s, declared under HS chapter %s", named, chapter)
    end
    return false
  end,
  tests = {
    { line = { hs_code = "392690", description = "SMARTPHONES" }, fires = true,
      reason = "described as SMARTPHONES, declared under HS chapter 39" },
    { line = { hs_code = "481910", description = "Cigarettes king size" }, fires = true,
      reason = "described as CIGARETTES, declared under HS chapter 48" },
    { line = { hs_code = "851713", description = "MOBILE PHONES ASSORTED MODELS" }, fires = false },
    { line = { hs_code = "401110", description = "PASSENGER CAR TYRES" }, fires = false },
    { line = { hs_code = "610910", description = "COTTON T-SHIRTS" }, fires = false },
    { line = { hs_code = "841370", description = "SUBMERSIBLE PUMPS" }, fires = false },
    { line = { description = "SMARTPHONES" }, fires = false },
  },
}
