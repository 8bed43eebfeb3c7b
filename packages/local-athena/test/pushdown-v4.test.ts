// V4 pushdown — expressions, LIMIT and top-N — against a connector that advertises them and applies
// them, compared with the same connector advertising nothing: pushdown may only change how many
// rows cross the wire, never the answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Constraints,
  type DataSourceCapabilities,
  type FederationExpression,
  createLambdaHandler,
  loadHandlerConfig,
  readValue,
} from '@athena-federation/connector-core';
import { ensureBucket } from '@athena-federation/connector-core/testing';
import { LocalAthena, type QueryResult } from '../src/index.js';
import { mixedRow, mixedTable } from '../../connector-core/test/support/reference-tables.js';
import { createPushdownConnector } from './support/pushdown-connector.js';

const bucket = 'local-athena-v4-spill';
const config = { ...loadHandlerConfig({}), spillBucket: bucket };
const tables = [mixedTable('patients', 400)];
const every = [
  '$and',
  '$or',
  '$not',
  '$is_null',
  '$negate',
  '$equal',
  '$not_equal',
  '$less_than',
  '$less_than_or_equal',
  '$greater_than',
  '$greater_than_or_equal',
  '$is_distinct_from',
  '$add',
  '$subtract',
  '$multiply',
  '$divide',
  '$modulus',
  '$like_pattern',
  '$in',
  '$array',
];
const capable: DataSourceCapabilities = {
  supports_filter_pushdown: [
    { subType: 'sorted_range_set', properties: [] },
    { subType: 'equatable_range_set', properties: [] },
    { subType: 'all_or_none_value_set', properties: [] },
    { subType: 'nullable_comparison', properties: [] },
  ],
  supports_complex_expression_pushdown: [{ subType: 'supported_function_expression_types', properties: every }],
  supports_limit_pushdown: [{ subType: 'integer_constant', properties: [] }],
  supports_top_n_pushdown: [{ subType: 'SUPPORTS_ORDER_BY', properties: [] }],
};
const withoutOr: DataSourceCapabilities = {
  supports_complex_expression_pushdown: [
    { subType: 'supported_function_expression_types', properties: every.filter((f) => f !== '$or') },
  ],
};

const pushing = createPushdownConnector(tables, capable);
const partial = createPushdownConnector(tables, withoutOr);
const plain = createPushdownConnector(tables, {});
let athena: LocalAthena;
let athenaPartial: LocalAthena;
let athenaPlain: LocalAthena;

beforeAll(async () => {
  await ensureBucket(bucket);
  const catalog = (c: typeof pushing) =>
    ({ ehr: { kind: 'handler', handler: createLambdaHandler(c.connector, { config }) } }) as const;
  athena = await LocalAthena.create({ catalogs: catalog(pushing) });
  athenaPartial = await LocalAthena.create({ catalogs: catalog(partial) });
  athenaPlain = await LocalAthena.create({ catalogs: catalog(plain) });
});
afterAll(async () => {
  await athena.close();
  await athenaPartial.close();
  await athenaPlain.close();
});

const rows = Array.from({ length: 400 }, (_, i) => mixedRow(i));
type Shape = string | number | boolean | bigint | null | Shape[];

/** An expression as nested arrays, e.g. ['$equal', ['var', 'region', 'Int'], ['const', 1]]. */
function shape(expression: FederationExpression): Shape {
  if (expression['@type'] === 'VariableExpression')
    return ['var', expression.columnName, expression.type['@type'] as string];
  if (expression['@type'] === 'ConstantExpression') {
    const column = expression.valueBlock.records.getChildAt(0);
    return [
      'const',
      ...Array.from({ length: expression.valueBlock.records.numRows }, (_, i) =>
        column === null ? null : (readValue(column, i) as Shape),
      ),
    ];
  }
  return [expression.functionName.functionName, ...expression.arguments.map(shape)];
}

/** Runs `sql` with and without pushdown; asserts the same answer and returns both runs and what the connector got. */
async function both(
  sql: string,
  on: LocalAthena = athena,
  log = pushing.reads,
): Promise<{ pushed: QueryResult; plainResult: QueryResult; sent: Constraints }> {
  log.length = 0;
  const pushed = await on.query(sql);
  const sent = log[0];
  plain.reads.length = 0;
  const plainResult = await athenaPlain.query(sql);
  expect(pushed.rows).toEqual(plainResult.rows);
  // The connector that advertises nothing gets the summary at most.
  expect(plain.reads.every((c) => c.expression.length === 0 && c.limit === -1n && c.orderByClause.length === 0)).toBe(
    true,
  );
  if (sent === undefined) throw new Error('the connector got no ReadRecords');
  return { pushed, plainResult, sent };
}

