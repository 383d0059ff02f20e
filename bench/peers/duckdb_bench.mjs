// Runs bench/run.py's workloads on DuckDB (npm @duckdb/node-api) and prints one JSON document:
//   node duckdb_bench.mjs SPEC.json   with SPEC = {db, csv, columns?, threads, load, queries: [{name, sql: [..], runs}]}
// A query entry may hold several statements (the daily refresh: one per day); its time is their sum and its
// rows are every statement's rows, in order.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const instance = await DuckDBInstance.create(spec.db, { threads: String(spec.threads ?? 2) });
const con = await instance.connect();
const out = { version: null, load_ms: null, queries: {} };
out.version = (await con.runAndReadAll('SELECT version()')).getRows()[0][0];
if (spec.load) {
  const t0 = performance.now();
  await con.run('DROP TABLE IF EXISTS events');
  // spec.columns: another CSV shape (bench/run.py's narrow one), as {name: DuckDB type}.
  const columns = spec.columns ?? {'event_id': 'VARCHAR', 'ts': 'VARCHAR', 'user_id': 'VARCHAR', 'brand': 'VARCHAR',
    'spu': 'VARCHAR', 'action': 'VARCHAR', 'campaign': 'VARCHAR', 'note': 'VARCHAR', 'amount': 'DOUBLE',
    'channel': 'VARCHAR', 'sentiment': 'VARCHAR'};
  const cols = Object.entries(columns).map(([k, v]) => `'${k}': '${v}'`).join(', ');
  await con.run(`CREATE TABLE events AS SELECT *, CAST(substr(ts, 1, 10) AS DATE) AS day FROM read_csv('${spec.csv}',
    header = true, columns = {${cols}}) ORDER BY brand, user_id, ts`);
  await con.run('CHECKPOINT');
  out.load_ms = performance.now() - t0;
}
for (const q of spec.queries) {
  const times = [];
  let rows = [];
  for (let r = 0; r < q.runs; ++r) {
    rows = [];
    const t0 = performance.now();
    for (const sql of q.sql) {
      const res = await con.runAndReadAll(sql);
      rows.push(res.getRows().map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v?.toString?.() ?? v))));
    }
    times.push(performance.now() - t0);
  }
  out.queries[q.name] = { ms: times, rows };
}
console.log(JSON.stringify(out));
