/**
 * The PostgreSQL benchmarks of `pnpm bench` (run.ts): one split of a PostgreSQL table read through
 * the Lambda handler (cursor FETCHes → text → values → Arrow blocks → IPC), vs a raw `pg` read of
 * the same statement through the same kind of cursor (DECLARE, FETCH FORWARD 1024, rows as arrays,
 * pg's own type parsing), issue #18's target ≥ 0.8; and the table in 4 key-range splits read by
 * parallel workers vs one split in one worker, with the bound 2 cores put on it. The table
 * (`aurora_bench_pg`, PG_BENCH_ROWS rows × 8 columns like the MariaDB benchmark's, default
 * 1,000,000) is created once and recreated when its row count differs; PostgreSQL at
 * PG_BENCH_HOST:PG_BENCH_PORT (default 127.0.0.1:5432, user postgres).
 */
import { compareAsync, type RatioResult } from '@athena-federation/connector-core/harness';
import type { Split } from '@athena-federation/connector-core';
import pg from 'pg';
import { type ProtocolSource, createProtocolReader } from './protocol-reader.js';
import { PARALLEL_SPLITS, WORKERS, parallelSplitsComparison, startWorkers } from './split-workers.js';

const ROWS = Number(process.env['PG_BENCH_ROWS'] ?? 1_000_000);
const SERVER = {
  host: process.env['PG_BENCH_HOST'] ?? '127.0.0.1',
  port: Number(process.env['PG_BENCH_PORT'] ?? '5432'),
  user: 'postgres',
};
const DATABASE = 'aurora_bench_pg';
const SELECT = 'SELECT "id", "i", "b", "d", "f", "s", "ts", "flag" FROM "public"."rows_bench"';

async function ensureTable(): Promise<void> {
  const admin = new pg.Client({ ...SERVER, database: 'postgres' });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const client = new pg.Client({ ...SERVER, database: DATABASE });
  await client.connect();
  const count = await client
    .query('SELECT count(*)::int AS n FROM rows_bench')
    .then((r) => Number(r.rows[0]?.n))
    .catch(() => -1);
  if (count !== ROWS) {
    await client.query('DROP TABLE IF EXISTS rows_bench');
    await client.query(
      'CREATE TABLE rows_bench (id bigint PRIMARY KEY, i int, b bigint, d numeric(12,2), f double precision, s varchar(40), ts timestamp(3), flag boolean)',
    );
    await client.query(
      `INSERT INTO rows_bench SELECT g, (g * 7) % 100000, g::bigint * 1000003, ((g % 100000) / 100.0)::numeric(12,2), g / 7.0, 'row ' || g, TIMESTAMP '2020-01-01' + g * INTERVAL '1 second', g % 2 = 0 FROM generate_series(1, ${ROWS}) g`,
    );
    await client.query('ANALYZE rows_bench');
  }
  await client.end();
}

/** The baseline: the same statement through a pg cursor, rows as arrays, counted. */
async function rawRead(): Promise<number> {
  const client = new pg.Client({ ...SERVER, database: DATABASE });
  await client.connect();
  let rows = 0;
  await client.query('BEGIN TRANSACTION READ ONLY');
  await client.query(`DECLARE raw NO SCROLL CURSOR FOR ${SELECT}`);
  for (;;) {
    const result = await client.query({ text: 'FETCH FORWARD 1024 FROM raw', rowMode: 'array' });
    rows += result.rows.length;
    if (result.rows.length < 1024) break;
  }
  await client.query('COMMIT');
  await client.end();
  return rows;
}

const SOURCE: ProtocolSource = {
  connectionString: `postgres://jdbc:postgresql://${SERVER.host}:${SERVER.port}/${DATABASE}?user=${SERVER.user}&sslmode=disable`,
  schemaName: 'public',
  tableName: 'rows_bench',
};

/** Appends the PostgreSQL rows to `results`. */
export async function postgresBenchmarks(results: RatioResult[]): Promise<void> {
  await ensureTable();
  const check = (what: string, rows: number) => {
    if (rows !== ROWS) throw new Error(`${what} read ${rows} rows, expected ${ROWS}`);
  };
  // One split: no key ranges below the table's size.
  const reader = createProtocolReader(ROWS * 10, SOURCE);
  let whole: Split | undefined;
  try {
    [whole] = await reader.splits();
    if (whole === undefined) throw new Error('the one-split PostgreSQL reader planned no split');
    const split = whole;
    results.push(
      await compareAsync(
        'PostgreSQL: 1 split via protocol vs raw pg cursor',
        '≥ 0.8',
        async () => check('raw pg', await rawRead()),
        async () => check('protocol', await reader.read(split)),
        5,
        `${ROWS} rows × 8 columns; both FETCH FORWARD 1024 from a cursor, text results`,
      ),
    );
  } finally {
    await reader.close();
  }
  const planner = createProtocolReader(Math.ceil(ROWS / PARALLEL_SPLITS), SOURCE);
  const splits = await planner.splits();
  await planner.close();
  const one = startWorkers(1, ROWS * 10, SOURCE);
  const many = startWorkers(WORKERS, Math.ceil(ROWS / PARALLEL_SPLITS), SOURCE);
  try {
    results.push(
      await parallelSplitsComparison({
        name: `PostgreSQL: ${splits.length} range splits in parallel vs 1 split`,
        one,
        many,
        whole,
        splits,
        rows: ROWS,
        serverProcesses: ['postgres'],
      }),
    );
  } finally {
    await Promise.all([one.stop(), many.stop()]);
  }
}
