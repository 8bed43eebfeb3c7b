/**
 * Core's SQL kit with the connector's PostgreSQL dialect (src/postgres/postgres-dialect.ts): random
 * summaries, V4 expressions, LIMIT and ORDER BY … LIMIT are built into SELECTs and run on a real
 * PostgreSQL 15, and the rows are compared with core's oracles (`createConstraintEvaluator` for
 * summaries, `evaluateExpression` for expressions). The dialect must keep every row Athena keeps,
 * and when it claims an exact pushdown, exactly those rows, in Athena's order under a top-N. Text
 * columns carry a linguistic (ICU) and a case-insensitive (nondeterministic) collation, neither of
 * which orders or compares as Athena does.
 */
import {
  StandardFunctionNames as F,
  arrowTypeToJson,
  buildRecordBatch,
  createConstraintEvaluator,
  makeValueBlock,
} from '@athena-federation/connector-core';
import type { FederationExpression, OrderByField, ValueSet } from '@athena-federation/connector-core';
import { seededRandom } from '@athena-federation/connector-core/harness';
import { buildSelect } from '@athena-federation/connector-core/sql';
import {
  AthenaQueryFailure,
  compareByCodePoint,
  evaluateExpression,
  makeConstraints,
} from '@athena-federation/connector-core/testing';
import {
  Bool,
  type DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  Field,
  Float64,
  Int32,
  Int64,
  Schema,
  Utf8,
} from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuroraConnector } from '../src/index.js';
import { formatDay, formatMillis, postgresDialect } from '../src/postgres/postgres-dialect.js';
import type { PostgresColumn, PostgresKind } from '../src/postgres/postgres-types.js';
import { engineFor } from './support/engine.js';
import { type PostgresTestDatabase, createPostgresTestDatabase } from './support/postgres.js';

const DAY_MS = 86_400_000;
/** A column as the connector maps it (postgres-types.ts) from its SQL type; the GetTable test checks the Arrow types agree. */
const column = (name: string, kind: PostgresKind, type: DataType, sqlType: string, deterministic = true) => ({
  column: {
    name,
    kind,
    type,
    typeName: sqlType.split(' ')[0] ?? sqlType,
    field: new Field(name, type, true),
    deterministic,
    utf8: true,
  } satisfies PostgresColumn,
  sqlType,
});
const TABLE = [
  column('id', 'integer', new Int32(), 'integer PRIMARY KEY'),
  column('n', 'bigint', new Int64(), 'bigint'),
  column('amount', 'numeric', new Decimal(2, 10, 128), 'numeric(10,2)'),
  column('x', 'double', new Float64(), 'double precision'),
  column('flag', 'boolean', new Bool(), 'boolean'),
  // A linguistic order ('a' < 'B' < 'b') and a case-insensitive equality: neither is Athena's.
  column('Label', 'text', new Utf8(), 'text COLLATE "en-x-icu"'),
  column('code', 'text', new Utf8(), 'text COLLATE case_insensitive', false),
  column('day', 'date', new DateDay(), 'date'),
  column('ts', 'timestamp', new DateMillisecond(), 'timestamp(3)'),
];
const COLUMNS = TABLE.map((t) => t.column);
const SCHEMA = new Schema(COLUMNS.map((c) => c.field));