/** The bound and value of one end of the first range pushed for `column`. */
function firstRangeEnd(sent: Constraints, column: string, end: 'low' | 'high'): [string, unknown] {
  const set = sent.summary[column];
  if (set?.['@type'] !== 'SortedRangeSet')
    throw new Error(`${column} was not pushed as a range: ${JSON.stringify(set)}`);
  const marker = set.ranges[0]?.[end];
  const values = marker?.valueBlock.records.getChildAt(0);
  return [marker?.bound ?? 'none', values === null || values === undefined ? undefined : readValue(values, 0)];
}

const ids = (result: QueryResult) => result.rows.map((r) => r[0]);
const idsOf = (keep: (r: Record<string, unknown>) => boolean) =>
  rows
    .filter(keep)
    .map((r) => r['id'])
    .sort((a, b) => (BigInt(a as bigint) < BigInt(b as bigint) ? -1 : 1));

describe('V4 expression pushdown', () => {
  it('sends LIKE as $like_pattern and reads only the matching rows', async () => {
    const { pushed, sent } = await both("SELECT id FROM ehr.ehr.patients WHERE name LIKE 'patient-1_%' ORDER BY id");
    expect(sent.expression.map(shape)).toEqual([['$like_pattern', ['var', 'name', 'Utf8'], ['const', 'patient-1_%']]]);
    const expected = idsOf((r) => typeof r['name'] === 'string' && /^patient-1.+/su.test(r['name']));
    expect(ids(pushed)).toEqual(expected);
    expect(pushed.scans[0]?.rows).toBe(expected.length);
  });

  it('sends arithmetic in the column’s own type, and NOT LIKE as $not', async () => {
    const { pushed, sent } = await both(
      "SELECT id FROM ehr.ehr.patients WHERE region * 2 + 1 > 4 AND id % 3 = 1 AND name NOT LIKE '%é%' ORDER BY id",
    );
    expect(sent.expression.map(shape)).toEqual([
      ['$greater_than', ['$add', ['$multiply', ['var', 'region', 'Int'], ['const', 2]], ['const', 1]], ['const', 4]],
      ['$equal', ['$modulus', ['var', 'id', 'Int'], ['const', 3n]], ['const', 1n]],
      ['$not', ['$like_pattern', ['var', 'name', 'Utf8'], ['const', '%é%']]],
    ]);
    const expected = idsOf(
      (r) =>
        r['region'] !== null &&
        (r['region'] as number) * 2 + 1 > 4 &&
        (r['id'] as bigint) % 3n === 1n &&
        r['name'] !== null &&
        !(r['name'] as string).includes('é'),
    );
    expect(ids(pushed)).toEqual(expected);
    expect(pushed.scans[0]?.rows).toBe(expected.length);
  });

  it('sends OR, NOT, IN and IS NULL across columns that the summary cannot express', async () => {
    const { pushed, sent } = await both(
      'SELECT id FROM ehr.ehr.patients WHERE (region IN (1, 2) OR active) AND NOT (score > 3 OR name IS NULL) ORDER BY id',
    );
    expect(sent.expression.map(shape)).toEqual([
      [
        '$or',
        ['$in', ['var', 'region', 'Int'], ['$array', ['const', 1, 2]]],
        ['$equal', ['var', 'active', 'Bool'], ['const', true]],
      ],
      [
        '$not',
        [
          '$or',
          ['$greater_than', ['var', 'score', 'FloatingPoint'], ['const', 3]],
          ['$is_null', ['var', 'name', 'Utf8']],
        ],
      ],
    ]);
    const expected = idsOf(
      (r) =>
        (r['region'] === 1 || r['region'] === 2 || r['active'] === true) &&
        r['score'] !== null &&
        (r['score'] as number) <= 3 &&
        r['name'] !== null,
    );
    expect(ids(pushed)).toEqual(expected);
    expect(pushed.scans[0]?.rows).toBe(expected.length);
  });

  it('sends only functions the connector advertises', async () => {
    const { pushed, sent } = await both(
      "SELECT id FROM ehr.ehr.patients WHERE (region = 1 OR active) AND name LIKE '%9' ORDER BY id",
      athenaPartial,
      partial.reads,
    );
    expect(sent.expression.map(shape)).toEqual([['$like_pattern', ['var', 'name', 'Utf8'], ['const', '%9']]]);
    expect(ids(pushed)).toEqual(
      idsOf(
        (r) => (r['region'] === 1 || r['active'] === true) && typeof r['name'] === 'string' && r['name'].endsWith('9'),
      ),
    );
  });

  it('keeps what it cannot say exactly in DuckDB: integer division, rounding casts, date arithmetic', async () => {
    const score = (r: Record<string, unknown>) => r['score'] as number | null;
    const may2 = Date.UTC(2019, 4, 2) / 86_400_000;
    const cases: [string, (r: Record<string, unknown>) => boolean][] = [
      // Athena's `/` on integers truncates (3 / 2 = 1), a source's may not (MySQL's is a fraction).
      ['region / 2 = 1', (r) => r['region'] === 2 || r['region'] === 3],
      // CAST rounds: 1.5 <= score < 2.5 (scores are sevenths, never exactly .5).
      [
        'CAST(score AS INTEGER) = 2',
        (r) => score(r) !== null && (score(r) as number) >= 1.5 && (score(r) as number) < 2.5,
      ],
      // A date column compares with a timestamp as midnight, so 12:00 has no exact date.
      [
        "day > TIMESTAMP '2019-05-01 00:00:00' + INTERVAL '36' HOUR",
        (r) => r['day'] !== null && (r['day'] as number) > may2,
      ],
      // current_date is not a constant of the query text.
      ['day < current_date', (r) => r['day'] !== null],
      // Past 2^53 the parser's JSON is no longer exact.
      ['id <> 9007199254740993', () => true],
      ['amount <> 12345678901234567890.12', (r) => r['amount'] !== null],
      // BIGINT against DOUBLE compares as doubles: 1e0 * id is not an exact integer comparison.
      ['id >= 1000003e0', (r) => (r['id'] as bigint) >= 1000003n],
    ];
    for (const [where, keep] of cases) {
      const { pushed, sent } = await both(`SELECT id FROM ehr.ehr.patients WHERE ${where} ORDER BY id`);
      expect(sent.expression, where).toEqual([]);
      expect(sent.summary, where).toEqual({});
      const expected = idsOf(keep);
      expect(expected.length, where).toBeGreaterThan(0);
      expect(ids(pushed), where).toEqual(expected);
    }
  });

  it('folds constant date arithmetic into the summary when the result is an exact date', async () => {
    const { pushed, sent } = await both(
      "SELECT id FROM ehr.ehr.patients WHERE day >= DATE '2020-01-31' - INTERVAL '30' DAY ORDER BY id",
    );
    // 2020-01-01 is day 18262 since the epoch.
    expect(firstRangeEnd(sent, 'day', 'low')).toEqual(['EXACTLY', 18262]);
    const expected = idsOf((r) => r['day'] !== null && (r['day'] as number) >= 18262);
    expect(ids(pushed)).toEqual(expected);
    expect(pushed.scans[0]?.rows).toBe(expected.length);
  });

  it('pushes a rounding cast of a constant as the value DuckDB computes, not the text', async () => {
    // CAST(2.7 AS INTEGER) is 3; pushing `score < 2.7` would lose the scores 2.71 and 2.86.
    const { pushed, sent } = await both(
      'SELECT id FROM ehr.ehr.patients WHERE score < CAST(2.7 AS INTEGER) ORDER BY id',
    );
    expect(firstRangeEnd(sent, 'score', 'high')).toEqual(['BELOW', 3]);
    const expected = idsOf((r) => r['score'] !== null && (r['score'] as number) < 3);
    expect(rows.some((r) => r['score'] !== null && (r['score'] as number) >= 2.7 && (r['score'] as number) < 3)).toBe(
      true,
    );
    expect(ids(pushed)).toEqual(expected);
  });

  it('does not push a conjunct that mixes two tables', async () => {
    const { sent } = await both(
      'SELECT count(*) FROM ehr.ehr.patients p, (SELECT 1 AS one) o WHERE p.region + o.one = 2 OR p.active',
    );
    expect(sent.expression).toEqual([]);
  });
});

