/**
 * Query passthrough on a PostgreSQL catalog, `system.query(query => '…')`, over the real wire:
 * schema from the result description, one split, exact values (domains and arrays included); a
 * second statement, a write, a sequence step and duplicate column names are refused, and the canary
 * table and sequence stay untouched.
 */
import { readRows } from '@athena-federation/connector-core';
import { LambdaInvocationError, makeConstraints } from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type PostgresTestDatabase, createPostgresTestDatabase } from './support/postgres.js';

let db: PostgresTestDatabase;
let connector: AuroraConnector;
const TABLE = { schemaName: 'system', tableName: 'query' };

beforeAll(async () => {
  db = await createPostgresTestDatabase();
  await ensureSpillBucket();
  for (const sql of [
    'CREATE TABLE canary (id int PRIMARY KEY)',
    'INSERT INTO canary VALUES (1), (2), (3)',
    'CREATE SEQUENCE counter',
    'CREATE DOMAIN cents AS numeric(8,2)',
    'CREATE TABLE visits (id int PRIMARY KEY, patient text, cost cents, at timestamptz, tags text[])',
    `INSERT INTO visits VALUES (1, 'ann', 10.50, '2024-01-02 03:04:05.678901+02', '{a,b}'), (2, 'bob', NULL, NULL, NULL)`,
  ])
    await db.client.query(sql);
  connector = createAuroraConnector({ env: db.env });
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

/** Runs a passthrough query the way Athena does and returns its schema and rows. */
async function passthrough(query: string) {
  const d = engineFor(connector);
  await d.ping();
  const args = { schemaFunctionName: 'SYSTEM.QUERY', QUERY: query };
  const table = await d.getTable(TABLE, args);
  const constraints = makeConstraints({ queryPassthroughArguments: args });
  const splits = await d.getSplits(table, await d.getTableLayout(table, constraints), constraints);
  const rows: unknown[][] = [];
  for (const split of splits)
    for (const batch of (await d.readSplit(table.tableName, table.schema, split, constraints)).batches)
      rows.push(...readRows(batch));
  return { schema: table.schema, splits: splits.length, rows };
}

async function refusal(query: string): Promise<string> {
  const error = await passthrough(query).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, query).toBeInstanceOf(LambdaInvocationError);
  return (error as LambdaInvocationError).error.errorMessage;
}

describe('PostgreSQL query passthrough', () => {
  it('describes and reads a native query in one split, values exact', async () => {
    const result = await passthrough(
      'SELECT v.id, upper(v.patient) AS who, v.cost, v.at, v.tags, 9223372036854775807::int8 AS big FROM visits v ORDER BY v.id;',
    );
    expect(result.splits).toBe(1);
    expect(result.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'id:Int32',
      'who:Utf8',
      'cost:Decimal[8e+2]',
      'at:Timestamp<MICROSECOND, UTC>',
      'tags:List<Utf8>',
      'big:Int64',
    ]);
    // 2024-01-02 03:04:05.678901+02 is 01:04:05.678901 UTC.
    const at = BigInt(Date.UTC(2024, 0, 2, 1, 4, 5)) * 1000n + 678_901n;
    expect(result.rows).toEqual([
      [1, 'ANN', '10.50', at, ['a', 'b'], 9223372036854775807n],
      [2, 'BOB', null, null, null, 9223372036854775807n],
    ]);
  });

  it('refuses a second statement, writes and sequence steps, leaving the canary and the sequence alone', async () => {
    expect(await refusal('SELECT 1; DROP TABLE canary')).toMatch(/InvalidInputException/);
    expect(await refusal('WITH gone AS (DELETE FROM canary RETURNING id) SELECT id FROM gone')).toMatch(
      /InvalidInputException/,
    );
    expect(await refusal("SELECT nextval('counter') AS n")).toMatch(/InvalidInputException/);
    expect(await refusal('SELECT 1 AS a, 2 AS A')).toMatch(/two columns named "a"; give them distinct aliases/);
    expect(await refusal('  ;  ')).toMatch(/non-empty query/);
    const { rows } = await db.client.query('SELECT count(*) AS n FROM canary');
    expect((rows[0] as { n: string }).n).toBe('3');
    const sequence = await db.client.query('SELECT last_value, is_called FROM counter');
    expect(sequence.rows[0]).toEqual({ last_value: '1', is_called: 'f' });
  });
});