/** Values each column draws from, as Athena reads them from Arrow; duplicates and edges on purpose. */
const POOLS: Readonly<Record<string, readonly unknown[]>> = {
  n: [-1_000_000_000_000n, -7n, -1n, 0n, 1n, 2n, 7n, 42n, 1_000_000_000_000n],
  amount: ['-999.99', '-5.00', '-0.01', '0.00', '0.01', '1.50', '5.00', '12.34', '999.99'],
  x: [-1e300, -2.5, -0, 0, 0.1, 0.30000000000000004, 1, 2.5, 1e300, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
  flag: [true, false],
  Label: ['', 'a', 'A', 'a ', 'ab', 'b', 'é', 'e\u0301', 'z', '🎉', '%', '_', 'a!b', 'a%b', 'Ab'],
  code: ['x1', 'X1', 'x2', 'Y', 'y', 'ß', 'SS'],
  day: [-719_162, -1, 0, 1, 19_000, 19_001, 2_932_896],
  ts: [-62_135_596_800_000, -1, 0, 1, 999, 1_000, 1_700_000_000_123, 253_402_300_799_999],
};
/** Constants that no row holds, so comparisons also fall between and outside the pools. */
const STRANGERS: Readonly<Record<string, readonly unknown[]>> = {
  n: [-3n, 100n],
  amount: ['0.50', '-1000.00'],
  x: [0.2, -1],
  flag: [],
  Label: ['aa', 'B', '\u0000x'],
  code: ['X2', 'ss'],
  day: [5, 19_000 + 365],
  ts: [500, 2],
};

const ROWS = 240;
const random = seededRandom(20_261_207);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const chance = (p: number) => random() < p;

function makeRows(): Record<string, unknown>[] {
  return Array.from({ length: ROWS }, (_, id) => {
    const row: Record<string, unknown> = { id };
    for (const c of COLUMNS) if (c.name !== 'id') row[c.name] = chance(0.15) ? null : pick(POOLS[c.name] ?? []);
    return row;
  });
}

/** The text PostgreSQL is given for a value (and reads back) in an INSERT. */
function sqlText(c: PostgresColumn, value: unknown): string | null {
  if (value === null) return null;
  if (c.kind === 'date') return formatDay(value as number) ?? '';
  if (c.kind === 'timestamp') return formatMillis(value as number) ?? '';
  if (c.kind === 'double')
    return value === Number.POSITIVE_INFINITY
      ? 'Infinity'
      : value === Number.NEGATIVE_INFINITY
        ? '-Infinity'
        : Object.is(value, -0)
          ? '-0'
          : String(value);
  return String(value);
}

/** A value read back as PostgreSQL's text, converted to what Athena reads from Arrow. */
function fromText(c: PostgresColumn, text: string | null): unknown {
  if (text === null) return null;
  switch (c.kind) {
    case 'integer':
    case 'double':
      return Number(text);
    case 'bigint':
      return BigInt(text);
    case 'boolean':
      return text === 't';
    case 'date':
      return Date.parse(`${text}T00:00:00Z`) / DAY_MS;
    case 'timestamp':
      return Date.parse(`${text.replace(' ', 'T')}Z`);
    default:
      return text;
  }
}

// ---- Random constraints -------------------------------------------------------------------------

const blockOfValues = (c: PostgresColumn, values: readonly unknown[]) => makeValueBlock(c.field, values);
const compareNonNull = (c: PostgresColumn, a: unknown, b: unknown): number => {
  if (c.kind === 'text') return compareByCodePoint(a as string, b as string);
  if (c.kind === 'numeric') return Math.sign(Number(a) - Number(b));
  if (c.kind === 'boolean') return Number(a) - Number(b);
  return a === b ? 0 : (a as number) < (b as number) ? -1 : 1;
};

function randomValueSet(c: PostgresColumn): ValueSet {
  const values = [...(POOLS[c.name] ?? []), ...(STRANGERS[c.name] ?? [])];
  const nullAllowed = chance(0.3);
  const shape = c.kind === 'boolean' ? pick(['none', 'in']) : pick(['none', 'in', 'in', 'range', 'range', 'range']);
  if (shape === 'none')
    return { '@type': 'AllOrNoneValueSet', type: arrowTypeToJson(c.field.type), all: chance(0.5), nullAllowed };
  if (shape === 'in')
    return {
      '@type': 'EquatableValueSet',
      valueBlock: blockOfValues(
        c,
        Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(values)),
      ),
      whiteList: true,
      nullAllowed,
    };
  const ends = [...new Set(Array.from({ length: 4 }, () => pick(values)))].sort((a, b) => compareNonNull(c, a, b));
  const marker = (value: unknown, bound: 'ABOVE' | 'EXACTLY' | 'BELOW') => ({
    valueBlock: blockOfValues(c, value === undefined ? [] : [value]),
    bound,
    nullValue: value === undefined,
  });
  const ranges = [];
  for (let i = 0; i + 1 < ends.length || (i === 0 && ends.length === 1); i += 2) {
    const low = i === 0 && chance(0.2) ? undefined : ends[i];
    const high = i + 1 >= ends.length || chance(0.15) ? undefined : ends[i + 1];
    ranges.push({
      low: low === undefined ? marker(undefined, 'ABOVE') : marker(low, chance(0.5) ? 'EXACTLY' : 'ABOVE'),
      high: high === undefined ? marker(undefined, 'BELOW') : marker(high, chance(0.5) ? 'EXACTLY' : 'BELOW'),
    });
    if (high === undefined) break;
  }
  return { '@type': 'SortedRangeSet', type: arrowTypeToJson(c.field.type), ranges, nullAllowed };
}

