/**
 * Injection corpus against the real MariaDB: table, column and constant values full of backticks,
 * quotes, backslashes, comment markers, semicolons, NUL and unicode travel through name resolution,
 * summary constraints, V4 expressions (=, IN, LIKE, NULLIF), top-N ORDER BY and split reads
 * (support/injection-corpus.ts, which postgres-injection.test.ts runs too). Results must be correct
 * and the canary table untouched.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { type AuroraConnector, createAuroraConnector, quoteIdentifier } from '../src/index.js';
import { ensureSpillBucket } from './support/engine.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';
import { injectionCases } from './support/injection-corpus.js';

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

  injectionCases({
    connector: () => connector,
    table,
    column: COLUMN,
    corpus: CORPUS,
    strangers: [],
    canaryRows,
  });
});
