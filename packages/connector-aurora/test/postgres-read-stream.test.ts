/**
 * Reading PostgreSQL through the server-side cursor, against the real server: a table larger than
 * many FETCHes is read whole, every row once; a read core stops early (LIMIT) leaves no cursor or
 * transaction open on the server; and a backend terminated mid-read (`pg_terminate_backend`) fails
 * the read with a connection error, never a short answer. Concurrent first requests of a catalog
 * share one pool.
 */
import { readValue } from '@athena-federation/connector-core';
import { LambdaInvocationError } from '@athena-federation/connector-core/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type PostgresTestDatabase, createPostgresTestDatabase } from './support/postgres.js';

const ROWS = 20_000;
let db: PostgresTestDatabase;
let connector: AuroraConnector;

beforeAll(async () => {
  db = await createPostgresTestDatabase();
  await ensureSpillBucket();
  await db.client.query('CREATE TABLE big (id int, payload text)');
  await db.client.query(`INSERT INTO big SELECT g, repeat('x', g % 50) FROM generate_series(1, ${ROWS}) g`);
  // Each row takes a millisecond to produce, so a read of it is still running a second later.
  await db.client.query(
    'CREATE VIEW slow AS SELECT g AS id, pg_sleep(0.001) IS NOT NULL AS slept FROM generate_series(1, 5000) g',
  );
  connector = createAuroraConnector({ env: db.env });
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

/** The connector's sessions on this database that hold a transaction open. */
async function openTransactions(): Promise<number> {
  const { rows } = await db.client.query(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'athena-federation' AND xact_start IS NOT NULL",
  );
  return Number((rows[0] as { n: string }).n);
}

/** The connector's sessions on this database. */
async function sessions(): Promise<number> {
  const { rows } = await db.client.query(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'athena-federation'",
  );
  return Number((rows[0] as { n: string }).n);
}

describe('PostgreSQL pools', () => {
  it("shares one pool among a catalog's concurrent first requests", async () => {
    const fresh = createAuroraConnector({ env: { ...db.env, pool_connection_limit: '1' } });
    try {
      const before = await sessions();
      const answers = await Promise.all(Array.from({ length: 6 }, () => engineFor(fresh).listSchemas()));
      for (const schemas of answers) expect(schemas).toContain('public');
      // One pool of one connection; a pool per request would leave six idle connections open.
      expect((await sessions()) - before).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});

describe('PostgreSQL cursor reads', () => {
  it(`reads ${ROWS} rows through many FETCHes, every row once`, async () => {
    const result = await engineFor(connector).scan({ schemaName: 'public', tableName: 'big' });
    const ids = new Set<number>();
    for (const batch of result.table.batches) {
      const vector = batch.getChild('id');
      for (let r = 0; r < batch.numRows; r++) ids.add(vector === null ? -1 : (readValue(vector, r) as number));
    }
    expect(result.table.numRows).toBe(ROWS);
    expect(ids.size).toBe(ROWS);
  });

  it('stops at a LIMIT and leaves no transaction or cursor open on the server', async () => {
    const result = await engineFor(connector).scan(
      { schemaName: 'public', tableName: 'big' },
      { constraints: { limit: 5n } },
    );
    expect(result.table.numRows).toBe(5);
    // The early-stopped read's connection was closed, not returned to the pool inside its transaction.
    for (let i = 0; i < 50 && (await openTransactions()) > 0; i++) await sleep(20);
    expect(await openTransactions()).toBe(0);
  });

  it('fails a read whose backend is terminated mid-stream, rather than answering short', async () => {
    // Its outcome is taken at once: the read may fail while the loop below is still waiting.
    const outcome = engineFor(connector)
      .scan({ schemaName: 'public', tableName: 'slow' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    let terminated = 0;
    for (let i = 0; i < 100 && terminated === 0; i++) {
      await sleep(50);
      const { rows } = await db.client.query(
        "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'athena-federation' AND state = 'active'",
      );
      terminated = Number((rows[0] as { n: string }).n);
    }
    expect(terminated).toBe(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(/connection to PostgreSQL failed/);
    // The pool recovers: the next read gets a fresh connection.
    expect((await engineFor(connector).scan({ schemaName: 'public', tableName: 'big' })).table.numRows).toBe(ROWS);
  });
});
