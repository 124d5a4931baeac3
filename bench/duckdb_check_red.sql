-- Every red unit of every port with its score (bench/run.sh compares it with boxrank's full
-- red lists). Runs after duckdb_tuned.sql's views.
SELECT port, unit, max(score) AS score FROM scored WHERE score >= 50 GROUP BY port, unit
ORDER BY port, unit;
