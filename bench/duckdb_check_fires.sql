-- Lines each rule fires on, in the pack's rule order (bench/run.sh compares them with
-- boxrank's summary.json). Runs after duckdb_tuned.sql's views.
SELECT rule, fired FROM (
  SELECT count_if(b_origin) AS "B-ORIGIN", count_if(b_precursor) AS "B-PRECURSOR",
         count_if(b_mass) AS "B-MASS", count_if(b_value_kg) AS "B-VALUE-KG",
         count_if(b_vague) AS "B-VAGUE", count_if(b_heavy) AS "B-HEAVY",
         count_if(b_freight) AS "B-FREIGHT", count_if(b_hub) AS "B-HUB",
         count_if(b_seal) AS "B-SEAL", count_if(b_foreign) AS "B-FOREIGN"
  FROM lines) UNPIVOT (fired FOR rule IN (COLUMNS(*)))
ORDER BY rule;
