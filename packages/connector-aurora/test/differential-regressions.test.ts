/**
 * Wrong answers the pushdown differential test (pushdown-differential.test.ts) found, each pinned
 * against the real MariaDB with the smallest query that showed it.
 */
import { readValue, StandardFunctionNames as F } from '@athena-federation/connector-core';
import type { FederationExpression, OrderByField, ValueSet } from '@athena-federation/connector-core';
import { DateDay, DateMillisecond, Decimal, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { evaluate } from './support/expression-oracle.js';
import { call, column, constant, predicate } from './support/expressions.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';
import { ranges } from './support/value-sets.js';

let db: TestDatabase;
let connector: AuroraConnector;
let rows: Record<string, unknown>[] = [];

const DEC = new Decimal(2, 10, 128);
const BIG = new Decimal(0, 20, 128);

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  await db.pool.query(
    'CREATE TABLE regressions (id INT PRIMARY KEY, d DECIMAL(10,2), b64 BIT(64), dt DATE, t3 DATETIME(3), t6 DATETIME(6))',
  );
  const connection = await db.pool.getConnection();
  try {
    // Zero dates (NULL to Athena, not to MySQL) need a permissive sql_mode.
    await connection.query("SET SESSION sql_mode = ''");
    await connection.query(`INSERT INTO regressions VALUES
      (1, -10.00, b'0', '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00'), (2, -5.00, b'1', '2024-00-05', '0000-00-00 00:00:00', '0000-00-00 00:00:00'),
      (3, -7.50, b'${'1'.repeat(64)}', '2024-01-02', '2024-01-02 03:04:05.678', '2024-01-02 03:04:05.678901'), (4, 0, b'1${'0'.repeat(63)}', NULL, NULL, NULL),
      (5, 5.00, NULL, '1970-01-01', '1970-01-01 00:00:00', '1970-01-01 00:00:00'), (6, 12.50, b'${'1'.repeat(63)}', '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00'),
      (7, NULL, b'10', '9999-12-31', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.999999')`);
  } finally {
    connection.release();
  }
  connector = createAuroraConnector({ env: db.env });
  const result = await engineFor(connector).scan({ schemaName: db.name, tableName: 'regressions' });
  rows = result.table.batches.flatMap((b) =>
    Array.from({ length: b.numRows }, (_, r) =>
      Object.fromEntries(
        b.schema.fields.map((f, c) => [f.name, readValue(b.getChildAt(c) ?? (undefined as never), r)]),
      ),
    ),
  );
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

async function ids(constraints: {
  summary?: Record<string, ValueSet>;
  expression?: FederationExpression[];
  limit?: bigint;
  orderByClause?: OrderByField[];
}): Promise<number[]> {
  const result = await engineFor(connector).scan({ schemaName: db.name, tableName: 'regressions' }, { constraints });
  return result.table.batches
    .flatMap((b) =>
      Array.from({ length: b.numRows }, (_, r) => Number(readValue(b.getChild('id') ?? (undefined as never), r))),
    )
    .sort((a, b) => a - b);
}

describe('found by the differential test', () => {
  it('decimal MOD of a negative multiple is zero, not a "-0" below and unequal to zero (MariaDB)', async () => {
    for (const [op, divisor] of [
      [F.equal, '5.00'],
      [F.lessThan, '5.00'],
      [F.greaterThanOrEqual, '-2.50'],
      [F.notEqual, '0.01'],
    ] as const) {
      const expression = predicate(
        op,
        call(F.modulus, DEC, column('d', DEC), constant(DEC, divisor)),
        constant(DEC, '0.00'),
      );
      const expected = rows.filter((row) => evaluate(expression, row) === true).map((row) => Number(row['id']));
      expect(await ids({ expression: [expression] }), `${op} ${divisor}`).toEqual(expected);
    }
  });

  it('"any value" of a date column is no exact filter under LIMIT: MySQL holds zero dates that Athena reads as NULL', async () => {
    const dated = (column: string) => rows.filter((row) => row[column] !== null).map((row) => Number(row['id']));
    for (const [column, type] of [
      ['dt', new DateDay()],
      ['t3', new DateMillisecond()],
      ['t6', new Utf8()],
    ] as const) {
      expect(dated(column)).toHaveLength(3);
      // One unbounded range, and one beside a point: both are "any value but NULL".
      for (const set of [
        ranges(type, [{}]),
        ranges(type, [{}, { low: type instanceof Utf8 ? '😀' : 0, high: type instanceof Utf8 ? '😀' : 0 }]),
      ]) {
        expect(await ids({ summary: { [column]: set }, limit: 3n }), column).toEqual(dated(column));
        expect(
          await ids({
            summary: { [column]: set },
            limit: 3n,
            orderByClause: [{ columnName: column, direction: 'ASC_NULLS_LAST' }],
          }),
          column,
        ).toEqual(dated(column));
      }
    }
  });

  it('BIT(64) range bounds beyond 0 … 2^64-1 are never clamped into the column’s range', async () => {
    const cases: [ValueSet, (v: bigint) => boolean][] = [
      [
        ranges(BIG, [{ low: '9223372036854775808', high: '99999999999999999999', highInclusive: false }]),
        (v) => v >= 2n ** 63n,
      ],
      [
        ranges(BIG, [{ low: '1', lowInclusive: false, high: '18446744073709551616', highInclusive: false }]),
        (v) => v > 1n,
      ],
      [ranges(BIG, [{ low: '-99999999999999999999', lowInclusive: false, high: '18446744073709551615' }]), () => true],
      [ranges(BIG, [{ low: '18446744073709551616' }]), () => false],
    ];
    for (const [set, keep] of cases) {
      const expected = rows
        .filter((row) => row['b64'] !== null && keep(BigInt(String(row['b64']))))
        .map((row) => Number(row['id']));
      expect(await ids({ summary: { b64: set } })).toEqual(expected);
    }
  });
});