const bool = new Bool();
const variable = (c: PostgresColumn): FederationExpression => ({
  '@type': 'VariableExpression',
  columnName: c.name,
  type: arrowTypeToJson(c.field.type),
});
const constantOf = (type: DataType, values: readonly unknown[]): FederationExpression => ({
  '@type': 'ConstantExpression',
  type: arrowTypeToJson(type),
  valueBlock: makeValueBlock(new Field('col1', type, true), values),
});
const call = (name: string, type: DataType, ...args: FederationExpression[]): FederationExpression => ({
  '@type': 'FunctionCallExpression',
  type: arrowTypeToJson(type),
  functionName: { functionName: name },
  arguments: args,
});
const COMPARISONS = [
  F.equal,
  F.notEqual,
  F.lessThan,
  F.lessThanOrEqual,
  F.greaterThan,
  F.greaterThanOrEqual,
  F.isDistinctFrom,
];
const byName = (name: string) => COLUMNS.find((c) => c.name === name) as PostgresColumn;

function randomLeaf(): FederationExpression {
  const c = pick(COLUMNS.filter((k) => k.name !== 'id'));
  const value = () => (chance(0.05) ? null : pick([...(POOLS[c.name] ?? []), ...(STRANGERS[c.name] ?? [])]));
  switch (pick(['compare', 'compare', 'in', 'null', 'like', 'arithmetic'])) {
    case 'in':
      return call(
        F.in,
        bool,
        variable(c),
        constantOf(c.field.type, Array.from({ length: 1 + Math.floor(random() * 3) }, value)),
      );
    case 'null':
      return call(F.isNull, bool, variable(c));
    case 'like': {
      const [pattern, escapeChar] = pick([
        ['a%'],
        ['%b'],
        ['_'],
        ['A%'],
        ['%é%'],
        ['a!%b', '!'],
        ['a#%b', '#'],
        ['%'],
        ['__'],
      ] as const);
      const args = [
        variable(byName(pick(['Label', 'code']))),
        constantOf(new Utf8(), [pattern]),
        ...(escapeChar === undefined ? [] : [constantOf(new Utf8(), [escapeChar])]),
      ];
      return call(F.likePattern, bool, ...args);
    }
    case 'arithmetic': {
      const id = byName('id');
      const amount = byName('amount');
      const n = byName('n');
      const [left, right] = pick([
        [
          call(F.modulus, new Int32(), variable(id), constantOf(new Int32(), [pick([3, -3, 7])])),
          constantOf(new Int32(), [pick([0, 1, 2, -1])]),
        ],
        [
          call(F.divide, new Int32(), variable(id), constantOf(new Int32(), [pick([2, -5])])),
          constantOf(new Int32(), [pick([0, 10, -10])]),
        ],
        [
          call(F.add, new Int64(), variable(n), constantOf(new Int64(), [pick([1n, -7n])])),
          constantOf(new Int64(), [pick([0n, 8n, -6n])]),
        ],
        [
          call(
            F.subtract,
            new Decimal(2, 11, 128),
            variable(amount),
            constantOf(new Decimal(2, 10, 128), [pick(['1.50', '-0.01'])]),
          ),
          constantOf(new Decimal(2, 11, 128), [pick(['0.00', '3.50'])]),
        ],
        [
          call(
            F.multiply,
            new Decimal(2, 21, 128),
            variable(amount),
            constantOf(new Decimal(0, 10, 128), [pick(['2', '-3'])]),
          ),
          constantOf(new Decimal(2, 21, 128), [pick(['0.00', '10.00', '-15.00'])]),
        ],
        [call(F.negate, new Int64(), variable(n)), constantOf(new Int64(), [pick([0n, -7n, 1n])])],
        [
          call(
            F.modulus,
            new Decimal(2, 10, 128),
            variable(amount),
            constantOf(new Decimal(2, 10, 128), [pick(['5.00', '-0.50'])]),
          ),
          constantOf(new Decimal(2, 10, 128), ['0.00']),
        ],
      ] as const);
      return call(pick(COMPARISONS), bool, left, right);
    }
    default:
      return call(pick(COMPARISONS), bool, variable(c), constantOf(c.field.type, [value()]));
  }
}

