-- Codes that do not exist: check digits (ISO 6346 containers, IMO ships) and codes missing
-- from the reference tables (UN/LOCODE, HS, ISO 6346 size/type).

rule {
  id = "DQ-CONTAINER",
  title = "Container number fails its ISO 6346 check digit",
  weight = 10,
  tags = { "data-quality", "equipment" },
  author = "boxrank",
  when = bad_container("container"),
  reason = "container {container}",
  tests = {
    { line = { container = "MSCU1234567" }, fires = true, reason = "container MSCU1234567" },
    { line = { container = "MSCU1234566" }, fires = false },
    { line = { container = "" }, fires = false },
  },
}

rule {
  id = "DQ-IMO",
  title = "Vessel IMO number fails its check digit",
  weight = 10,
  tags = { "data-quality", "vessel" },
  author = "boxrank",
  when = bad_imo("vessel_imo"),
  reason = "vessel IMO {vessel_imo}",
  tests = {
    { line = { vessel_imo = "IMO 9187628" }, fires = true },
    { line = { vessel_imo = "9187629" }, fires = false },
  },
}

rule {
  id = "DQ-LOCODE",
  title = "Port of loading or discharge is not a UN/LOCODE",
  weight = 10,
  tags = { "data-quality", "route" },
  author = "boxrank",
  when = any { unknown_locode("load_port"), unknown_locode("discharge_port") },
  reason = "loaded at {load_port}, discharged at {discharge_port}",
  tests = {
    { line = { load_port = "CNXXQ", discharge_port = "IQUQR" }, fires = true },
    { line = { load_port = "CNSHA", discharge_port = "IQUQR" }, fires = false },
  },
}

rule {
  id = "DQ-HS",
  title = "HS code does not exist",
  weight = 10,
  tags = { "data-quality", "goods" },
  author = "boxrank",
  when = unknown_hs("hs_code"),
  reason = "HS {hs_code}",
  tests = {
    { line = { hs_code = "0000.11" }, fires = true },
    { line = { hs_code = "8471.99" }, fires = true },
    { line = { hs_code = "8471.30.00" }, fires = false },
  },
}

rule {
  id = "DQ-SIZE-TYPE",
  title = "Container size/type code is not an ISO 6346 code",
  weight = 5,
  tags = { "data-quality", "equipment" },
  author = "boxrank",
  when = unknown_size_type("container_type"),
  reason = "size/type {container_type}",
  tests = {
    { line = { container_type = "99Z9" }, fires = true },
    { line = { container_type = "22G1" }, fires = false },
  },
}
