// PostgreSQL faults on real servers: the connector's backend ended mid-stream with
// pg_terminate_backend (on the shared server), and a private server stopped mid-stream, down between
// splits and restarted between splits (pg_ctl). Each query returns every row once, or fails with an
// error that says what happened — and the same warm connector then reads everything.
import { type AuroraConnector, createAuroraConnector } from '@athena-federation/connector-aurora';
import { ensureBucket } from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actMidRead,
  faultEngine,
  planQuery,
  smallBlocks,
  readAcrossRestart,
  readWhileDown,
  titleUnless,
} from './support/faults-engine.js';
import {
  ATHENA_CONNECTOR_EXCEPTION,
  createLedger,
  expectClearError,
  expectEveryRowOnce,
  expectRowsOnceOrClearError,
  failureOf,
  formatLedger,
} from './support/faults-ledger.js';
import {
  type FaultsDatabase,
  type PrivatePostgres,
  createFaultsDatabase,
  createPostgresSequenceTable,
  createSlowView,
  postgresSourceIds,
  privatePostgresUnavailable,
  startPrivatePostgres,
} from './support/faults-postgres.js';

const SPILL_BUCKET = 'reliability-faults-postgres-spill';
const SMALL_BLOCKS = smallBlocks(SPILL_BUCKET);
const ledger = createLedger('PostgreSQL');
const unavailable = privatePostgresUnavailable();
const needsPrivateServer = (title: string) => titleUnless(unavailable, title);
const connectors: AuroraConnector[] = [];

function connectorOn(database: FaultsDatabase, extra: Readonly<Record<string, string>> = {}): AuroraConnector {
  const connector = createAuroraConnector({ env: database.env(extra) });
  connectors.push(connector);
  return connector;
}

const tableName = (tableName: string) => ({ schemaName: 'public', tableName });

beforeAll(async () => {
  await ensureBucket(SPILL_BUCKET);
});

afterAll(async () => {
  console.info(formatLedger(ledger));
  await Promise.all(connectors.map((c) => c.close()));
});

describe('backend ended mid-stream (pg_terminate_backend on the shared PostgreSQL)', () => {
  const TABLE = 'terminate_rows';
  const SLOW_VIEW = 'terminate_slow_rows';
  const ROWS = 100_000;
  let database: FaultsDatabase;

  beforeAll(async () => {
    database = await createFaultsDatabase();
    await createPostgresSequenceTable(database.admin, TABLE, ROWS);
    // 0.1 ms a row: a 10 s stream the termination surely lands in.
    await createSlowView(database.admin, SLOW_VIEW, TABLE, 0.1);
  }, 60_000);

  afterAll(async () => {
    await database?.drop();
  });

  /** Ends the connector's reading session: the one in a transaction (its cursor's); idle pooled ones are not. */
  async function terminateReader(): Promise<number> {
    const { rows } = await database.admin.query(
      "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1 AND application_name = 'athena-federation' AND state <> 'idle' AND pid <> pg_backend_pid()",
      [database.name],
    );
    return rows.length;
  }

  it('fails the read naming the lost connection when its FETCH is ended, and the next query reads every row once', async () => {
    const expected = await postgresSourceIds(database.admin, TABLE);
    const connector = connectorOn(database);
    let ended: Promise<number> = Promise.resolve(0);
    // Not awaited: the stream resumes and the termination lands in its next FETCH (about 100 ms a chunk).
    const terminating = actMidRead(connector, 2000, async () => {
      ended = new Promise((resolve) => setTimeout(resolve, 20)).then(terminateReader);
    });
    const error = await failureOf(faultEngine(terminating, SMALL_BLOCKS).scan(tableName(SLOW_VIEW)));
    expect(await ended).toBe(1);
    ledger.faults++;
    expectClearError(
      error,
      ATHENA_CONNECTOR_EXCEPTION,
      /The connection to PostgreSQL failed \(57P01\) while reading public\.terminate_slow_rows/,
    );
    // The pool dropped the dead connection: the same warm connector reads everything.
    const again = await faultEngine(connector, { spillBucket: SPILL_BUCKET }).scan(tableName(TABLE));
    expectEveryRowOnce(ledger, again.table, 'id', expected);
  });

  // While core consumes a chunk the checked-out pg client runs no query, and pg-pool listens on idle
  // clients only: without the connector's own 'error' listener a backend ended then would raise an
  // uncaught exception and end the Lambda process. Vitest's uncaught-exception listeners are set
  // aside for this test so a crash is counted here instead of failing the run.
  it('survives its backend being ended while core consumes a chunk (no uncaught exception)', async () => {
    const uncaught: unknown[] = [];
    const vitestListeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    const capture = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', capture);
    try {
      const terminating = actMidRead(connectorOn(database), 2000, async () => {
        expect(await terminateReader()).toBe(1);
        // The server's FATAL message arrives while the generator is paused here.
        await new Promise((resolve) => setTimeout(resolve, 200));
      });
      const error = await failureOf(faultEngine(terminating, SMALL_BLOCKS).scan(tableName(SLOW_VIEW)));
      ledger.faults++;
      expectClearError(error, ATHENA_CONNECTOR_EXCEPTION, /while reading public\.terminate_slow_rows/);
    } finally {
      process.removeListener('uncaughtException', capture);
      for (const listener of vitestListeners) process.on('uncaughtException', listener);
    }
    expect(uncaught.map(String)).toEqual([]);
  });
});

