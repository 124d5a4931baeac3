// The DuckDB side of bench/run.sh: SQL over the CSV file, with a thread count, writing the
// lists to a CSV file. Usage: node duckdb_run.mjs MANIFEST.csv RULES.sql THREADS OUT.csv
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [manifest, sqlFile, threads, out] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await instance.connect();
const quote = (s) => "'" + s.replaceAll("'", "''") + "'";
// Text columns that look numeric (HS codes with leading zeros, ids) must stay text.
await con.run(`CREATE VIEW m AS SELECT * FROM read_csv(${quote(manifest)}, header = true,
  types = {'HS Code': 'VARCHAR', 'Line ID': 'VARCHAR', 'Container No': 'VARCHAR',
           'B/L No': 'VARCHAR', 'Vessel IMO': 'VARCHAR', 'Importer TIN': 'VARCHAR'})`);
const query = readFileSync(sqlFile, 'utf8');
await con.run(`COPY (${query}) TO ${quote(out)} (HEADER, DELIMITER ',')`);
