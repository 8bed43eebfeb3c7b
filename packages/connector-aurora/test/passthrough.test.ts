/**
 * Query passthrough, `system.query(query => '…')`, over the real wire against MariaDB: schema from
 * the result metadata, one split, exact values; anything but a single query is refused and the
 * canary table stays untouched.
 */
import { readRows } from '@athena-federation/connector-core';
import { Schema } from 'apache-arrow';
import { LambdaInvocationError, makeConstraints } from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';

let db: TestDatabase;
let connector: AuroraConnector;
const TABLE = { schemaName: 'system', tableName: 'query' };

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  await db.pool.query('CREATE TABLE canary (id INT PRIMARY KEY)');
  await db.pool.query('INSERT INTO canary VALUES (1), (2), (3)');
  await db.pool.query(
    'CREATE TABLE Visits (id INT PRIMARY KEY, patient VARCHAR(20), cost DECIMAL(8,2), at DATETIME(3), t TIME(6))',
  );
  await db.pool.query(
    "INSERT INTO Visits VALUES (1, 'ann', 10.50, '2024-01-02 03:04:05.678', '12:00:00.500000'), (2, 'bob', NULL, NULL, NULL), (3, 'cy', 99.99, '1999-12-31 23:59:59.999', '-01:00:00.000000')",
  );
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

async function canaryRows(): Promise<number> {
  const [rows] = await db.pool.query('SELECT COUNT(*) AS n FROM canary');
  return Number((rows as { n: number | string }[])[0]?.n);
}

describe('query passthrough', () => {
  it('advertises system.query', async () => {
    const d = engineFor(connector);
    await d.ping();
    expect(connector.queryPassthrough).toEqual({ schema: 'system', name: 'query', arguments: ['query'] });
  });

  it('describes and reads a native query in one split, values exact', async () => {
    const result = await passthrough(
      `SELECT v.id, UPPER(v.patient) AS who, v.cost, v.at, v.t, CAST(18446744073709551615 AS UNSIGNED) AS big FROM \`${db.name}\`.Visits v ORDER BY v.id;`,
    );
    expect(result.splits).toBe(1);
    expect(result.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'id:Int32',
      'who:Utf8',
      'cost:Decimal[8e+2]',
      'at:Date64<MILLISECOND>',
      't:Utf8',
      'big:Decimal[20e0]',
    ]);
    expect(result.rows).toEqual([
      [1, 'ANN', '10.50', Date.UTC(2024, 0, 2, 3, 4, 5, 678), '12:00:00.500000', '18446744073709551615'],
      [2, 'BOB', null, null, null, '18446744073709551615'],
      [3, 'CY', '99.99', Date.UTC(1999, 11, 31, 23, 59, 59, 999), '-01:00:00.000000', '18446744073709551615'],
    ]);
  });

  it.each([
    'DELETE FROM canary',
    'SELECT 1; DROP TABLE canary',
    'SELECT 1 AS x) AS y; DROP TABLE canary; -- ',
    'DROP TABLE canary',
    "SELECT 1 INTO OUTFILE '/tmp/x'",
  ])('refuses %j and leaves the canary table alone', async (query) => {
    const error = await passthrough(query.replaceAll('canary', `\`${db.name}\`.canary`)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(/InvalidInputException/);
    expect(await canaryRows()).toBe(3);
  });

  it.each([
    ['a locking read', 'SELECT id FROM canary FOR UPDATE', /locking read \(FOR UPDATE\)/],
    ['a shared locking read', 'SELECT id FROM canary LOCK IN SHARE MODE', /LOCK IN SHARE MODE/],
    ['a variable assignment', "SELECT @who := 'x' AS v", /variable assignment/],
    ['SELECT … INTO a variable', 'SELECT id INTO @x FROM canary', /SELECT … INTO/],
    ['a named lock', "SELECT GET_LOCK('x', 0) AS l", /GET_LOCK\(\)/],
    ['an executable comment', 'SELECT 1 /*!99999 , 2 */', /executable comment/],
    [
      'a statement hidden behind a backslash the server may not read as an escape',
      "SELECT 'a\\' AS x INTO OUTFILE '/tmp/y' -- '",
      /SELECT … INTO/,
    ],
    ['a second statement', 'SELECT 1; SELECT 2', /second statement/],
    ['a statement that is not a query', 'SHOW TABLES', /not a query/],
  ])('refuses %s at GetTable and at ReadRecords, naming it without quoting the query', async (_, query, why) => {
    const error = await passthrough(query.replaceAll('canary', `\`${db.name}\`.canary`)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(
      /InvalidInputException\] system.query runs one read-only query/,
    );
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(why);
    expect((error as LambdaInvocationError).error.errorMessage).not.toContain('canary');
    // ReadRecords checks again: a request that skipped GetTable gets the same answer.
    const d = engineFor(connector);
    await d.ping();
    const args = { schemaFunctionName: 'SYSTEM.QUERY', QUERY: query };
    const split = {
      spillLocation: { '@type': 'S3SpillLocation' as const, bucket: 'aurora-test-spill', key: 'x/', directory: true },
      encryptionKey: null,
      properties: { kind: 'passthrough' },
    };
    const read = await d
      .readSplit(TABLE, new Schema([]), split, makeConstraints({ queryPassthroughArguments: args }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((read as LambdaInvocationError).error.errorMessage).toMatch(why);
  });

  it('reads queries whose quoted text and comments hold those words, and closes each connection after it', async () => {
    const result = await passthrough(
      'SELECT \'into; := FOR UPDATE\' AS `into`, "GET_LOCK(" AS g /* INTO OUTFILE */ -- ; DROP\n, @session_mark AS mark',
    );
    expect(result.rows).toEqual([['into; := FOR UPDATE', 'GET_LOCK(', null]]);
  });

  it('refuses duplicate column names with advice', async () => {
    const error = await passthrough(`SELECT id, id FROM \`${db.name}\`.Visits`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(/InvalidInputException/);
  });
});
