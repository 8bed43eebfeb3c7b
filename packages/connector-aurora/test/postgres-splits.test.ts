/**
 * PostgreSQL splits against the real server: a natively partitioned table is read one leaf
 * partition per split (sub-partitions flattened), and a filter on the partition key leaves only the
 * partitions whose bounds (declared below) can hold a kept row; a table with an integer primary key
 * is cut into key ranges, every row read exactly once, pruned by the key's filter; forged splits
 * are refused naming what is wrong.
 */
import { readValue } from '@athena-federation/connector-core';
import { makeConstraints } from '@athena-federation/connector-core/testing';
import { DateDay, Int32, Int64, type Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type PostgresTestDatabase, createPostgresTestDatabase } from './support/postgres.js';
import { inList, ranges } from './support/value-sets.js';

const KEYED_ROWS = 6000;
let db: PostgresTestDatabase;
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

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

beforeAll(async () => {
  db = await createPostgresTestDatabase();
  await ensureSpillBucket();
  const statements = [
    // Three yearly partitions, the last one split by LIST on ward (a sub-partitioned leaf set), and a default.
    'CREATE TABLE visits (id int, day date, ward int) PARTITION BY RANGE (day)',
    "CREATE TABLE visits_2023 PARTITION OF visits FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')",
    "CREATE TABLE visits_2024 PARTITION OF visits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
    "CREATE TABLE visits_2025 PARTITION OF visits FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (ward)",
    'CREATE TABLE visits_2025_a PARTITION OF visits_2025 FOR VALUES IN (1, 2)',
    'CREATE TABLE visits_2025_b PARTITION OF visits_2025 DEFAULT',
    'CREATE TABLE visits_other PARTITION OF visits DEFAULT',
    `INSERT INTO visits SELECT g, DATE '2022-07-01' + (g * 3), g % 5 FROM generate_series(1, 400) g`,
    'CREATE TABLE keyed (id bigint PRIMARY KEY, payload text)',
    `INSERT INTO keyed SELECT (g - ${KEYED_ROWS / 2}) * 7919, 'row ' || g FROM generate_series(0, ${KEYED_ROWS - 1}) g`,
    'CREATE TABLE nullable_key (k int UNIQUE, v int)',
    'INSERT INTO nullable_key SELECT CASE WHEN g % 10 = 0 THEN NULL ELSE g END, g FROM generate_series(0, 2999) g',
    'CREATE TABLE no_key (v text)',
    "INSERT INTO no_key VALUES ('a'), ('b'), ('c')",
    'ANALYZE',
  ];
  for (const sql of statements) await db.client.query(sql);
  connector = createAuroraConnector({ env: { ...db.env, target_rows_per_split: '1000' } });
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

/** Rows of `visits` whose day is in [from, to), counted by the server. */
async function visitsBetween(from: string, to: string): Promise<number> {
  const { rows } = await db.client.query(`SELECT count(*) AS n FROM visits WHERE day >= $1 AND day < $2`, [from, to]);
  return Number((rows[0] as { n: string }).n);
}

describe('PostgreSQL partition splits', () => {
  it('reads every leaf partition as its own split, every row once', async () => {
    const result = await engineFor(connector).scan({ schemaName: 'public', tableName: 'visits' });
    expect(result.splits).toBe(5);
    const ids = column(result.table, 'id') as number[];
    expect(ids.length).toBe(400);
    expect(new Set(ids).size).toBe(400);
  });

  it('keeps only the partitions a filter on the partition key can match', async () => {
    const in2024 = await engineFor(connector).scan(
      { schemaName: 'public', tableName: 'visits' },
      {
        constraints: {
          summary: {
            day: ranges(new DateDay(), [{ low: day('2024-03-01'), high: day('2024-06-01'), highInclusive: false }]),
          },
        },
      },
    );
    expect(in2024.splits).toBe(1);
    expect(in2024.table.numRows).toBe(await visitsBetween('2024-03-01', '2024-06-01'));
    // Two years, and in 2025 only wards 1 and 2: visits_2023, visits_2025_a.
    const twoYears = await engineFor(connector).scan(
      { schemaName: 'public', tableName: 'visits' },
      {
        constraints: {
          summary: {
            day: ranges(new DateDay(), [
              { low: day('2023-02-01'), high: day('2023-03-01'), highInclusive: false },
              { low: day('2025-02-01'), high: day('2025-03-01'), highInclusive: false },
            ]),
            ward: inList(new Int32(), [1, 2]),
          },
        },
      },
    );
    expect(twoYears.splits).toBe(2);
    // A filter outside every bound but the default's keeps only the default partition.
    const outside = await engineFor(connector).scan(
      { schemaName: 'public', tableName: 'visits' },
      { constraints: { summary: { day: ranges(new DateDay(), [{ high: day('2023-01-01'), highInclusive: false }]) } } },
    );
    expect(outside.splits).toBe(1);
    expect(outside.table.numRows).toBe(await visitsBetween('0001-01-01', '2023-01-01'));
  });

  it('keeps every partition for a filter on another column', async () => {
    const result = await engineFor(connector).scan(
      { schemaName: 'public', tableName: 'visits' },
      { constraints: { summary: { id: ranges(new Int32(), [{ low: 10, high: 20 }]) } } },
    );
    expect(result.splits).toBe(5);
    expect(result.table.numRows).toBe(11);
  });

  it("refuses a partition split that is not one of the table's", async () => {
    const d = engineFor(connector);
    await d.ping();
    const table = await d.getTable({ schemaName: 'public', tableName: 'visits' });
    const [split] = await d.getSplits(table, await d.getTableLayout(table, makeConstraints()), makeConstraints());
    expect(split?.properties).toMatchObject({ kind: 'pg_partition', schema: 'public', table: 'visits' });
    const forged: [Record<string, string>, RegExp][] = [
      [{ ...split?.properties, partition: 'keyed' }, /its partition is not one of the table's/],
      [{ ...split?.properties, partition: 'visits_2025' }, /its partition is not one of the table's/],
      [{ ...split?.properties, where: '1=1' }, /carries no property "where"/],
      [{ kind: 'all', schema: 'public', table: 'visits' }, /read one partition per split/],
    ];
    for (const [properties, why] of forged) {
      const error = await d
        .readSplit(
          table.tableName,
          table.schema,
          { ...(split as NonNullable<typeof split>), properties },
          makeConstraints(),
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(String((error as Error).message), JSON.stringify(properties)).toMatch(/InvalidInputException/);
      expect(String((error as Error).message), JSON.stringify(properties)).toMatch(why);
    }
  });
});

describe('PostgreSQL key-range splits', () => {
  it(`reads a ${KEYED_ROWS}-row table in primary-key splits, every row exactly once`, async () => {
    const result = await engineFor(connector, { parallelism: 4 }).scan({ schemaName: 'public', tableName: 'keyed' });
    expect(result.splits).toBe(KEYED_ROWS / 1000);
    const ids = column(result.table, 'id') as bigint[];
    expect(ids.length).toBe(KEYED_ROWS);
    expect(new Set(ids.map(String)).size).toBe(KEYED_ROWS);
    const { rows } = await db.client.query('SELECT sum(id)::text AS s FROM keyed');
    expect(ids.reduce((a, b) => a + b, 0n)).toBe(BigInt((rows[0] as { s: string }).s));
  });

  it('prunes key splits by the key filter', async () => {
    const result = await engineFor(connector).scan(
      { schemaName: 'public', tableName: 'keyed' },
      {
        constraints: {
          summary: { id: ranges(new Int64(), [{ low: -7919n * 100n, high: 7919n * 100n, highInclusive: false }]) },
        },
      },
    );
    expect(result.splits).toBeLessThanOrEqual(2);
    expect(result.table.numRows).toBe(200);
  });

  it('adds a NULL split for a nullable unique key and reads NULL keys once; no key, one split', async () => {
    const result = await engineFor(connector).scan({ schemaName: 'public', tableName: 'nullable_key' });
    expect(result.splits).toBeGreaterThan(2);
    const keys = column(result.table, 'k');
    expect(keys.length).toBe(3000);
    expect(keys.filter((k) => k === null).length).toBe(300);
    expect(new Set(keys.filter((k) => k !== null)).size).toBe(2700);
    const plain = await engineFor(connector).scan({ schemaName: 'public', tableName: 'no_key' });
    expect(plain.splits).toBe(1);
    expect(column(plain.table, 'v').sort()).toEqual(['a', 'b', 'c']);
  });

  it('refuses range splits it did not issue', async () => {
    const d = engineFor(connector);
    await d.ping();
    const table = await d.getTable({ schemaName: 'public', tableName: 'keyed' });
    const splits = await d.getSplits(table, await d.getTableLayout(table, makeConstraints()), makeConstraints());
    const issued = splits[1]?.properties ?? {};
    expect(issued).toMatchObject({ kind: 'range', key: 'id', schema: 'public', table: 'keyed' });
    const forged: [Record<string, string>, RegExp][] = [
      [{ ...issued, key: 'payload' }, /its key is not the table's split key/],
      [{ kind: 'null', key: 'id', schema: 'public', table: 'keyed' }, /the split key holds no NULL/],
      [{ ...issued, table: 'no_key' }, /names another table/],
      [{ kind: 'partition', partition: 'p0', schema: 'public', table: 'keyed' }, /not one this connector issues/],
      [
        {
          kind: 'pg_partition',
          schema: 'public',
          table: 'keyed',
          partition_schema: 'public',
          partition: 'visits_2023',
        },
        /the table has no partitions/,
      ],
    ];
    for (const [properties, why] of forged) {
      const error = await d
        .readSplit(
          table.tableName,
          table.schema,
          { ...(splits[1] as (typeof splits)[number]), properties },
          makeConstraints(),
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(String((error as Error).message), JSON.stringify(properties)).toMatch(/InvalidInputException/);
      expect(String((error as Error).message), JSON.stringify(properties)).toMatch(why);
    }
  });
});