describe('LIMIT and top-N pushdown', () => {
  it('pushes LIMIT into a plain scan (per split; DuckDB cuts the total)', async () => {
    const { pushed, sent } = await both('SELECT count(*) FROM (SELECT id FROM ehr.ehr.patients LIMIT 5)');
    expect(sent.limit).toBe(5n);
    expect(pushed.rows).toEqual([[5n]]);
    expect(pushed.scans[0]?.splits).toBe(3);
    expect(pushed.scans[0]?.rows).toBe(15);
    expect(pushed.scans[0]?.pushed.limit).toBe(5n);
  });

  it('pushes LIMIT + OFFSET when the whole WHERE clause is in the summary', async () => {
    const { pushed, sent } = await both(
      'SELECT count(*) FROM (SELECT id FROM ehr.ehr.patients WHERE region = 1 AND score IS NOT NULL OFFSET 2 LIMIT 4)',
    );
    expect(sent.limit).toBe(6n);
    expect(Object.keys(sent.summary).sort()).toEqual(['region', 'score']);
    expect(pushed.rows).toEqual([[4n]]);
  });

  it('does not push LIMIT past a filter DuckDB still has to apply, an aggregate, DISTINCT or a join', async () => {
    for (const sql of [
      "SELECT count(*) FROM (SELECT id FROM ehr.ehr.patients WHERE name LIKE 'patient-2%' LIMIT 3)",
      'SELECT count(*) FROM (SELECT id FROM ehr.ehr.patients WHERE region <> 1 AND region <> 2 LIMIT 3)',
      'SELECT count(*) FROM (SELECT region, count(*) FROM ehr.ehr.patients GROUP BY region LIMIT 2)',
      'SELECT count(*) FROM (SELECT DISTINCT region FROM ehr.ehr.patients LIMIT 2)',
      'SELECT count(*) FROM (SELECT p.id FROM ehr.ehr.patients p JOIN (SELECT 1 AS r) x ON p.region = x.r LIMIT 3)',
    ]) {
      const { sent } = await both(sql);
      expect(sent.limit, sql).toBe(-1n);
    }
  });

  it('does not push LIMIT when the connector does not advertise it', async () => {
    partial.reads.length = 0;
    await athenaPartial.query('SELECT id FROM ehr.ehr.patients LIMIT 5');
    expect(partial.reads.map((c) => c.limit)).toEqual([-1n, -1n, -1n]);
  });

  it('pushes ORDER BY … LIMIT as top-N and gets the same first rows', async () => {
    const { pushed, sent } = await both(
      'SELECT id, score FROM ehr.ehr.patients ORDER BY score DESC NULLS FIRST, id LIMIT 7',
    );
    expect(sent.limit).toBe(7n);
    expect(sent.orderByClause).toEqual([
      { columnName: 'score', direction: 'DESC_NULLS_FIRST' },
      { columnName: 'id', direction: 'ASC_NULLS_LAST' },
    ]);
    expect(pushed.scans[0]?.rows).toBe(21);
    const expected = [...rows].sort((a, b) => {
      const [x, y] = [a['score'] as number | null, b['score'] as number | null];
      if (x !== y) return x === null ? -1 : y === null ? 1 : y - x;
      return (a['id'] as bigint) < (b['id'] as bigint) ? -1 : 1;
    });
    expect(pushed.rows.map((r) => r[0])).toEqual(expected.slice(0, 7).map((r) => r['id']));
  });

  it('does not push top-N when ORDER BY names a computed select-list alias', async () => {
    const { sent } = await both('SELECT -score AS score, id FROM ehr.ehr.patients ORDER BY score, id LIMIT 3');
    expect(sent.limit).toBe(-1n);
    expect(sent.orderByClause).toEqual([]);
  });
});

