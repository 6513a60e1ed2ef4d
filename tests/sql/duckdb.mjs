// duckdb.mjs SCHEMA.sql ACCOUNTS.csv QUERY.sql [PARAMS.json] - loads the
// accounts into the table SCHEMA.sql creates (an empty cell is NULL) in an
// in-memory DuckDB, runs QUERY.sql (binding its $name parameters to the
// texts of PARAMS.json's object, for rubric sql --bind) and prints its rows
// as CSV: a header, NULL as an empty cell, text quoted only where CSV needs
// it.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [schemaPath, csvPath, queryPath, paramsPath] = process.argv.slice(2);
const schema = readFileSync(schemaPath, 'utf8');
const query = readFileSync(queryPath, 'utf8').trim().replace(/;$/, '');
const table = /CREATE TABLE\s+("(?:[^"]|"")*"|\S+)/.exec(schema)[1];

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run(schema);
await con.run(`COPY ${table} FROM '${csvPath.replace(/'/g, "''")}' (FORMAT csv, HEADER true, NULLSTR '')`);
const params = paramsPath ? JSON.parse(readFileSync(paramsPath, 'utf8')) : undefined;
const reader = await con.runAndReadAll(query, params);
const cell = (v) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
};
const out = [reader.columnNames().map(cell).join(',')];
for (const row of reader.getRows()) out.push(row.map(cell).join(','));
process.stdout.write(out.join('\n') + '\n');
