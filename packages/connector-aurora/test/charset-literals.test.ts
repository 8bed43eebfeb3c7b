/**
 * String literals a column's character set cannot hold, against the real MariaDB. `s IN ('abc', '🎉')`
 * on a latin1 or utf8mb3 column failed with ER_CANT_AGGREGATE_3COLLATIONS; a dynamic filter built
 * from a utf8mb4 table hits that. No literal Athena can send may fail a query: one no stored value
 * can equal matches nothing, and every filter here — summary lists and ranges, V4 comparisons, IN,
 * LIKE, NULLIF, ORDER BY … LIMIT — returns exactly Athena's rows (code point comparison, no collation).
 */
import { readValue, StandardFunctionNames as F } from '@athena-federation/connector-core';
import type { FederationExpression, OrderByField, ValueSet } from '@athena-federation/connector-core';
import type { Table } from 'apache-arrow';
import { compareByCodePoint } from '@athena-federation/connector-core/testing';
import { Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { evaluate } from './support/expression-oracle.js';
import { call, column, constant, predicate } from './support/expressions.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';
import { inList, ranges } from './support/value-sets.js';

const TEXT = new Utf8();
/** Column name → its definition; every one holds the same values, as far as its character set can. */
const COLUMNS: Readonly<Record<string, string>> = {
  l: 'VARCHAR(20) CHARACTER SET latin1',
  lcs: 'VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_general_cs',
  lt: 'TEXT CHARACTER SET latin1',
  lc: 'CHAR(5) CHARACTER SET latin1',
  m3: 'VARCHAR(20) CHARACTER SET utf8mb3',
  m3t: 'TINYTEXT CHARACTER SET utf8mb3',
  a: 'VARCHAR(20) CHARACTER SET ascii',
  u2: 'VARCHAR(20) CHARACTER SET ucs2',
  gb: 'VARCHAR(20) CHARACTER SET gbk',
  m4: 'VARCHAR(20) CHARACTER SET utf8mb4',
  le: "ENUM('abc', 'é', '€', 'x') CHARACTER SET latin1",
};
/** Stored values: case and accent variants (equal under the default collations), latin1's cp1252 extras. */
const VALUES = ['abc', 'ABC', 'abc ', 'é', 'e', 'É', '€', 'ÿ', '\u0081', '', 'a b', 'x', null];
/** Literals: the stored ones, and ones some column cannot hold — above U+FFFF, CJK, U+0080 (no latin1 byte), NUL, too long. */
const LITERALS = [
  'abc',
  'é',
  '€',
  '\u0081',
  '',
  'abc ',
  '🎉',
  '中',
  '\u0080',
  'a\u0000b',
  'é🎉',
  'ÿ',
  'x'.repeat(30),
  '😀'.repeat(10),
];

let db: TestDatabase;
let connector: AuroraConnector;
let stored: Record<string, unknown>[] = [];

/** Each column's character set, as the server converts to it. */
const CHARSETS: Readonly<Record<string, string>> = {
  l: 'latin1',
  lcs: 'latin1',
  lt: 'latin1',
  lc: 'latin1',
  m3: 'utf8mb3',
  m3t: 'utf8mb3',
  a: 'ascii',
  u2: 'ucs2',
  gb: 'gbk',
  m4: 'utf8mb4',
  le: 'latin1',
};

/** What `column` holds for `value`: a value its character set cannot hold (asked of the server) is stored as NULL. */
async function storable(name: string, value: string | null): Promise<string | null> {
  if (value === null) return null;
  if (name === 'le' && !['abc', 'é', '€'].includes(value)) return null;
  const [rows] = await db.pool.query(
    `SELECT CONVERT(CONVERT(? USING ${CHARSETS[name] ?? ''}) USING utf8mb4) = ? COLLATE utf8mb4_bin AS same`,
    [value, value],
  );
  return Number((rows as { same: number | string }[])[0]?.same) === 1 ? value : null;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  const names = Object.keys(COLUMNS);
  await db.pool.query(
    `CREATE TABLE texts (id INT PRIMARY KEY, ${names
      .map((n) => `\`${n}\` ${COLUMNS[n]} NULL, KEY (\`${n}\`(5))`)
      .join(', ')
      .replace(/KEY \(`le`\(5\)\)/, 'KEY (`le`)')
      .replace(/KEY \(`lc`\(5\)\)/, 'KEY (`lc`)')})`,
  );
  const rows = await Promise.all(
    VALUES.map(async (v, i) => [i + 1, ...(await Promise.all(names.map((n) => storable(n, v))))]),
  );
  await db.pool.query('INSERT INTO texts VALUES ?', [rows]);
  connector = createAuroraConnector({ env: db.env });
  stored = rowsOf((await engineFor(connector).scan({ schemaName: db.name, tableName: 'texts' })).table);
  // The fixture is what Athena reads: CHAR drops trailing spaces, everything else is as inserted.
  expect(stored.map((r) => r['l'])).toEqual(VALUES);
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

function rowsOf(table: Table): Record<string, unknown>[] {
  return table.batches
    .flatMap((batch) =>
      Array.from({ length: batch.numRows }, (_, r) =>
        Object.fromEntries(
          batch.schema.fields.map((f, c) => [f.name, readValue(batch.getChildAt(c) ?? (undefined as never), r)]),
        ),
      ),
    )
    .sort((x, y) => Number(x['id']) - Number(y['id']));
}

async function ids(constraints: {
  summary?: Record<string, ValueSet>;
  expression?: FederationExpression[];
  limit?: bigint;
  orderByClause?: OrderByField[];
}): Promise<number[]> {
  const rows = rowsOf(
    (await engineFor(connector).scan({ schemaName: db.name, tableName: 'texts' }, { constraints })).table,
  );
  return rows.map((r) => Number(r['id']));
}

const idsWhere = (keep: (row: Record<string, unknown>) => boolean) => stored.filter(keep).map((r) => Number(r['id']));

describe.each(Object.keys(COLUMNS))('literals on column %s', (name) => {
  it('IN lists with literals the character set cannot hold match exactly the rows holding the others', async () => {
    for (const literals of [['abc', '🎉'], ['🎉'], ['中', '\u0080'], LITERALS, ['é', 'a\u0000b', '']]) {
      expect(await ids({ summary: { [name]: inList(TEXT, literals) } }), JSON.stringify(literals)).toEqual(
        idsWhere((r) => literals.includes(r[name] as string)),
      );
      expect(await ids({ summary: { [name]: inList(TEXT, literals, true) } }), JSON.stringify(literals)).toEqual(
        idsWhere((r) => r[name] === null || literals.includes(r[name] as string)),
      );
      const points = ranges(
        TEXT,
        literals.map((v) => ({ low: v, high: v })),
      );
      expect(await ids({ summary: { [name]: points }, limit: 2n }), JSON.stringify(literals)).toEqual(
        idsWhere((r) => literals.includes(r[name] as string)).slice(0, 2),
      );
    }
  });

  it('ranges, V4 comparisons, IN, LIKE and NULLIF with such literals return Athena’s rows', async () => {
    const cases: {
      label: string;
      constraints: { summary?: Record<string, ValueSet>; expression?: FederationExpression[] };
      keep: (r: Record<string, unknown>) => boolean;
    }[] = [];
    // The literals each character set cannot hold, beside ones it can (the differential test covers the rest).
    for (const literal of ['abc', 'é', '€', '🎉', '中', '\u0080', 'a\u0000b', '😀'.repeat(10)]) {
      const cmp = (r: Record<string, unknown>) =>
        r[name] === null ? null : compareByCodePoint(r[name] as string, literal);
      cases.push({
        label: `summary >= ${literal}`,
        constraints: { summary: { [name]: ranges(TEXT, [{ low: literal }]) } },
        keep: (r) => (cmp(r) ?? -1) >= 0,
      });
      for (const op of [F.equal, F.lessThan, F.isDistinctFrom]) {
        const expression = predicate(op, column(name, TEXT), constant(TEXT, literal));
        cases.push({
          label: `${op} ${literal}`,
          constraints: { expression: [expression] },
          keep: (r) => evaluate(expression, r) === true,
        });
      }
      const like = predicate(F.likePattern, column(name, TEXT), constant(TEXT, `%${literal}%`));
      cases.push({
        label: `LIKE %${literal}%`,
        constraints: { expression: [like] },
        keep: (r) => evaluate(like, r) === true,
      });
      const nullIf = predicate(F.isNull, call(F.nullIf, TEXT, column(name, TEXT), constant(TEXT, literal)));
      cases.push({
        label: `NULLIF(_, ${literal}) IS NULL`,
        constraints: { expression: [nullIf] },
        keep: (r) => evaluate(nullIf, r) === true,
      });
    }
    const list = predicate(F.in, column(name, TEXT), call(F.array, TEXT, ...LITERALS.map((v) => constant(TEXT, v))));
    cases.push({ label: 'IN $array', constraints: { expression: [list] }, keep: (r) => evaluate(list, r) === true });
    for (const { label, constraints, keep } of cases) expect(await ids(constraints), label).toEqual(idsWhere(keep));
  });

  it('a dynamic filter of 70,000 values, and a literal of 1 MiB, match exactly', async () => {
    const many = Array.from({ length: 70_000 }, (_, i) => (i === 35_000 ? 'é' : `k${i}🎉`));
    expect(await ids({ summary: { [name]: inList(TEXT, many) } })).toEqual(idsWhere((r) => r[name] === 'é'));
    const long = 'é'.repeat(1 << 20);
    expect(await ids({ summary: { [name]: inList(TEXT, [long, 'abc']) } })).toEqual(idsWhere((r) => r[name] === 'abc'));
  });

  it.each(['ASC_NULLS_LAST', 'DESC_NULLS_FIRST'] as const)(
    'ORDER BY %s LIMIT 4 under an IN filter is Athena’s top 4',
    async (direction) => {
      const literals = ['abc', 'ABC', 'é', '🎉', '€', 'e', '中'];
      const rows = rowsOf(
        (
          await engineFor(connector).scan(
            { schemaName: db.name, tableName: 'texts' },
            {
              constraints: {
                summary: { [name]: inList(TEXT, literals, true) },
                orderByClause: [
                  { columnName: name, direction },
                  { columnName: 'id', direction: 'ASC_NULLS_LAST' },
                ],
                limit: 4n,
              },
            },
          )
        ).table,
      );
      const sign = direction.startsWith('DESC') ? -1 : 1;
      const order = (x: Record<string, unknown>, y: Record<string, unknown>) => {
        const a = x[name] as string | null;
        const b = y[name] as string | null;
        if (a === null || b === null)
          return a === b
            ? Number(x['id']) - Number(y['id'])
            : (a === null) === direction.endsWith('NULLS_FIRST')
              ? -1
              : 1;
        return sign * compareByCodePoint(a, b) || Number(x['id']) - Number(y['id']);
      };
      const keep = (r: Record<string, unknown>) => r[name] === null || literals.includes(r[name] as string);
      const expected = stored.filter(keep).sort(order).slice(0, 4);
      // Athena applies its own filter and top-N to what the splits return (each split's LIMIT is only pushed when exact).
      expect(
        rows
          .filter(keep)
          .sort(order)
          .slice(0, 4)
          .map((r) => r['id']),
      ).toEqual(expected.map((r) => r['id']));
    },
  );
});
