/**
 * YEAR columns against the real MariaDB. Athena sees YEAR as an integer, but MySQL reads a constant
 * from 1 to 99 compared with a YEAR column as a two-digit year (24 → 2024, 70 → 1970): a pushed
 * `yr >= 24` kept only 2024 and later. Every filter here — summary ranges and lists, V4 expressions,
 * with and without LIMIT, ORDER BY … LIMIT — must select exactly what Athena's integer comparison
 * selects, for constants inside and outside YEAR's domain {0} ∪ [1901, 2155].
 */
import { readValue, StandardFunctionNames as F } from '@athena-federation/connector-core';
import type { FederationExpression, OrderByField, ValueSet } from '@athena-federation/connector-core';
import type { Table } from 'apache-arrow';
import { Int32, Int64 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { column, constant, predicate } from './support/expressions.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';
import { inList, ranges } from './support/value-sets.js';

/** `[id, year]`: the domain's edges, both sides of the two-digit windows, the zero year and NULL. */
const ROWS: readonly (readonly [number, number | null])[] = [
  [1, 1901],
  [2, 1930],
  [3, 1969],
  [4, 1970],
  [5, 1999],
  [6, 2000],
  [7, 2001],
  [8, 2024],
  [9, 2069],
  [10, 2070],
  [11, 2099],
  [12, 2155],
  [13, 0],
  [14, null],
  [15, 1950],
  [16, 2050],
];
const INT = new Int32();

let db: TestDatabase;
let connector: AuroraConnector;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  await db.pool.query('CREATE TABLE years (id INT PRIMARY KEY, yr YEAR NULL, KEY (yr))');
  await db.pool.query('INSERT INTO years VALUES ?', [ROWS.map(([id, yr]) => [id, yr])]);
  connector = createAuroraConnector({ env: db.env });
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

function rowsOf(table: Table): { id: number; yr: number | null }[] {
  return table.batches.flatMap((batch) =>
    Array.from({ length: batch.numRows }, (_, r) => ({
      id: Number(readValue(batch.getChild('id') ?? (undefined as never), r)),
      yr: readValue(batch.getChild('yr') ?? (undefined as never), r) as number | null,
    })),
  );
}

async function read(constraints: {
  summary?: Record<string, ValueSet>;
  expression?: FederationExpression[];
  limit?: bigint;
  orderByClause?: OrderByField[];
}) {
  return rowsOf((await engineFor(connector).scan({ schemaName: db.name, tableName: 'years' }, { constraints })).table);
}

const idsWhere = (keep: (yr: number | null) => boolean) =>
  ROWS.filter(([, yr]) => keep(yr))
    .map(([id]) => id)
    .sort((a, b) => a - b);
const sortedIds = (rows: readonly { id: number }[]) => rows.map((r) => r.id).sort((a, b) => a - b);

/** Summary ranges as Athena sends them, with the integer test Athena applies. */
const RANGE_CASES: readonly { name: string; set: ValueSet; keep: (yr: number | null) => boolean }[] = [
  {
    name: 'BETWEEN 50 AND 1950',
    set: ranges(INT, [{ low: 50, high: 1950 }]),
    keep: (y) => y !== null && y >= 50 && y <= 1950,
  },
  { name: '>= 24', set: ranges(INT, [{ low: 24 }]), keep: (y) => y !== null && y >= 24 },
  { name: '> 69', set: ranges(INT, [{ low: 69, lowInclusive: false }]), keep: (y) => y !== null && y > 69 },
  { name: '<= 99', set: ranges(INT, [{ high: 99 }]), keep: (y) => y !== null && y <= 99 },
  { name: '< 70', set: ranges(INT, [{ high: 70, highInclusive: false }]), keep: (y) => y !== null && y < 70 },
  { name: '= 0', set: ranges(INT, [{ low: 0, high: 0 }]), keep: (y) => y === 0 },
  { name: '>= 0', set: ranges(INT, [{ low: 0 }]), keep: (y) => y !== null && y >= 0 },
  { name: '> 0', set: ranges(INT, [{ low: 0, lowInclusive: false }]), keep: (y) => y !== null && y > 0 },
  { name: '< 1', set: ranges(INT, [{ high: 1, highInclusive: false }]), keep: (y) => y !== null && y < 1 },
  { name: '= 1', set: ranges(INT, [{ low: 1, high: 1 }]), keep: (y) => y === 1 },
  {
    name: '= 24 OR = 2024',
    set: ranges(INT, [
      { low: 24, high: 24 },
      { low: 2024, high: 2024 },
    ]),
    keep: (y) => y === 24 || y === 2024,
  },
  {
    name: 'BETWEEN 100 AND 1900',
    set: ranges(INT, [{ low: 100, high: 1900 }]),
    keep: (y) => y !== null && y >= 100 && y <= 1900,
  },
  { name: '> 1900', set: ranges(INT, [{ low: 1900, lowInclusive: false }]), keep: (y) => y !== null && y > 1900 },
  { name: '>= 1901', set: ranges(INT, [{ low: 1901 }]), keep: (y) => y !== null && y >= 1901 },
  { name: '<= 2155', set: ranges(INT, [{ high: 2155 }]), keep: (y) => y !== null && y <= 2155 },
  { name: '> 2155', set: ranges(INT, [{ low: 2155, lowInclusive: false }]), keep: (y) => y !== null && y > 2155 },
  { name: '< 2156', set: ranges(INT, [{ high: 2156, highInclusive: false }]), keep: (y) => y !== null && y < 2156 },
  {
    name: 'BETWEEN 2000 AND 3000',
    set: ranges(INT, [{ low: 2000, high: 3000 }]),
    keep: (y) => y !== null && y >= 2000 && y <= 3000,
  },
  { name: '>= -5', set: ranges(INT, [{ low: -5 }]), keep: (y) => y !== null && y >= -5 },
  { name: '< -1', set: ranges(INT, [{ high: -1, highInclusive: false }]), keep: (y) => y !== null && y < -1 },
  {
    name: 'BETWEEN -2147483648 AND 2147483647',
    set: ranges(INT, [{ low: -2147483648, high: 2147483647 }]),
    keep: (y) => y !== null,
  },
  { name: '>= 24 OR NULL', set: ranges(INT, [{ low: 24 }], true), keep: (y) => y === null || y >= 24 },
  {
    name: '< 50 OR BETWEEN 1960 AND 75',
    set: ranges(INT, [
      { high: 50, highInclusive: false },
      { low: 1960, high: 1975 },
    ]),
    keep: (y) => y !== null && (y < 50 || (y >= 1960 && y <= 1975)),
  },
  {
    name: 'IN (24, 70, 0, 2000, 1800, 3000, -1)',
    set: inList(INT, [24, 70, 0, 2000, 1800, 3000, -1]),
    keep: (y) => y !== null && [24, 70, 0, 2000, 1800, 3000, -1].includes(y),
  },
  { name: 'IN (99, 1)', set: inList(INT, [99, 1]), keep: (y) => y === 99 || y === 1 },
  { name: 'IN (1, 2) OR NULL', set: inList(INT, [1, 2], true), keep: (y) => y === null },
];

describe('YEAR filters', () => {
  it.each(RANGE_CASES)('summary $name keeps exactly the years Athena keeps', async ({ set, keep }) => {
    expect(sortedIds(await read({ summary: { yr: set } }))).toEqual(idsWhere(keep));
  });

  it.each(RANGE_CASES)(
    'summary $name with LIMIT 3 returns as many rows as Athena’s answer has, all of them right',
    async ({ set, keep }) => {
      const rows = await read({ summary: { yr: set }, limit: 3n });
      const expected = idsWhere(keep);
      expect(rows).toHaveLength(Math.min(3, expected.length));
      for (const row of rows) expect(expected).toContain(row.id);
    },
  );

  const EXPRESSION_CASES: readonly {
    name: string;
    expression: FederationExpression;
    keep: (yr: number | null) => boolean;
  }[] = [
    {
      name: 'yr >= 24',
      expression: predicate(F.greaterThanOrEqual, column('yr', INT), constant(INT, 24)),
      keep: (y) => y !== null && y >= 24,
    },
    {
      name: 'yr < 70',
      expression: predicate(F.lessThan, column('yr', INT), constant(INT, 70)),
      keep: (y) => y !== null && y < 70,
    },
    { name: 'yr = 0', expression: predicate(F.equal, column('yr', INT), constant(INT, 0)), keep: (y) => y === 0 },
    {
      name: 'yr <> 24',
      expression: predicate(F.notEqual, column('yr', INT), constant(INT, 24)),
      keep: (y) => y !== null,
    },
    {
      name: 'yr IN (24, 70, 1970)',
      expression: predicate(F.in, column('yr', INT), constant(new Int64(), [24n, 70n, 1970n])),
      keep: (y) => y === 1970,
    },
    {
      name: 'yr > 2155',
      expression: predicate(F.greaterThan, column('yr', INT), constant(INT, 2155)),
      keep: () => false,
    },
  ];

  it.each(EXPRESSION_CASES)(
    'expression $name keeps exactly the years Athena keeps, also under LIMIT',
    async ({ expression, keep }) => {
      expect(sortedIds(await read({ expression: [expression] }))).toEqual(idsWhere(keep));
      const limited = await read({ expression: [expression], limit: 2n });
      expect(limited).toHaveLength(Math.min(2, idsWhere(keep).length));
      for (const row of limited) expect(idsWhere(keep)).toContain(row.id);
    },
  );

  it.each(['ASC_NULLS_FIRST', 'ASC_NULLS_LAST', 'DESC_NULLS_FIRST', 'DESC_NULLS_LAST'] as const)(
    'ORDER BY yr %s LIMIT 4 under a filter is Athena’s top 4',
    async (direction) => {
      const rows = await read({
        summary: { yr: ranges(INT, [{ high: 1970 }], true) },
        orderByClause: [{ columnName: 'yr', direction }],
        limit: 4n,
      });
      const kept = ROWS.filter(([, y]) => y === null || y <= 1970).map(([, y]) => y);
      const nullsFirst = direction.endsWith('NULLS_FIRST');
      const sign = direction.startsWith('DESC') ? -1 : 1;
      kept.sort((a, b) =>
        a === null ? (b === null ? 0 : nullsFirst ? -1 : 1) : b === null ? (nullsFirst ? 1 : -1) : sign * (a - b),
      );
      expect(rows.map((r) => r.yr).sort((a, b) => (a ?? -1) - (b ?? -1))).toEqual(
        kept.slice(0, 4).sort((a, b) => (a ?? -1) - (b ?? -1)),
      );
    },
  );
});
