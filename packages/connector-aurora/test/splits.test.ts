/**
 * Range splits against real MariaDB tables: a large table with a sparse, negative-to-positive
 * primary key is cut into many splits and every row is read exactly once; a nullable unique key
 * gets a NULL split; a table without a usable key is one split; key splits combine with filters.
 */
import { readValue } from '@athena-federation/connector-core';
import { makeConstraints } from '@athena-federation/connector-core/testing';
import { Int64, type Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';
import { inList, ranges } from './support/value-sets.js';

const ROWS = 120_000;
let db: TestDatabase;
let connector: AuroraConnector;

function column(table: Table, name: string): unknown[] {
  const values: unknown[] = [];
  for (const batch of table.batches) {
    const vector = batch.getChild(name);
    if (vector === null) throw new Error(`no column ${name}`);
    for (let i = 0; i < batch.numRows; i++) values.push(readValue(vector, i));
  }
  return values;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  await db.pool.query('CREATE TABLE Big (id BIGINT PRIMARY KEY, payload VARCHAR(20))');
  for (let start = 0; start < ROWS; start += 20_000) {
    const rows = Array.from({ length: 20_000 }, (_, k) => {
      const i = start + k;
      return [String((BigInt(i) - 60_000n) * 7919n), `row ${i}`];
    });
    await db.pool.query('INSERT INTO Big VALUES ?', [rows]);
  }
  await db.pool.query('CREATE TABLE NullableKey (k INT NULL UNIQUE, v INT)');
  await db.pool.query('INSERT INTO NullableKey VALUES ?', [
    Array.from({ length: 3000 }, (_, i) => [i % 10 === 0 ? null : i, i]),
  ]);
  await db.pool.query('CREATE TABLE NoKey (v VARCHAR(10))');
  await db.pool.query("INSERT INTO NoKey VALUES ('a'), ('b'), ('c')");
  await db.pool.query('ANALYZE TABLE Big, NullableKey, NoKey');
  connector = createAuroraConnector({ env: { ...db.env, target_rows_per_split: '10000' } });
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

describe('range splits', () => {
  it(`reads a ${ROWS}-row table in many primary-key splits, every row exactly once`, async () => {
    const result = await engineFor(connector, { parallelism: 6 }).scan({ schemaName: db.name, tableName: 'big' });
    expect(result.splits).toBeGreaterThanOrEqual(8);
    const ids = column(result.table, 'id') as bigint[];
    expect(ids.length).toBe(ROWS);
    expect(new Set(ids.map(String)).size).toBe(ROWS);
    const [sums] = await db.pool.query({ sql: 'SELECT CAST(SUM(id) AS CHAR) FROM Big', rowsAsArray: true });
    expect(ids.reduce((a, b) => a + b, 0n)).toBe(BigInt(String((sums as string[][])[0]?.[0])));
  }, 120_000);

  it('prunes key splits by the key constraint and pushes the filter', async () => {
    const d = engineFor(connector);
    await d.ping();
    const table = await d.getTable({ schemaName: db.name, tableName: 'big' });
    const all = await d.getSplits(table, await d.getTableLayout(table, makeConstraints({})), makeConstraints({}));
    const result = await engineFor(connector).scan(
      { schemaName: db.name, tableName: 'big' },
      {
        constraints: {
          summary: { id: ranges(new Int64(), [{ low: -7919n * 100n, high: 7919n * 100n, highInclusive: false }]) },
        },
      },
    );
    expect(result.splits).toBeLessThanOrEqual(2);
    expect(result.splits).toBeLessThan(all.length);
    expect(result.table.numRows).toBe(200);
    const listed = await engineFor(connector).scan(
      { schemaName: db.name, tableName: 'big' },
      { constraints: { summary: { id: inList(new Int64(), [-60_000n * 7919n, 59_999n * 7919n, 5n]) } } },
    );
    expect(listed.splits).toBe(3); // first, last, and the one holding 5 (absent, but inside its range)
    expect(column(listed.table, 'id').sort()).toEqual([-60_000n * 7919n, 59_999n * 7919n]);
  });

  it('adds a NULL split for a nullable unique key, and reads NULL keys once', async () => {
    const small = createAuroraConnector({ env: { ...db.env, target_rows_per_split: '500' } });
    try {
      const result = await engineFor(small).scan({ schemaName: db.name, tableName: 'nullablekey' });
      expect(result.splits).toBeGreaterThan(2);
      const keys = column(result.table, 'k');
      expect(keys.length).toBe(3000);
      expect(keys.filter((k) => k === null).length).toBe(300);
      expect(new Set(keys.filter((k) => k !== null)).size).toBe(2700);
    } finally {
      await small.close();
    }
  });

  it('reads a table without a usable key as one split', async () => {
    const result = await engineFor(connector).scan({ schemaName: db.name, tableName: 'nokey' });
    expect(result.splits).toBe(1);
    expect(column(result.table, 'v').sort()).toEqual(['a', 'b', 'c']);
  });

  it('refuses split properties it did not issue, naming what is wrong but no value', async () => {
    const d = engineFor(connector);
    await d.ping();
    const table = await d.getTable({ schemaName: db.name, tableName: 'big' });
    const splits = await d.getSplits(table, await d.getTableLayout(table, makeConstraints()), makeConstraints());
    const issued = splits[1]?.properties ?? {};
    expect(issued).toMatchObject({ kind: 'range', key: 'id', schema: db.name, table: 'Big' });
    const forged: [Record<string, string>, RegExp][] = [
      [{ ...issued, key: 'payload' }, /its key is not the table's split key/],
      [{ ...issued, kind: 'null' }, /a null split carries no property "low"/],
      [{ kind: 'null', key: 'id', schema: db.name, table: 'Big' }, /the split key holds no NULL/],
      [{ ...issued, low: '9223372036854775808' }, /not 64-bit integers/],
      [{ ...issued, low: '-9223372036854775809' }, /not 64-bit integers/],
      [{ ...issued, low: '5', high: '5' }, /its range is empty/],
      [{ ...issued, table: 'NullableKey' }, /names another table/],
      [{ ...issued, where: '1=1' }, /carries no property "where"/],
      [{ kind: 'partition', partition: 'p0', schema: db.name, table: 'Big' }, /the table has no partitions/],
      [{ kind: 'passthrough' }, /its kind is not one this connector issues/],
    ];
    for (const [properties, why] of forged) {
      const error = await d
        .readSplit(
          table.tableName,
          table.schema,
          { ...(splits[1] as (typeof splits)[number]), properties },
          makeConstraints({}),
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(String((error as Error).message), JSON.stringify(properties)).toMatch(
        /InvalidInputException\] The split was not issued by this connector for table "[^"]+\.Big"/,
      );
      expect(String((error as Error).message), JSON.stringify(properties)).toMatch(why);
      expect(String((error as Error).message)).not.toMatch(/922337|\b5\b/);
    }
    // The issued split itself reads.
    expect(
      (await d.readSplit(table.tableName, table.schema, splits[1] as (typeof splits)[number], makeConstraints({})))
        .batches.length,
    ).toBeGreaterThan(0);
  });
});
