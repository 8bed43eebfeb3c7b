/**
 * Named MySQL partitions as splits, against real MariaDB partitioned tables: RANGE and LIST on an
 * integer column are pruned by constraints on it (NULL keys live in the first RANGE partition and
 * wherever a LIST names NULL); HASH and expression-partitioned tables (with subpartitions) are read
 * one partition per split, unpruned. Every row is read exactly once, and pruned reads return
 * exactly the rows the constraint keeps (computed here from the generated data).
 */
import { type ValueSet, readValue } from '@athena-federation/connector-core';
import { makeConstraints } from '@athena-federation/connector-core/testing';
import { Int32 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';
import { inList, ranges } from './support/value-sets.js';

let db: TestDatabase;
let connector: AuroraConnector;

const ROWS = 3000;
/** k of row i: NULL every 10th row, else spread over -50..349 (four RANGE partitions). */
const keyOf = (i: number): number | null => (i % 10 === 0 ? null : ((i * 37) % 400) - 50);
/** r of row i: 1..6 or NULL (6 is in no LIST partition, so it is never inserted). */
const regionOf = (i: number): number | null => (i % 7 === 0 ? null : (i % 5) + 1);

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  await db.pool.query(`CREATE TABLE events (id INT NOT NULL, k INT NULL, v VARCHAR(10))
    PARTITION BY RANGE (k) (PARTITION p_low VALUES LESS THAN (0), PARTITION p100 VALUES LESS THAN (100), PARTITION p200 VALUES LESS THAN (200), PARTITION pmax VALUES LESS THAN MAXVALUE)`);
  await db.pool.query('INSERT INTO events VALUES ?', [Array.from({ length: ROWS }, (_, i) => [i, keyOf(i), `e${i}`])]);
  await db.pool.query(`CREATE TABLE regions (id INT NOT NULL, r INT NULL)
    PARTITION BY LIST (r) (PARTITION odd VALUES IN (1, 3, 5), PARTITION even VALUES IN (2, 4, NULL))`);
  await db.pool.query('INSERT INTO regions VALUES ?', [Array.from({ length: ROWS }, (_, i) => [i, regionOf(i)])]);
  await db.pool.query('CREATE TABLE hashed (id INT NOT NULL PRIMARY KEY, v INT) PARTITION BY HASH (id) PARTITIONS 3');
  await db.pool.query('INSERT INTO hashed VALUES ?', [Array.from({ length: 500 }, (_, i) => [i, i * 2])]);
  await db.pool.query(`CREATE TABLE yearly (id INT NOT NULL, d DATE NOT NULL) PARTITION BY RANGE (YEAR(d)) SUBPARTITION BY HASH (id) SUBPARTITIONS 2
    (PARTITION y2020 VALUES LESS THAN (2021), PARTITION y2021 VALUES LESS THAN (2022), PARTITION ylater VALUES LESS THAN MAXVALUE)`);
  await db.pool.query('INSERT INTO yearly VALUES ?', [
    Array.from({ length: 300 }, (_, i) => [i, `${2020 + (i % 4)}-06-01`]),
  ]);
  connector = createAuroraConnector({ env: db.env });
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

async function readIds(
  tableName: string,
  summary: Record<string, ValueSet> = {},
): Promise<{ ids: number[]; splits: number }> {
  const result = await engineFor(connector).scan({ schemaName: db.name, tableName }, { constraints: { summary } });
  const ids = result.table.batches.flatMap((b) =>
    Array.from({ length: b.numRows }, (_, r) => Number(readValue(b.getChild('id') ?? (undefined as never), r))),
  );
  return { ids: ids.sort((a, b) => a - b), splits: result.splits };
}

const expectedIds = (count: number, keep: (i: number) => boolean) =>
  Array.from({ length: count }, (_, i) => i).filter(keep);

describe('partition splits', () => {
  it('reads a RANGE-partitioned table one partition per split, every row exactly once', async () => {
    const { ids, splits } = await readIds('events');
    expect(splits).toBe(4);
    expect(ids).toEqual(expectedIds(ROWS, () => true));
  });

  it('prunes RANGE partitions by a range on the partitioning column', async () => {
    const { ids, splits } = await readIds('events', { k: ranges(new Int32(), [{ low: 150, high: 160 }]) });
    expect(splits).toBe(1);
    expect(ids).toEqual(
      expectedIds(ROWS, (i) => {
        const k = keyOf(i);
        return k !== null && k >= 150 && k <= 160;
      }),
    );
  });

  it('reads NULL keys from the first RANGE partition only', async () => {
    const summary = {
      k: {
        '@type': 'AllOrNoneValueSet' as const,
        type: { '@type': 'Int' as const, bitWidth: 32, isSigned: true },
        all: false,
        nullAllowed: true,
      },
    };
    const { ids, splits } = await readIds('events', summary);
    expect(splits).toBe(1);
    expect(ids).toEqual(expectedIds(ROWS, (i) => keyOf(i) === null));
  });

  it('prunes LIST partitions by an IN list, and keeps the one listing NULL for NULL', async () => {
    const odd = await readIds('regions', { r: inList(new Int32(), [3, 5]) });
    expect(odd.splits).toBe(1);
    expect(odd.ids).toEqual(expectedIds(ROWS, (i) => regionOf(i) === 3 || regionOf(i) === 5));
    const withNull = await readIds('regions', { r: inList(new Int32(), [1], true) });
    expect(withNull.splits).toBe(2);
    expect(withNull.ids).toEqual(expectedIds(ROWS, (i) => regionOf(i) === 1 || regionOf(i) === null));
  });

  it('reads HASH and expression-partitioned (subpartitioned) tables per partition, unpruned', async () => {
    const hashed = await readIds('hashed', { id: inList(new Int32(), [7]) });
    expect(hashed.splits).toBe(3);
    expect(hashed.ids).toEqual([7]);
    const yearly = await readIds('yearly');
    expect(yearly.splits).toBe(3);
    expect(yearly.ids).toEqual(expectedIds(300, () => true));
  });

  it('refuses a partition split naming no partition, and fails clearly on a partition that does not exist', async () => {
    const driver = engineFor(connector);
    const table = await driver.getTable({ schemaName: db.name, tableName: 'events' });
    await driver.ping();
    const splits = await driver.getSplits(
      table,
      await driver.getTableLayout(table, makeConstraints()),
      makeConstraints(),
    );
    const forged = {
      ...splits[0],
      properties: { kind: 'partition', partition: 'p_low`) UNION SELECT 1 -- ' },
    } as (typeof splits)[number];
    await expect(
      driver.readSplit({ schemaName: db.name, tableName: 'events' }, table.schema, forged, makeConstraints()),
    ).rejects.toThrow();
    const unnamed = { ...splits[0], properties: { kind: 'partition' } } as (typeof splits)[number];
    await expect(
      driver.readSplit({ schemaName: db.name, tableName: 'events' }, table.schema, unnamed, makeConstraints()),
    ).rejects.toThrow(/not issued by this connector/);
  });
});
