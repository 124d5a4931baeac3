-- The bench pack (rules/bench/rules.lua) as a DuckDB user tuning for speed writes it: the CSV
-- columns declared (bench/duckdb_run.mjs, no sniffing), one view of each line's rule
-- conditions, regexp_matches for the text finds, and red lines filtered before grouping (a
-- unit is red exactly when one of its lines is, and its score is then the highest of those).
-- Statements end with ';' at the end of a line; the last one is the query whose rows are
-- written. The view "lines" is shared with the checks of bench/run.sh (duckdb_check_*.sql).
-- Output order comes from ORDER BY, so DuckDB need not keep the input order on the way.
SET preserve_insertion_order = false;
CREATE VIEW lines AS
SELECT "Place of Inspection" AS port,
       COALESCE("Container No", "B/L No") AS unit,
       "Country of Origin" IN ('EC', 'CO', 'PE', 'BO', 'BR', 'PY') AS b_origin,
       left(replace(replace("HS Code", '.', ''), ' ', ''), 4)
         IN ('2939', '2914', '2916', '2933') AS b_precursor,
       "Gross Weight (kg)" > 0 AND "VGM (kg)" / "Gross Weight (kg)" > 1.3 AS b_mass,
       "Gross Weight (kg)" > 0 AND "Invoice Value" / "Gross Weight (kg)" < 0.5 AS b_value_kg,
       regexp_matches("Description of Goods", 'FAK|STC|GENERAL CARGO|SAID TO CONTAIN', 'i')
         AS b_vague,
       "Gross Weight (kg)" > 28000 AS b_heavy,
       "Invoice Value" > 0 AND "Freight Charges" / "Invoice Value" > 0.5 AS b_freight,
       regexp_matches("Transshipment", '(^|;)(AEJEA|OMSLL)(;|$)') AS b_hub,
       "Seal Changed" = 'Y' AS b_seal,
       "Consignee Country" <> 'IQ' AS b_foreign
FROM m;
CREATE VIEW scored AS
SELECT port, unit,
       (CASE WHEN b_origin THEN 20 ELSE 0 END) + (CASE WHEN b_precursor THEN 30 ELSE 0 END)
     + (CASE WHEN b_mass THEN 35 ELSE 0 END) + (CASE WHEN b_value_kg THEN 25 ELSE 0 END)
     + (CASE WHEN b_vague THEN 15 ELSE 0 END) + (CASE WHEN b_heavy THEN 10 ELSE 0 END)
     + (CASE WHEN b_freight THEN 15 ELSE 0 END) + (CASE WHEN b_hub THEN 10 ELSE 0 END)
     + (CASE WHEN b_seal THEN 20 ELSE 0 END) + (CASE WHEN b_foreign THEN 5 ELSE 0 END) AS score
FROM lines;
SELECT port, row_number() OVER (PARTITION BY port ORDER BY score DESC, unit) AS rank, unit, score
FROM (SELECT port, unit, max(score) AS score FROM scored WHERE score >= 50 GROUP BY port, unit)
QUALIFY rank <= 25
ORDER BY port, rank;