describe('joins that filtering first would change', () => {
  it('does not push IS NULL into the NULL-filling side of an outer join', async () => {
    // 1 matches region-1 patients, 99 matches none: only the 99 row has a NULL patient id.
    const { pushed, sent } = await both(
      'SELECT a.r FROM (VALUES (1), (99)) a(r) LEFT JOIN ehr.ehr.patients p ON p.region = a.r WHERE p.id IS NULL',
    );
    expect(pushed.rows).toEqual([[99]]);
    expect(sent.summary['id']).toBeUndefined();
    expect(sent.expression).toEqual([]);
  });

  it('still pushes NULL-rejecting conjuncts into that side', async () => {
    const { pushed, sent } = await both(
      'SELECT count(*) FROM (VALUES (1), (2)) a(r) LEFT JOIN ehr.ehr.patients p ON p.region = a.r WHERE p.score > 3',
    );
    expect(Object.keys(sent.summary)).toEqual(['score']);
    expect(pushed.rows).toEqual([
      [
        BigInt(
          rows.filter(
            (r) => (r['region'] === 1 || r['region'] === 2) && r['score'] !== null && (r['score'] as number) > 3,
          ).length,
        ),
      ],
    ]);
  });

  it('refuses an ASOF join, which Athena does not have, before any connector is asked', async () => {
    pushing.reads.length = 0;
    await expect(
      athena.query(
        'SELECT count(*) FROM (SELECT 5 AS r) a ASOF JOIN ehr.ehr.patients p ON a.r >= p.region WHERE p.region = 1',
      ),
    ).rejects.toThrow(/^line 1:40: /);
    expect(pushing.reads).toHaveLength(0);
  });
});
