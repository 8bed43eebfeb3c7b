/**
 * SQL generation without a database: identifier quoting, every value bound as `?`, value sets →
 * WHERE, the superset rule for what cannot be pushed exactly, and when LIMIT is safe.
 */
import { StandardFunctionNames } from '@athena-federation/connector-core';
import { makeConstraints } from '@athena-federation/connector-core/testing';
import { Bool, DateDay, DateMillisecond, Decimal, Float64, Int32, Int64, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { buildSelect, quoteIdentifier, valueSetPredicate } from '../src/aurora-sql.js';
import { stringList } from '../src/aurora-strings.js';
import { type MappedColumn, mapColumn } from '../src/aurora-types.js';
import { call, column, constant, predicate } from './support/expressions.js';
import { equals, inList, ranges } from './support/value-sets.js';

const col = (
  name: string,
  dataType: string,
  columnType = dataType,
  precision: number | null = null,
  scale: number | null = null,
): MappedColumn =>
  mapColumn(
    { name, dataType, columnType, numericPrecision: precision, numericScale: scale, nullable: true },
    { decimalOverflow: 'error' },
    't',
  );

/** A character column as information_schema describes it. */
const text = (
  name: string,
  columnType: string,
  characterSet: string | null,
  maxChars: number,
  maxBytes: number,
): MappedColumn =>
  mapColumn(
    {
      name,
      dataType: columnType.replace(/\(.*/, ''),
      columnType,
      numericPrecision: null,
      numericScale: null,
      nullable: true,
      text: { characterSet, maxChars, maxBytes },
    },
    { decimalOverflow: 'error' },
    't',
  );

describe('quoteIdentifier', () => {
  it('wraps in backticks and doubles embedded ones', () => {
    expect(quoteIdentifier('a`b')).toBe('`a``b`');
    expect(quoteIdentifier("x'; DROP TABLE t; --")).toBe("`x'; DROP TABLE t; --`");
  });
  it('refuses NUL', () => {
    expect(() => quoteIdentifier('a\u0000b')).toThrow(/NUL/);
  });
});

describe('valueSetPredicate', () => {
  const id = col('id', 'int');
  it('binds ranges with casts and never inlines values', () => {
    const p = valueSetPredicate(id, ranges(new Int32(), [{ low: 1, high: 10, highInclusive: false }, { low: 20 }]));
    expect(p).toEqual({
      sql: '((`id` >= CAST(? AS SIGNED) AND `id` < CAST(? AS SIGNED)) OR (`id` >= CAST(? AS SIGNED)))',
      params: ['1', '10', '20'],
      exact: true,
    });
  });
  it('turns point ranges into IN and keeps NULL when allowed', () => {
    const p = valueSetPredicate(
      id,
      ranges(
        new Int32(),
        [
          { low: 3, high: 3 },
          { low: 5, high: 5 },
        ],
        true,
      ),
    );
    expect(p).toEqual({
      sql: '(`id` IS NULL OR `id` IN (CAST(? AS SIGNED), CAST(? AS SIGNED)))',
      params: ['3', '5'],
      exact: true,
    });
  });
  it('keeps int64 and unsigned-bigint literals exact', () => {
    expect(valueSetPredicate(col('b', 'bigint'), equals(new Int64(), 9223372036854775807n))?.params).toEqual([
      '9223372036854775807',
    ]);
    const u = valueSetPredicate(
      col('u', 'bigint', 'bigint(20) unsigned'),
      equals(new Decimal(0, 20, 128), '18446744073709551615'),
    );
    expect(u).toEqual({ sql: '`u` IN (CAST(? AS DECIMAL(65,0)))', params: ['18446744073709551615'], exact: true });
  });
  it('pushes string equality (loosely, for collations) but not string ranges', () => {
    const s = text('s', 'varchar(10)', 'utf8mb4', 10, 40);
    expect(valueSetPredicate(s, inList(new Utf8(), ["a'b", 'c`d']))).toEqual({
      sql: '`s` IN (?, ?)',
      params: ["a'b", 'c`d'],
      exact: false,
    });
    expect(valueSetPredicate(s, ranges(new Utf8(), [{ low: 'a', high: 'b' }]))).toEqual({
      sql: '`s` IS NOT NULL',
      params: [],
      exact: false,
    });
    expect(valueSetPredicate(s, ranges(new Utf8(), [{ low: 'a', high: 'b' }], true))).toBeUndefined();
  });
  it('drops literals the column cannot hold: characters outside its set, lone surrogates, too many characters or bytes', () => {
    const latin = text('l', 'varchar(5)', 'latin1', 5, 5);
    expect(valueSetPredicate(latin, inList(new Utf8(), ['abc', '🎉', '中', '\u0080', '€', 'abcdef']))).toEqual({
      sql: '`l` IN (?, ?)',
      params: ['abc', '€'],
      exact: false,
    });
    expect(valueSetPredicate(latin, inList(new Utf8(), ['🎉'], true))).toEqual({
      sql: '(`l` IS NULL OR 1 = 0)',
      params: [],
      exact: true,
    });
    const mb3 = text('m', 'tinytext', 'utf8mb3', 255, 255);
    expect(valueSetPredicate(mb3, inList(new Utf8(), ['é', '😀', 'é'.repeat(128), 'x'.repeat(255)]))?.params).toEqual([
      'é',
      'x'.repeat(255),
    ]);
    // Arrow blocks cannot carry one (core refuses to write it), but no literal of one reaches MySQL either.
    expect(stringList(mb3, '`m`', ['a\ud800', '\udc00', 'ok']).values).toEqual(['ok']);
  });
  it('compares a MySQL 8 JSON column as its text, not as JSON (a string literal would be a JSON string scalar)', () => {
    const json = mapColumn(
      {
        name: 'j',
        dataType: 'json',
        columnType: 'json',
        numericPrecision: null,
        numericScale: null,
        nullable: true,
        text: { characterSet: null, maxChars: null, maxBytes: null },
      },
      { decimalOverflow: 'error' },
      't',
    );
    expect(valueSetPredicate(json, inList(new Utf8(), ['{"k": 1}', '"s"']))).toEqual({
      sql: 'CAST(`j` AS CHAR) IN (?, ?)',
      params: ['{"k": 1}', '"s"'],
      exact: false,
    });
  });
  it('compares in utf8mb4 a column whose character set it does not know', () => {
    expect(valueSetPredicate(text('g', 'varchar(5)', 'gbk', 5, 10), inList(new Utf8(), ['中', '🎉']))).toEqual({
      sql: 'CONVERT(`g` USING utf8mb4) IN (?, ?)',
      params: ['中', '🎉'],
      exact: false,
    });
  });
  it('binds datetime bounds as half-open millisecond intervals', () => {
    const p = valueSetPredicate(col('t', 'datetime', 'datetime(3)'), equals(new DateMillisecond(), 1000));
    expect(p).toEqual({
      sql: '((`t` >= CAST(? AS DATETIME(3)) AND `t` < CAST(? AS DATETIME(3))))',
      params: ['1970-01-01 00:00:01.000', '1970-01-01 00:00:01.001'],
      exact: false,
    });
  });
  it('pushes only IS NOT NULL on DATETIME(6), which Athena reads as text', () => {
    expect(
      valueSetPredicate(col('t', 'datetime', 'datetime(6)'), equals(new Utf8(), '1970-01-01 00:00:01.000000')),
    ).toEqual({ sql: '`t` IS NOT NULL', params: [], exact: false });
  });
  it('never pushes IS NULL on dates, where zero dates are NULL to Athena', () => {
    expect(
      valueSetPredicate(col('d', 'date'), {
        '@type': 'AllOrNoneValueSet',
        type: { '@type': 'Date', unit: 'DAY' },
        all: false,
        nullAllowed: true,
      }),
    ).toBeUndefined();
    expect(valueSetPredicate(col('d', 'date'), equals(new DateDay(), 19_000))).toEqual({
      sql: '`d` IN (CAST(? AS DATE))',
      params: ['2022-01-08'],
      exact: false,
    });
  });
  it('reads booleans as Java does (TINYINT(1) 5 is true)', () => {
    expect(valueSetPredicate(col('f', 'tinyint', 'tinyint(1)'), equals(new Bool(), true))?.sql).toBe('`f` <> 0');
  });
  it('does not push float comparisons', () => {
    expect(valueSetPredicate(col('x', 'double'), equals(new Float64(), 0.5))).toEqual({
      sql: '`x` IS NOT NULL',
      params: [],
      exact: false,
    });
  });
});

describe('buildSelect', () => {
  const id = col('id', 'int');
  const name = col('na`me', 'varchar', 'varchar(9)');
  const base = {
    schemaName: 'd`b',
    tableName: 't',
    columns: [id, name],
    tableColumns: [id, name],
    splitPredicates: [],
  };
  it("selects dates and datetimes as they are (the wire decoder reads their binary form) and TIME as the server's text", () => {
    const columns = [
      col('d', 'date'),
      col('t', 'datetime', 'datetime(3)'),
      col('t6', 'datetime', 'datetime(6)'),
      col('at', 'time'),
    ];
    expect(buildSelect({ ...base, columns, tableColumns: columns, constraints: makeConstraints() }).sql).toBe(
      'SELECT `d`, `t`, `t6`, CAST(`at` AS CHAR) FROM `d``b`.`t`',
    );
  });
  it('quotes every identifier and adds LIMIT only when the filter is exact', () => {
    const exact = buildSelect({
      ...base,
      constraints: { ...makeConstraints({ summary: { id: equals(new Int32(), 1) } }), limit: 5n },
    });
    expect(exact).toEqual({
      sql: 'SELECT `id`, `na``me` FROM `d``b`.`t` WHERE `id` IN (CAST(? AS SIGNED)) LIMIT ?',
      params: ['1', '5'],
      exactPushdown: true,
    });
    const loose = buildSelect({
      ...base,
      constraints: { ...makeConstraints({ summary: { 'na`me': equals(new Utf8(), 'x') } }), limit: 5n },
    });
    expect(loose.sql).not.toContain('LIMIT');
  });
  it('sorts a top-N with NULLS FIRST/LAST spelled as ISNULL keys, strings by their bytes', () => {
    const topN = buildSelect({
      ...base,
      constraints: makeConstraints({
        orderByClause: [
          { columnName: 'ID', direction: 'DESC_NULLS_FIRST' },
          { columnName: 'na`me', direction: 'ASC_NULLS_LAST' },
        ],
        limit: 3n,
      }),
    });
    expect(topN).toEqual({
      sql: 'SELECT `id`, `na``me` FROM `d``b`.`t` ORDER BY ISNULL(`id`) DESC, `id` DESC, ISNULL(CAST(CONVERT(`na``me` USING utf8mb4) AS BINARY)) ASC, CAST(CONVERT(`na``me` USING utf8mb4) AS BINARY) ASC LIMIT ?',
      params: ['3'],
      exactPushdown: true,
    });
  });
  it('keeps ORDER BY but leaves LIMIT to core when the summary filter is loose', () => {
    const loose = buildSelect({
      ...base,
      constraints: makeConstraints({
        summary: { 'na`me': equals(new Utf8(), 'x') },
        orderByClause: [{ columnName: 'id', direction: 'ASC_NULLS_FIRST' }],
        limit: 3n,
      }),
    });
    expect(loose.sql).toMatch(/ORDER BY ISNULL\(`id`\) DESC, `id` ASC$/);
  });
  it('leaves a limit it cannot apply exactly to Athena: no LIMIT, and no exactness claimed to core', () => {
    const text = col('body', 'text');
    const untranslatable = predicate(
      StandardFunctionNames.greaterThan,
      column('x', new Float64()),
      constant(new Float64(), 1),
    );
    const filtered = buildSelect({
      ...base,
      tableColumns: [id, text],
      constraints: makeConstraints({ expression: [untranslatable], limit: 3n }),
    });
    expect(filtered).toEqual({ sql: 'SELECT `id`, `na``me` FROM `d``b`.`t`', params: [], exactPushdown: false });
    const sorted = buildSelect({
      ...base,
      tableColumns: [id, text],
      constraints: makeConstraints({ orderByClause: [{ columnName: 'body', direction: 'ASC_NULLS_LAST' }], limit: 3n }),
    });
    expect(sorted).toEqual({ sql: 'SELECT `id`, `na``me` FROM `d``b`.`t`', params: [], exactPushdown: false });
    // Without a limit, an untranslatable expression is simply left to Athena too.
    expect(
      buildSelect({ ...base, tableColumns: [id, text], constraints: makeConstraints({ expression: [untranslatable] }) })
        .sql,
    ).toBe('SELECT `id`, `na``me` FROM `d``b`.`t`');
    // What it can translate it claims: core may then stop at the limit.
    const translated = predicate(
      StandardFunctionNames.greaterThan,
      column('id', new Int32()),
      constant(new Int32(), 1),
    );
    expect(
      buildSelect({
        ...base,
        tableColumns: [id, text],
        constraints: makeConstraints({ expression: [translated], limit: 3n }),
      }).exactPushdown,
    ).toBe(true);
  });
  it('pushes expressions with every constant bound and every column quoted', () => {
    const hostile = "x' OR 1=1 -- `";
    const expression = predicate(
      StandardFunctionNames.or,
      predicate(StandardFunctionNames.equal, column('NA`ME', new Utf8()), constant(new Utf8(), hostile)),
      predicate(
        StandardFunctionNames.greaterThan,
        call(StandardFunctionNames.add, new Int32(), column('id', new Int32()), constant(new Int32(), 2)),
        constant(new Int32(), 7),
      ),
    );
    const statement = buildSelect({ ...base, constraints: makeConstraints({ expression: [expression], limit: 2n }) });
    expect(statement).toEqual({
      sql: 'SELECT `id`, `na``me` FROM `d``b`.`t` WHERE ((CAST(CONVERT(`na``me` USING utf8mb4) AS BINARY) = CAST(CONVERT(? USING utf8mb4) AS BINARY)) OR ((`id` + CAST(? AS SIGNED)) > CAST(? AS SIGNED))) LIMIT ?',
      params: [hostile, '2', '7', '2'],
      exactPushdown: true,
    });
  });
  it('pushes no predicate that would take a statement past 65,000 placeholders or 2 MiB, and then no LIMIT', () => {
    const many = buildSelect({
      ...base,
      constraints: {
        ...makeConstraints({
          summary: {
            id: inList(
              new Int32(),
              Array.from({ length: 70_000 }, (_, i) => i),
            ),
          },
        }),
        limit: 5n,
      },
    });
    expect(many).toEqual({ sql: 'SELECT `id`, `na``me` FROM `d``b`.`t`', params: [], exactPushdown: true });
    const long = text('long', 'longtext', 'utf8mb4', 4294967295, 4294967295);
    const big = buildSelect({
      ...base,
      tableColumns: [id, long],
      constraints: makeConstraints({
        summary: { long: inList(new Utf8(), ['x'.repeat(3 << 20)]), id: equals(new Int32(), 1) },
      }),
    });
    expect(big).toEqual({
      sql: 'SELECT `id`, `na``me` FROM `d``b`.`t` WHERE `id` IN (CAST(? AS SIGNED))',
      params: ['1'],
      exactPushdown: true,
    });
  });
  it('selects NULL when no column is projected', () => {
    expect(buildSelect({ ...base, columns: [], constraints: makeConstraints({}) }).sql).toBe(
      'SELECT NULL FROM `d``b`.`t`',
    );
  });
});
