// The DuckDB side of bench/run.sh: SQL over the CSV file, with a thread count, writing each
// query's rows to a CSV file.
// Usage: node duckdb_run.mjs MANIFEST.csv THREADS sniffed|declared SQL OUT [SQL OUT ...]
// Each SQL file's statements end with ';' at the end of a line; all but the last run as they
// are, the last one's rows go to its OUT. Files run in order on one connection, so a later
// file may use the views of an earlier one.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [manifest, threads, mode, ...pairs] = process.argv.slice(2);
if (!['sniffed', 'declared'].includes(mode) || pairs.length === 0 || pairs.length % 2) {
  console.error('usage: node duckdb_run.mjs MANIFEST.csv THREADS sniffed|declared SQL OUT ...');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await instance.connect();
const quote = (s) => "'" + s.replaceAll("'", "''") + "'";

// The generator's columns (samples/boxrank-gen): numbers as DOUBLE, everything else text.
const numeric = new Set(['Gross Weight (kg)', 'VGM (kg)', 'Packages', 'Invoice Value',
                         'Freight Charges']);
const header = readFileSync(manifest, { encoding: 'utf8', flag: 'r' }).slice(0, 4096)
  .split('\n')[0].split(',');
if (mode === 'declared') {
  // Declared columns: no sniffing pass, and no type guessing on the numbers.
  const columns = header.map((c) => `${quote(c)}: '${numeric.has(c) ? 'DOUBLE' : 'VARCHAR'}'`);
  await con.run(`CREATE VIEW m AS SELECT * FROM read_csv(${quote(manifest)}, header = true,
    auto_detect = false, delim = ',', quote = '"', escape = '"',
    columns = {${columns.join(', ')}})`);
} else {
  // Text columns that look numeric (HS codes with leading zeros, ids) must stay text.
  await con.run(`CREATE VIEW m AS SELECT * FROM read_csv(${quote(manifest)}, header = true,
    types = {'HS Code': 'VARCHAR', 'Line ID': 'VARCHAR', 'Container No': 'VARCHAR',
             'B/L No': 'VARCHAR', 'Vessel IMO': 'VARCHAR', 'Importer TIN': 'VARCHAR'})`);
}
for (let i = 0; i < pairs.length; i += 2) {
  const statements = readFileSync(pairs[i], 'utf8').replace(/^--.*$/gm, '')
    .split(/;\s*$/m).map((s) => s.trim()).filter((s) => s.length);
  for (const s of statements.slice(0, -1))
    await con.run(s);
  await con.run(`COPY (${statements.at(-1)}) TO ${quote(pairs[i + 1])} (HEADER, DELIMITER ',')`);
}
