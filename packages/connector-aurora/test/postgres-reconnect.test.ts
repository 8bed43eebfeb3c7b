/**
 * A warm Lambda's pool can hold idle PostgreSQL connections whose server side has gone (a restart,
 * a failover, `pg_terminate_backend`) while the function was frozen, before pg has seen the socket
 * close. Reads and metadata queries then retry once on a new connection, as long as no row has been
 * handed on; after that a lost connection stays the read's error (a retry would repeat rows).
 * The frozen Lambda is imitated by ending the idle backends from another process while this one's
 * event loop is blocked (`execFileSync` of psql, `pg_terminate_backend` waiting for the exit), so pg
 * learns of the loss only from the next statement, as it would after a thaw (without the retry the
 * first two tests fail with 57P01). A full restart of a private PostgreSQL is shown too; there pg
 * sees the sockets close while the test awaits the restart, so that test passes without the retry:
 * it shows the warm pool recovering end to end, not the retry.
 */
import { execFileSync } from 'node:child_process';
import { ConnectorError } from '@athena-federation/connector-core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePostgresConnectionString } from '../src/postgres/postgres-config.js';
import { PostgresPools, queryRows, streamPostgresRows } from '../src/postgres/postgres-client.js';
import { POSTGRES, type PostgresTestDatabase, createPostgresTestDatabase } from './support/postgres.js';
import {
  type ThrowawayPostgres,
  startThrowawayTlsPostgres,
  throwawayTlsPostgresUnavailable,
} from './support/throwaway-postgres.js';

const ROWS = 3000;
const READ = { sql: 'SELECT n FROM numbers ORDER BY n', params: [] };
let db: PostgresTestDatabase;

beforeAll(async () => {
  db = await createPostgresTestDatabase();
  await db.client.query(`CREATE TABLE numbers AS SELECT generate_series(1, ${ROWS}) AS n`);
});

afterAll(async () => {
  await db?.drop();
});

/** Pools for this file's database, plain text (the shared server offers no TLS). */
function poolsAndSettings(port = POSTGRES.port, database = db.name) {
  const settings = parsePostgresConnectionString(
    'default',
    `postgres://jdbc:postgresql://${POSTGRES.host}:${port}/${database}?user=postgres&sslmode=disable`,
  );
  return { pools: new PostgresPools({ secrets: async () => '', connectionLimit: 2 }), settings };
}

/**
 * Ends the connector's backends on this database from another process, waiting for them to exit,
 * while this process's event loop is blocked: pg has not seen the sockets close when it returns.
 */
function terminateConnectorBackendsBlocking(state?: string): number {
  const where = `datname = '${db.name}' AND application_name = 'athena-federation'${state === undefined ? '' : ` AND state = '${state}'`}`;
  const out = execFileSync(
    'psql',
    [
      '-h',
      POSTGRES.host,
      '-p',
      String(POSTGRES.port),
      '-U',
      POSTGRES.user,
      '-d',
      'postgres',
      '-Atc',
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE ${where}`,
    ],
    { encoding: 'utf8' },
  );
  return Number(out.trim());
}

async function readAll(rows: AsyncGenerator<unknown[][]>): Promise<number[]> {
  const values: number[] = [];
  for await (const chunk of rows) for (const row of chunk) values.push(Number(row[0]));
  return values;
}

/** Leaves two idle connections in the pool (the retry must not take the other lost one). */
async function warmTwoConnections(pool: pg.Pool): Promise<void> {
  await Promise.all([1, 2].map(() => queryRows(pool, { sql: 'SELECT pg_sleep(0.05)', params: [] }, 'warming')));
  expect(pool.idleCount).toBe(2);
}

const expected = Array.from({ length: ROWS }, (_, i) => i + 1);

describe('after the server ended the pool’s idle connections', () => {
  it('a read retries on a new connection and returns every row once', async () => {
    const { pools, settings } = poolsAndSettings();
    try {
      const pool = await pools.pool(settings);
      await warmTwoConnections(pool);
      expect(terminateConnectorBackendsBlocking()).toBe(2);
      const values = await readAll(streamPostgresRows(pool, READ, new AbortController().signal, 'reading numbers'));
      expect(values).toEqual(expected);
    } finally {
      await pools.end();
    }
  });

  it('a metadata query retries on a new connection', async () => {
    const { pools, settings } = poolsAndSettings();
    try {
      const pool = await pools.pool(settings);
      await warmTwoConnections(pool);
      expect(terminateConnectorBackendsBlocking()).toBe(2);
      const rows = await queryRows<{ n: string }>(
        pool,
        { sql: 'SELECT count(*) AS n FROM numbers', params: [] },
        'counting',
      );
      expect(rows).toEqual([{ n: String(ROWS) }]);
    } finally {
      await pools.end();
    }
  });

  it('a read whose connection is lost after rows were handed on fails clearly, without repeating them', async () => {
    const { pools, settings } = poolsAndSettings();
    try {
      const pool = await pools.pool(settings);
      const rows = streamPostgresRows(pool, READ, new AbortController().signal, 'reading numbers');
      const first = await rows.next();
      expect(first.done).toBe(false);
      expect((first.value as unknown[][]).length).toBe(1024);
      expect(terminateConnectorBackendsBlocking('idle in transaction')).toBe(1);
      const error = await rows.next().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).message).toMatch(/connection to PostgreSQL failed.*while reading numbers/);
    } finally {
      await pools.end();
    }
  });
});

const unavailable = throwawayTlsPostgresUnavailable();

describe.skipIf(unavailable !== undefined)(
  `after a restart of the server${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let server: ThrowawayPostgres | undefined;
    beforeAll(async () => {
      server = await startThrowawayTlsPostgres();
    }, 120_000);
    afterAll(async () => {
      await server?.destroy();
    });

    it('metadata and reads of a warm pool work again', async () => {
      const { pools, settings } = poolsAndSettings(server?.port, 'postgres');
      try {
        const pool = await pools.pool(settings);
        const count = { sql: 'SELECT count(*) AS n FROM generate_series(1, 10)', params: [] };
        await warmTwoConnections(pool);
        await server?.restart();
        expect(await queryRows(pool, count, 'counting')).toEqual([{ n: '10' }]);
        const values = await readAll(
          streamPostgresRows(
            pool,
            { sql: 'SELECT generate_series(1, 3000)', params: [] },
            new AbortController().signal,
            'reading',
          ),
        );
        expect(values).toEqual(expected);
      } finally {
        await pools.end();
      }
    }, 60_000);
  },
);
