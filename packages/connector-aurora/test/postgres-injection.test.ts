/**
 * The injection corpus on a PostgreSQL catalog: table, column and constant values full of double
 * quotes, single quotes, backslashes, dollar quotes, comment markers, semicolons and unicode travel
 * through name resolution, summary constraints, V4 expressions (=, IN, LIKE, NULLIF), top-N ORDER BY
 * and split reads as bound `$n` parameters and quoted identifiers. Results must be correct and the
 * canary table untouched. (PostgreSQL text cannot hold NUL: a NUL constant must match nothing.)
 */
import { Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { quotePostgresIdentifier as quoteIdentifier } from '../src/postgres/postgres-dialect.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type PostgresTestDatabase, createPostgresTestDatabase } from './support/postgres.js';
import { injectionCases } from './support/injection-corpus.js';
import { equals } from './support/value-sets.js';

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
  'ünï`cødé 😀',
  '\\\\\'\\"`',
  '%_%',
  '$$; DROP TABLE canary; $$',
  '$1',
];
/** Constants no row holds (NUL cannot be stored): each must match nothing, and fail nothing. */
const STRANGERS = ['nul\u0000byte', 'a\u0000'];

/** Hostile identifiers (PostgreSQL forbids only NUL, and cuts names at 63 bytes). */
const TABLE = 'ev"il\'`\\;-- /*x*/ $1 Tbl ünï€';
const COLUMN = 'co"l\'`\\;--/**/$$';

let db: PostgresTestDatabase;
let connector: AuroraConnector;

async function canaryRows(): Promise<number> {
  const { rows } = await db.client.query('SELECT count(*) AS n FROM canary');
  return Number((rows[0] as { n: string }).n);
}

beforeAll(async () => {
  db = await createPostgresTestDatabase();
  await ensureSpillBucket();
  await db.client.query('CREATE TABLE canary (id int PRIMARY KEY)');
  await db.client.query('INSERT INTO canary VALUES (1), (2), (3)');
  await db.client.query(
    `CREATE TABLE ${quoteIdentifier(TABLE)} (id int PRIMARY KEY, ${quoteIdentifier(COLUMN)} varchar(100) COLLATE "en-x-icu")`,
  );
  for (const [i, text] of CORPUS.entries())
    await db.client.query(`INSERT INTO ${quoteIdentifier(TABLE)} VALUES ($1, $2)`, [String(i + 1), text]);
  connector = createAuroraConnector({ env: db.env });
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

describe('injection corpus on PostgreSQL', () => {
  const table = () => ({ schemaName: 'public', tableName: TABLE.toLowerCase() });

  injectionCases({
    connector: () => connector,
    table,
    column: COLUMN,
    corpus: CORPUS,
    strangers: STRANGERS,
    canaryRows,
  });
});

it('matches nothing, and fails nothing, for constants PostgreSQL text cannot hold', async () => {
  for (const stranger of STRANGERS) {
    const result = await engineFor(connector).scan(
      { schemaName: 'public', tableName: TABLE.toLowerCase() },
      { constraints: { summary: { [COLUMN]: equals(new Utf8(), stranger) } } },
    );
    expect(result.table.numRows).toBe(0);
  }
  expect(await canaryRows()).toBe(3);
});