describe.skipIf(unavailable !== undefined)(needsPrivateServer('a private PostgreSQL stopped and restarted'), () => {
  const TABLE = 'restart_rows';
  const ROWS = 20_000;
  let server: PrivatePostgres;
  let database: FaultsDatabase;
  let expected: string[];

  beforeAll(async () => {
    server = await startPrivatePostgres();
    database = await createFaultsDatabase(server.port);
    await createPostgresSequenceTable(database.admin, TABLE, ROWS);
    // 0.2 ms a row (a 4 s stream), so a shutdown lands while it still sends. Made now: the admin
    // session ends with the first stop.
    await createSlowView(database.admin, 'restart_slow_rows', TABLE, 0.2);
    expected = await postgresSourceIds(database.admin, TABLE);
  }, 90_000);

  afterAll(async () => {
    if (server !== undefined && !server.running) await server.start();
    await database?.drop();
    await server?.destroy();
  }, 60_000);

  /** A connector cutting the table into four splits. */
  const splitting = () => connectorOn(database, { target_rows_per_split: String(ROWS / 4) });

  it('reads every row once when the server restarts between two splits (the pool reconnects)', async () => {
    const query = await planQuery(faultEngine(splitting(), { spillBucket: SPILL_BUCKET }), tableName(TABLE));
    expect(query.splits.length).toBeGreaterThan(2);
    const table = await readAcrossRestart(query, server);
    ledger.faults++;
    expectEveryRowOnce(ledger, table, 'id', expected);
  }, 60_000);

  it('fails a split clearly while the server is down, and reads it once it is back (Athena retries it)', async () => {
    const query = await planQuery(faultEngine(splitting(), { spillBucket: SPILL_BUCKET }), tableName(TABLE));
    const { failure, table } = await readWhileDown(query, server);
    ledger.faults++;
    expectClearError(
      failure,
      ATHENA_CONNECTOR_EXCEPTION,
      /The connection to PostgreSQL failed( \((ECONNREFUSED|ECONNRESET|57P01)\))? while /,
    );
    expectEveryRowOnce(ledger, table, 'id', expected);
  }, 60_000);

  it('fails the read naming the lost connection when the server shuts down mid-stream', async () => {
    let stopped: Promise<void> = Promise.resolve();
    // Not awaited, so the shutdown lands in a FETCH (about 200 ms a chunk), not while core consumes
    // a chunk (the uncaught-exception bug above).
    const stopping = actMidRead(connectorOn(database), 1000, async () => {
      stopped = server.stop();
    });
    try {
      const outcome = await expectRowsOnceOrClearError(
        ledger,
        faultEngine(stopping, SMALL_BLOCKS).scan(tableName('restart_slow_rows')),
        { column: 'id', keys: expected },
        {
          errorType: ATHENA_CONNECTOR_EXCEPTION,
          patterns: [
            /The connection to PostgreSQL failed( \((57P01|ECONNRESET|EPIPE)\))? while reading public\.restart_slow_rows/,
          ],
        },
      );
      ledger.faults++;
      expect(outcome).toBe('error');
    } finally {
      await stopped;
      if (!server.running) await server.start();
    }
  }, 60_000);
});
