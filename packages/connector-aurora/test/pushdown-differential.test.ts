/**
 * Differential pushdown test against the real MariaDB: a small table holding every column type of
 * the type matrix is read unfiltered once through the Lambda handler; then thousands of random
 * queries go through warm handlers as Athena sends them (four in five read the table as one split,
 * the rest as two key ranges, each applying LIMIT and top-N itself) and are compared with the
 * oracle's answer by support/differential-runner.ts (which postgres-pushdown-differential.test.ts
 * runs on PostgreSQL too).
 *
 * FUZZ_SEED picks the run (printed), FUZZ_RUNS the number of cases (default 10,000), FUZZ_CASE one
 * case of a run to replay: `FUZZ_SEED=… FUZZ_RUNS=100000 pnpm vitest run packages/connector-aurora/test/pushdown-differential.test.ts`.
 */
import type { FederationExpression, GetTableResponse } from '@athena-federation/connector-core';
import { type EngineDriver, makeConstraints } from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translateExpressions } from '../src/aurora-expression.js';
import { columnLookup } from '../src/aurora-sql.js';
import { type MappedColumn, mapColumn } from '../src/aurora-types.js';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { DIFFERENTIAL_COLUMNS, createDifferentialTable } from './support/differential-table.js';
import { type Row, readTruth, runDifferential } from './support/differential-runner.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261207);
const ONLY = process.env['FUZZ_CASE'] === undefined ? undefined : Number(process.env['FUZZ_CASE']);
/** Cases in flight at once on the one warm handler (the server's round trips overlap). */
const CONCURRENCY = 6;
/** Rows of the table: one split, or two key ranges of 24 through the second handler. */
const ROWS = 48;
const TABLE = 'matrix';

let db: TestDatabase;
/** The handlers: the table read as one split, and as two key-range splits. */
let connectors: AuroraConnector[] = [];
let drivers: [EngineDriver, EngineDriver];
let table: GetTableResponse;
let truth: Map<number, Row>;
let mapped: MappedColumn[];

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  await createDifferentialTable(db.pool, TABLE, ROWS, SEED);
  const env = { ...db.env, decimal_precision_overflow: 'varchar', pool_connection_limit: String(CONCURRENCY + 2) };
  connectors = [
    createAuroraConnector({ env }),
    createAuroraConnector({ env: { ...env, target_rows_per_split: String(ROWS / 2) } }),
  ];
  drivers = [engineFor(connectors[0] as AuroraConnector), engineFor(connectors[1] as AuroraConnector)];
  for (const d of drivers) await d.ping();
  table = await drivers[0].getTable({ schemaName: db.name, tableName: TABLE });
  expect((await drivers[1].scan(table.tableName)).splits).toBe(2);
  truth = await readTruth(drivers[0], table);
  expect(truth.size).toBe(ROWS);
  // The columns as the connector maps them, to tell which expression sets it translates whole.
  const [info] = await db.pool.query(
    'SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, NUMERIC_PRECISION AS p, NUMERIC_SCALE AS s, CHARACTER_SET_NAME AS cs, CHARACTER_MAXIMUM_LENGTH AS chars, CHARACTER_OCTET_LENGTH AS bytes FROM information_schema.columns WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [db.name, TABLE],
  );
  mapped = (info as Record<string, string | null>[]).map((c) =>
    mapColumn(
      {
        name: String(c['name']),
        dataType: String(c['dataType']),
        columnType: String(c['columnType']),
        numericPrecision: c['p'] === null ? null : Number(c['p']),
        numericScale: c['s'] === null ? null : Number(c['s']),
        nullable: true,
        text: {
          characterSet: c['cs'] ?? null,
          maxChars: c['chars'] === null ? null : Number(c['chars']),
          maxBytes: c['bytes'] === null ? null : Number(c['bytes']),
        },
      },
      { decimalOverflow: 'varchar' },
      TABLE,
    ),
  );
}, 120_000);

afterAll(async () => {
  for (const c of connectors) await c.close();
  await db?.drop();
});

describe('pushdown differential', () => {
  it(`answers ${RUNS} random queries over every column type as Athena would (seed ${SEED})`, {
    timeout: Math.max(600_000, RUNS * 60),
  }, async () => {
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', ...DIFFERENTIAL_COLUMNS.map((c) => c.name)]);
    const { counts, failures, seconds } = await runDifferential({
      seed: SEED,
      runs: RUNS,
      only: ONLY,
      concurrency: CONCURRENCY,
      drivers,
      table,
      layout: await drivers[0].getTableLayout(table, makeConstraints()),
      truth,
      translatesWhole: (expressions: readonly FederationExpression[]) =>
        translateExpressions(expressions, columnLookup(mapped)).complete,
    });
    console.info(
      `[differential] aurora pushdown: ${JSON.stringify({ seed: SEED, runs: RUNS, ...counts, failures: failures.length, seconds })}`,
    );
    expect(failures.slice(0, 5), `${failures.length} cases answered differently from Athena`).toEqual([]);
    if (ONLY === undefined) expect(counts['cases']).toBe(RUNS);
  });
});
