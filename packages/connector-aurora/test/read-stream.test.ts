/**
 * The read path's streaming contract against real MariaDB: stopping early (core has its limit)
 * and aborting release promptly without leaking connections, and a connection killed mid-read is
 * an error rather than a silently short result. The connector yields record batches cut at the
 * block size core is configured with (small here, so the first block comes early).
 */
import { type ConnectorContext, loadHandlerConfig, readRows } from '@athena-federation/connector-core';
import { makeConstraints } from '@athena-federation/connector-core/testing';
import { DateDay, DateMillisecond, Field, Int32, RecordBatch, Schema, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';

const ROWS = 200_000;
let db: TestDatabase;
let connector: AuroraConnector;
const warnings: unknown[] = [];

function context(signal = new AbortController().signal): ConnectorContext {
  const logger = {
    warn: (...args: unknown[]) => warnings.push(args),
    info: () => undefined,
    debug: () => undefined,
    error: () => undefined,
  };
  return {
    queryId: 'q',
    catalogName: 'aurora_test',
    identity: null,
    signal,
    logger: logger as unknown as ConnectorContext['logger'],
    config: loadHandlerConfig({}),
  };
}

/** Rows in one item the connector yields (a record batch, or one row). */
const rowsIn = (item: readonly unknown[] | RecordBatch | Readonly<Record<string, unknown>>) =>
  item instanceof RecordBatch ? item.numRows : 1;

const input = () => ({
  tableName: { schemaName: db.name, tableName: 'stream' },
  schema: new Schema([new Field('id', new Int32(), true), new Field('pad', new Utf8(), true)]),
  // A whole-table split as GetSplits issues it (it names its table).
  split: { kind: 'all', schema: db.name, table: 'stream' },
  constraints: makeConstraints({}),
  // Small blocks, so the statement is still streaming when the first batch arrives.
  maxBlockSize: 64_000,
  confirmExactPushdown: () => undefined,
});

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query('CREATE TABLE stream (id INT PRIMARY KEY, pad VARCHAR(100))');
  for (let start = 0; start < ROWS; start += 25_000) {
    await db.pool.query('INSERT INTO stream VALUES ?', [
      Array.from({ length: 25_000 }, (_, k) => [start + k, 'x'.repeat(100)]),
    ]);
  }
  const connection = await db.pool.getConnection();
  try {
    await connection.query("SET SESSION sql_mode = ''");
    await connection.query('CREATE TABLE zero_dates (d DATE, t DATETIME)');
    await connection.query(
      "INSERT INTO zero_dates VALUES ('0000-00-00', '0000-00-00 00:00:00'), ('2024-00-05', '2024-01-01 00:00:00'), ('2024-01-05', '0000-00-00 00:00:00')",
    );
  } finally {
    connection.release();
  }
  connector = createAuroraConnector({ env: { ...db.env, pool_connection_limit: '2' } });
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

/** The connector's read statement as the process list shows it (its connections have no default database). */
const readQueryPattern = () => `SELECT \`id\`, \`pad\` FROM \`${db.name}\`%`;

async function queriesRunning(): Promise<number> {
  const [rows] = await db.pool.query('SELECT COUNT(*) AS n FROM information_schema.processlist WHERE info LIKE ?', [
    readQueryPattern(),
  ]);
  return Number((rows as { n: number }[])[0]?.n);
}

describe('read streaming', () => {
  it('stops after the rows core wants and frees the connection', async () => {
    for (let round = 0; round < 5; round++) {
      let n = 0;
      for await (const item of connector.readSplit(context(), input())) {
        n += rowsIn(item);
        break;
      }
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(ROWS);
    }
    // Five early stops with a pool of two: connections were destroyed and replaced, not leaked.
    await expect.poll(queriesRunning, { timeout: 5000 }).toBe(0);
  });

  it('ends when the signal fires', async () => {
    const controller = new AbortController();
    let n = 0;
    for await (const item of connector.readSplit(context(controller.signal), input())) {
      n += rowsIn(item);
      if (n >= 1000) controller.abort();
    }
    expect(n).toBeLessThan(ROWS);
  });

  it('fails when the connection is killed mid-read', async () => {
    const rows = connector.readSplit(context(), input())[Symbol.asyncIterator]();
    onTestFinished(async () => {
      await rows.return?.(undefined);
    });
    await rows.next();
    await expect.poll(queriesRunning, { timeout: 5000 }).toBe(1);
    const [list] = await db.pool.query('SELECT id FROM information_schema.processlist WHERE info LIKE ?', [
      readQueryPattern(),
    ]);
    await db.pool.query(`KILL CONNECTION ${Number((list as { id: number }[])[0]?.id)}`);
    const drain = async () => {
      for (let r = await rows.next(); r.done !== true; r = await rows.next());
    };
    await expect(drain()).rejects.toMatchObject({ name: 'ConnectorError', reason: 'Internal' });
  });

  it('reads zero dates as NULL and logs one warning per column with counts only', async () => {
    warnings.length = 0;
    const rows: unknown[] = [];
    const zeroInput = {
      ...input(),
      tableName: { schemaName: db.name, tableName: 'zero_dates' },
      split: { kind: 'all', schema: db.name, table: 'zero_dates' },
      schema: new Schema([new Field('d', new DateDay(), true), new Field('t', new DateMillisecond(), true)]),
    };
    for await (const item of connector.readSplit(context(), zeroInput))
      rows.push(...(item instanceof RecordBatch ? readRows(item) : item));
    // DATE as days since the epoch, DATETIME as epoch milliseconds (UTC wall clock).
    expect(rows).toEqual([
      [null, null],
      [null, Date.UTC(2024, 0, 1)],
      [Date.UTC(2024, 0, 5) / 86_400_000, null],
    ]);
    expect(warnings).toEqual([
      ['Zero dates read as NULL', { column: 'd', count: 2 }],
      ['Zero dates read as NULL', { column: 't', count: 2 }],
    ]);
  });
});
