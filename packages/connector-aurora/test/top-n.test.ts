/**
 * LIMIT and ORDER BY … LIMIT (top-N) pushdown against the real MariaDB, over range splits. Each
 * split applies the limit itself; Athena then applies its own top-N to the union, so the test does
 * what Athena does and compares with a top-N computed here, in Athena's order (code point strings,
 * NULLS FIRST/LAST as asked, zero dates as NULL), over an unpushed read of the whole table.
 */
import { readValue } from '@athena-federation/connector-core';
import type { OrderByField } from '@athena-federation/connector-core';
import type { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';

const ROWS = 5000;
const LIMIT = 7;
let db: TestDatabase;
let connector: AuroraConnector;
let all: Record<string, unknown>[] = [];

function rowsOf(table: Table): Record<string, unknown>[] {
  return table.batches.flatMap((batch) =>
    Array.from({ length: batch.numRows }, (_, r) =>
      Object.fromEntries(
        batch.schema.fields.map((field, c) => [field.name, readValue(batch.getChildAt(c) ?? (undefined as never), r)]),
      ),
    ),
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  await db.pool.query(
    'CREATE TABLE ranked (id INT PRIMARY KEY, score INT NULL, name VARCHAR(20) COLLATE utf8mb4_general_ci NULL, price DECIMAL(8,2) NULL, day DATE NULL, ok TINYINT(1) NULL)',
  );
  const names = ['b', 'B', 'a', 'A', 'ä', '😀', 'Z', 'z ', 'z', ''];
  const rows = Array.from({ length: ROWS }, (_, i) => [
    i + 1,
    i % 11 === 0 ? null : ((i * 7919) % 2003) - 1000,
    i % 13 === 0 ? null : names[i % names.length],
    i % 17 === 0 ? null : (((i * 31) % 997) / 10 - 50).toFixed(2),
    i % 19 === 0
      ? null
      : i % 23 === 0
        ? '0000-00-00'
        : `20${String(10 + (i % 15)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
    i % 29 === 0 ? null : [0, 1, 5, -1][i % 4],
  ]);
  const connection = await db.pool.getConnection();
  try {
    // Zero dates need a permissive sql_mode.
    await connection.query("SET SESSION sql_mode = ''");
    await connection.query('INSERT INTO ranked VALUES ?', [rows]);
    await connection.query('ANALYZE TABLE ranked');
  } finally {
    connection.release();
  }
  connector = createAuroraConnector({ env: { ...db.env, target_rows_per_split: '1000' } });
  all = rowsOf((await engineFor(connector).scan({ schemaName: db.name, tableName: 'ranked' })).table);
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

function codePoints(text: string): number[] {
  return [...text].map((c) => c.codePointAt(0) ?? 0);
}

/** Athena's comparison of two non-null values of one column (decimals are read as digit strings). */
function compareValues(a: unknown, b: unknown, decimal: boolean): number {
  if (typeof a === 'string' && typeof b === 'string' && !decimal) {
    const x = codePoints(a);
    const y = codePoints(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
    return x.length - y.length;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function athenaOrder(fields: readonly OrderByField[]) {
  return (a: Record<string, unknown>, b: Record<string, unknown>): number => {
    for (const field of fields) {
      const x = a[field.columnName];
      const y = b[field.columnName];
      const nullsFirst = field.direction.endsWith('NULLS_FIRST');
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y, field.columnName === 'price') * (field.direction.startsWith('DESC') ? -1 : 1);
      if (c !== 0) return c;
    }
    return 0;
  };
}

/** The sort keys of the first `LIMIT` rows in Athena's order (ties may pick any row, keys may not differ). */
function topKeys(rows: readonly Record<string, unknown>[], fields: readonly OrderByField[]): string[] {
  return [...rows]
    .sort(athenaOrder(fields))
    .slice(0, LIMIT)
    .map((row) => JSON.stringify(fields.map((f) => row[f.columnName])));
}

const DIRECTIONS = ['ASC_NULLS_FIRST', 'ASC_NULLS_LAST', 'DESC_NULLS_FIRST', 'DESC_NULLS_LAST'] as const;

describe('top-N and LIMIT pushdown', () => {
  it.each(
    ['score', 'name', 'price', 'day', 'ok'].flatMap((columnName) =>
      DIRECTIONS.map((direction) => [columnName, direction] as const),
    ),
  )(
    'ORDER BY %s %s LIMIT 7 per split, then Athena’s own top-N, equals the true top-N',
    async (columnName, direction) => {
      const orderByClause = [
        { columnName, direction },
        { columnName: 'id', direction: 'ASC_NULLS_LAST' as const },
      ];
      const result = await engineFor(connector).scan(
        { schemaName: db.name, tableName: 'ranked' },
        { constraints: { orderByClause, limit: BigInt(LIMIT) } },
      );
      expect(result.splits).toBeGreaterThan(1);
      // The limit was applied per split, in MySQL.
      expect(result.table.numRows).toBeLessThanOrEqual(LIMIT * result.splits);
      expect(topKeys(rowsOf(result.table), orderByClause)).toEqual(topKeys(all, orderByClause));
    },
  );

  it('returns each split’s rows already in order, NULLs where asked', async () => {
    const orderByClause = [{ columnName: 'score', direction: 'DESC_NULLS_FIRST' as const }];
    const result = await engineFor(connector).scan(
      { schemaName: db.name, tableName: 'ranked' },
      { constraints: { orderByClause, limit: 20n }, maxSplits: 1 },
    );
    const scores = rowsOf(result.table).map((r) => r['score']);
    expect(scores).toHaveLength(20);
    const sorted = [...scores].sort((a, b) => (a === null ? -1 : b === null ? 1 : Number(b) - Number(a)));
    expect(scores).toEqual(sorted);
    expect(scores[0]).toBeNull();
  });

  it('applies a plain LIMIT in each split', async () => {
    const result = await engineFor(connector).scan(
      { schemaName: db.name, tableName: 'ranked' },
      { constraints: { limit: 3n } },
    );
    expect(result.splits).toBeGreaterThan(1);
    expect(result.table.numRows).toBe(3 * result.splits);
  });
});
