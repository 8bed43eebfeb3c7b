/**
 * Injection corpus against the real MariaDB: table, column and constant values full of backticks,
 * quotes, backslashes, comment markers, semicolons, NUL and unicode travel through name resolution,
 * summary constraints, V4 expressions (=, IN, LIKE, NULLIF), top-N ORDER BY and split reads. Results must be correct and the canary table untouched.
 */
import { Int32, Utf8 } from 'apache-arrow';
import { StandardFunctionNames as F, readValue } from '@athena-federation/connector-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector, quoteIdentifier } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';
import { call, column, constant, predicate } from './support/expressions.js';
import { equals, inList, ranges } from './support/value-sets.js';

/** Hostile strings: each is stored as data and asked for as a constant. */
const CORPUS = [
  "'; DROP TABLE canary; --",
  '"; DROP TABLE canary; --',
  '`; DROP TABLE canary; --',
  "\\'; DROP TABLE canary; #",
  "x' OR '1'='1",
  'a\\',
  '/* comment */ 1',
  '-- not a comment',
  ';;;',
  'nul\u0000byte',
  'ünï`cødé 😀',
  '\\\\\'\\"`',
  '%_%',
];

/** Hostile identifiers (MySQL forbids NUL, trailing spaces and characters beyond the BMP in names). */
const TABLE = 'ev`il\'"\\;-- /*x*/ Tbl ünï€';
const COLUMN = 'co`l\'"\\;--/**/';

let db: TestDatabase;
let connector: AuroraConnector;

async function canaryRows(): Promise<number> {
  const [rows] = await db.pool.query('SELECT COUNT(*) AS n FROM canary');
  return Number((rows as { n: number | string }[])[0]?.n);
}

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  await db.pool.query('CREATE TABLE canary (id INT PRIMARY KEY)');
  await db.pool.query('INSERT INTO canary VALUES (1), (2), (3)');
  await db.pool.query(
    `CREATE TABLE ${quoteIdentifier(TABLE)} (id INT PRIMARY KEY, ${quoteIdentifier(COLUMN)} VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)`,
  );
  await db.pool.query(`INSERT INTO ${quoteIdentifier(TABLE)} VALUES ?`, [CORPUS.map((text, i) => [i + 1, text])]);
  connector = createAuroraConnector({ env: db.env });
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

describe('injection corpus', () => {
  const table = () => ({ schemaName: db.name, tableName: TABLE.toLowerCase() });

  it('lists and describes a table whose name and column are hostile', async () => {
    const d = engineFor(connector);
    const tables = await d.listTables(db.name);
    expect(tables.map((t) => t.tableName)).toContain(TABLE.toLowerCase());
    const response = await d.getTable(table());
    expect(response.schema.fields.map((f) => f.name)).toEqual(['id', COLUMN]);
  });

  it('reads every hostile value back exactly', async () => {
    const result = await engineFor(connector).scan(table());
    const values = result.table.batches.flatMap((b) =>
      Array.from({ length: b.numRows }, (_, i) => readValue(b.getChild(COLUMN) ?? (undefined as never), i)),
    );
    expect(values.sort()).toEqual([...CORPUS].sort());
  });

  it.each(CORPUS.map((text, i) => [i + 1, text] as const))(
    'finds row %i by its hostile constant (= and IN)',
    async (id, text) => {
      for (const set of [equals(new Utf8(), text), inList(new Utf8(), [text, "' OR 1=1 --"])]) {
        const result = await engineFor(connector).scan(table(), { constraints: { summary: { [COLUMN]: set } } });
        expect(result.table.numRows).toBe(1);
        expect(readValue(result.table.batches[0]?.getChild('id') ?? (undefined as never), 0)).toBe(id);
      }
      expect(await canaryRows()).toBe(3);
    },
  );

  it.each(CORPUS.map((text, i) => [i + 1, text] as const))(
    'finds row %i by its hostile constant through expressions (=, IN, LIKE, NULLIF)',
    async (id, text) => {
      const value = column(COLUMN, new Utf8());
      const literal = (t: string) => constant(new Utf8(), t);
      // The constant as a LIKE pattern without wildcards, escaped with '#'.
      const pattern = [...text].map((c) => (c === '%' || c === '_' || c === '#' ? `#${c}` : c)).join('');
      const expressions = [
        predicate(F.equal, value, literal(text)),
        predicate(F.in, value, constant(new Utf8(), [text, "' OR 1=1 --"])),
        predicate(F.likePattern, value, literal(pattern), literal('#')),
        predicate(F.isNull, call(F.nullIf, new Utf8(), value, literal(text))),
      ];
      for (const expression of expressions) {
        const result = await engineFor(connector).scan(table(), {
          constraints: { expression: [expression], limit: 5n },
        });
        expect(result.table.numRows, JSON.stringify(expression)).toBe(1);
        expect(readValue(result.table.batches[0]?.getChild('id') ?? (undefined as never), 0)).toBe(id);
      }
      expect(await canaryRows()).toBe(3);
    },
  );

  it('sorts hostile values for a top-N by code point, with the hostile column name quoted', async () => {
    const result = await engineFor(connector).scan(table(), {
      constraints: { orderByClause: [{ columnName: COLUMN, direction: 'DESC_NULLS_LAST' }], limit: 4n },
    });
    const values = result.table.batches.flatMap((b) =>
      Array.from({ length: b.numRows }, (_, i) => readValue(b.getChild(COLUMN) ?? (undefined as never), i)),
    );
    const byCodePoint = (a: string, b: string) => {
      const x = [...a].map((c) => c.codePointAt(0) ?? 0);
      const y = [...b].map((c) => c.codePointAt(0) ?? 0);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
      return x.length - y.length;
    };
    expect(values).toEqual([...CORPUS].sort(byCodePoint).reverse().slice(0, 4));
    expect(await canaryRows()).toBe(3);
  });

  it('pushes hostile ranges safely and keeps the canary table', async () => {
    const result = await engineFor(connector).scan(table(), {
      constraints: {
        summary: {
          [COLUMN]: ranges(new Utf8(), [{ low: "'; DROP TABLE canary; --", high: '`' }]),
          id: ranges(new Int32(), [{ low: 1, high: 13 }]),
        },
      },
    });
    const expected = CORPUS.filter((t) => t >= "'; DROP TABLE canary; --" && t <= '`').length;
    expect(result.table.numRows).toBe(expected);
    expect(await canaryRows()).toBe(3);
  });
});