function randomExpression(depth: number): FederationExpression {
  if (depth === 0 || chance(0.5)) return randomLeaf();
  const kind = pick([F.and, F.or, F.not]);
  if (kind === F.not) return call(F.not, bool, randomExpression(depth - 1));
  return call(kind, bool, randomExpression(depth - 1), randomExpression(depth - 1));
}

const DIRECTIONS = ['ASC_NULLS_FIRST', 'ASC_NULLS_LAST', 'DESC_NULLS_FIRST', 'DESC_NULLS_LAST'] as const;

/** Athena's order of two rows by `fields`. */
function athenaOrder(
  fields: readonly OrderByField[],
): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  return (a, b) => {
    for (const field of fields) {
      const c = byName(field.columnName);
      const [x, y] = [a[c.name] ?? null, b[c.name] ?? null];
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null ? -1 : 1) * (field.direction.endsWith('NULLS_FIRST') ? 1 : -1);
      }
      const order = compareNonNull(c, x, y) * (field.direction.startsWith('DESC') ? -1 : 1);
      if (order !== 0) return order;
    }
    return 0;
  };
}

// ---- The comparison ----------------------------------------------------------------------------

describe('the SQL kit with a PostgreSQL dialect, against PostgreSQL 15 and core’s oracles', () => {
  let database: PostgresTestDatabase;
  const rows = makeRows();
  const batch = buildRecordBatch(
    SCHEMA,
    rows.map((r) => COLUMNS.map((c) => r[c.name])),
  );

  beforeAll(async () => {
    database = await createPostgresTestDatabase();
    await database.client.query(
      `CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`,
    );
    await database.client.query(
      `CREATE TABLE public."Patients" (${TABLE.map((t) => `${postgresDialect.quoteIdentifier(t.column.name)} ${t.sqlType}`).join(', ')})`,
    );
    for (const row of rows) {
      await database.client.query(
        `INSERT INTO public."Patients" VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
        COLUMNS.map((c) => sqlText(c, row[c.name])),
      );
    }
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("maps the table's columns to the Arrow types the cases assume (the connector's GetTable)", async () => {
    const connector = createAuroraConnector({ env: database.env });
    try {
      const table = await engineFor(connector).getTable({ schemaName: 'public', tableName: 'patients' });
      expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(
        COLUMNS.map((c) => `${c.name}:${String(c.field.type)}`),
      );
    } finally {
      await connector.close();
    }
  });

  it('stores and reads back every value as Athena reads it (the oracle sees the same rows)', async () => {
    const read = await database.client.query<Record<string, string | null>>(
      'SELECT * FROM public."Patients" ORDER BY id',
    );
    expect(
      read.rows.map((r) => Object.fromEntries(COLUMNS.map((c) => [c.name, fromText(c, r[c.name] ?? null)]))),
    ).toEqual(rows);
  });

  it('keeps every row Athena keeps for 400 random constraints, and exactly those (in order) when exact', async () => {
    const tally = { cases: 0, athenaFailures: 0, exact: 0, limited: 0, ordered: 0, loose: 0 };
    for (let i = 0; i < 400; i++) {
      const summary: Record<string, ValueSet> = {};
      for (const c of [pick(COLUMNS), pick(COLUMNS)].slice(0, Math.floor(random() * 3)))
        summary[c.name] = randomValueSet(c);
      const expression = Array.from({ length: Math.floor(random() * 3) }, () => randomExpression(2));
      const orderByClause: OrderByField[] = chance(0.4)
        ? Array.from({ length: 1 + Math.floor(random() * 2) }, () => ({
            columnName: pick(COLUMNS).name,
            direction: pick(DIRECTIONS),
          }))
        : [];
      const limit = chance(0.5) ? BigInt(Math.floor(random() * 8)) : -1n;
      const constraints = { ...makeConstraints({ summary, expression, orderByClause }), limit };
      const label = JSON.stringify({ case: i, summary: Object.keys(summary), orderByClause, limit: String(limit) });

      const evaluator = createConstraintEvaluator(SCHEMA, summary);
      let keptByAthena: boolean[];
      try {
        keptByAthena = rows.map(
          (row, r) => evaluator.rowMatches(batch, r) && expression.every((e) => evaluateExpression(e, row) === true),
        );
      } catch (error) {
        if (!(error instanceof AthenaQueryFailure)) throw error;
        // Athena itself fails this query (an overflow, say): nothing to compare.
        tally.athenaFailures++;
        continue;
      }
      tally.cases++;
      const statement = buildSelect(postgresDialect, {
        schemaName: 'public',
        tableName: 'Patients',
        columns: COLUMNS,
        tableColumns: COLUMNS,
        constraints,
        splitPredicates: [],
      });
      const result = await database.client.query<Record<string, string | null>>(statement.sql, [...statement.params]);
      const read = result.rows.map((r) => Number(r['id']));
      // Core re-checks the summary on every row; Athena filters expressions unless the pushdown is exact.
      let kept = read.filter(
        (id) =>
          evaluator.rowMatches(batch, id) &&
          (statement.exactPushdown || expression.every((e) => evaluateExpression(e, rows[id] ?? {}) === true)),
      );
      const expected = rows.filter((_, r) => keptByAthena[r]).map((row) => row['id'] as number);
      if (limit >= 0n) kept = kept.slice(0, Number(limit));
      const limitInSql = / LIMIT \$\d+$/.test(statement.sql);
      if (statement.exactPushdown) tally.exact++;
      else tally.loose++;
      if (limitInSql) tally.limited++;

      if (limit < 0n || !statement.exactPushdown) {
        // The whole split is read: it must hold every row Athena keeps.
        expect(limitInSql, label).toBe(false);
        const readAll =
          limit < 0n
            ? kept
            : read.filter(
                (id) =>
                  evaluator.rowMatches(batch, id) &&
                  expression.every((e) => evaluateExpression(e, rows[id] ?? {}) === true),
              );
        expect(new Set(readAll), `${label}\n${statement.sql}`).toEqual(new Set(expected));
        continue;
      }
      // Exact: core stops at the limit, so the first `limit` rows must be rows Athena keeps …
      expect(kept.length, `${label}\n${statement.sql}`).toBe(Math.min(Number(limit), expected.length));
      for (const id of kept)
        expect(keptByAthena[id], `${label}: row ${id} is not one Athena keeps\n${statement.sql}`).toBe(true);
      if (orderByClause.length > 0) {
        // … and under a top-N, Athena's first rows (rows that tie may come in any order).
        tally.ordered++;
        const order = athenaOrder(orderByClause);
        const sortedExpected = expected
          .map((id) => rows[id] ?? {})
          .sort(order)
          .slice(0, Number(limit));
        const keys = (list: readonly Record<string, unknown>[]) =>
          list.map((row) => orderByClause.map((f) => String(row[f.columnName] ?? 'NULL')).join('|'));
        expect(keys(kept.map((id) => rows[id] ?? {})), `${label}\n${statement.sql}`).toEqual(keys(sortedExpected));
      }
    }
    // The comparison must have exercised every path: exact and loose pushdowns, LIMIT and top-N in SQL.
    expect(tally.cases).toBeGreaterThan(300);
    expect(tally.exact).toBeGreaterThan(50);
    expect(tally.loose).toBeGreaterThan(50);
    expect(tally.limited).toBeGreaterThan(20);
    expect(tally.ordered).toBeGreaterThan(10);
  });
});
