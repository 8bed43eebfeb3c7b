// MySQL faults on real MariaDB: the connector's connection killed mid-stream (KILL on the shared
// server), a private server stopped mid-stream, down between splits and restarted between splits,
// and row locks held by a writer (on the private server, with innodb_lock_wait_timeout=1).
// Connector reads never lock, so no lock wait timeout can reach them: that is what is proven, down
// to a FOR UPDATE passthrough query, which is refused at once rather than left waiting.
import { type AuroraConnector, createAuroraConnector } from '@athena-federation/connector-aurora';
import { ensureBucket } from '@athena-federation/connector-core/testing';
import { type Pool, createPool } from 'mysql2/promise';
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
  columnTexts,
  createLedger,
  expectClearError,
  expectEveryRowOnce,
  expectRowsOnceOrClearError,
  failureOf,
  formatLedger,
} from './support/faults-ledger.js';
import {
  FAULTS_DATABASE,
  SHARED_MARIADB,
  type ThrowawayMariaDb,
  auroraEnv,
  createSequenceTable,
  openFaultsDatabase,
  sourceIds,
  startThrowawayMariaDb,
  throwawayMariaDbUnavailable,
} from './support/faults-mariadb.js';

const SPILL_BUCKET = 'reliability-faults-mysql-spill';
const SMALL_BLOCKS = smallBlocks(SPILL_BUCKET);
const ledger = createLedger('MySQL');
const unavailable = throwawayMariaDbUnavailable();
const needsPrivateServer = (title: string) => titleUnless(unavailable, title);

let shared: Pool;
const connectors: AuroraConnector[] = [];

function auroraOn(port: number, extra: Readonly<Record<string, string>> = {}): AuroraConnector {
  const connector = createAuroraConnector({ env: auroraEnv(port, extra) });
  connectors.push(connector);
  return connector;
}

/**
 * The connection ids of the connector's reads of `table` (never this admin session's own). The
 * connector selects no default database (its SQL names the schema), so PROCESSLIST.DB is NULL for
 * its sessions: they are found by the schema-qualified table in the statement text.
 */
async function readerIds(pool: Pool, table: string): Promise<number[]> {
  const [rows] = await pool.query(
    'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND COMMAND <> ? AND INFO LIKE ?',
    ['Sleep', `%\`${FAULTS_DATABASE}\`.\`${table}\`%`],
  );
  return (rows as { id: number | string }[]).map((r) => Number(r.id));
}

beforeAll(async () => {
  await ensureBucket(SPILL_BUCKET);
  shared = await openFaultsDatabase(SHARED_MARIADB.port);
});

afterAll(async () => {
  console.info(formatLedger(ledger));
  await Promise.all(connectors.map((c) => c.close()));
  await shared?.end();
});

describe('connection killed mid-stream (KILL on the shared MariaDB)', () => {
  const TABLE = 'mysql_kill_rows';
  /**
   * The same rows, each costing the server 0.1 ms: a 10 s stream the KILL surely lands in (a plain
   * table's result would already sit whole in socket buffers by the time the KILL is sent).
   */
  const SLOW_VIEW = 'mysql_kill_slow_rows';
  const ROWS = 100_000;

  beforeAll(async () => {
    await createSequenceTable(shared, TABLE, ROWS);
    await shared.query(
      `CREATE OR REPLACE VIEW \`${SLOW_VIEW}\` AS SELECT id, label, amount, payload FROM \`${TABLE}\` WHERE SLEEP(0.0001) = 0`,
    );
  });

  afterAll(async () => {
    await shared.query(`DROP VIEW IF EXISTS \`${SLOW_VIEW}\``);
    await shared.query(`DROP TABLE IF EXISTS \`${TABLE}\``);
  });

  it('fails the read naming the lost connection, and the next query reads every row once', async () => {
    const expected = await sourceIds(shared, TABLE);
    const connector = auroraOn(SHARED_MARIADB.port);
    let killed: number[] = [];
    const killing = actMidRead(connector, 2000, async () => {
      killed = await readerIds(shared, SLOW_VIEW);
      for (const id of killed) await shared.query(`KILL ${id}`);
    });
    const error = await failureOf(
      faultEngine(killing, SMALL_BLOCKS).scan({ schemaName: FAULTS_DATABASE, tableName: SLOW_VIEW }),
    );
    expect(killed).toHaveLength(1);
    ledger.faults += killed.length;
    expectClearError(
      error,
      ATHENA_CONNECTOR_EXCEPTION,
      /The connection to MySQL failed \((ER_CONNECTION_KILLED|PROTOCOL_CONNECTION_LOST)\) while reading reliability_faults\.mysql_kill_slow_rows/,
    );
    // The pool dropped the dead connection: the same warm connector reads everything.
    const again = await faultEngine(connector, { spillBucket: SPILL_BUCKET }).scan({
      schemaName: FAULTS_DATABASE,
      tableName: TABLE,
    });
    expectEveryRowOnce(ledger, again.table, 'id', expected);
  });
});

describe.skipIf(unavailable !== undefined)(needsPrivateServer('a private MariaDB stopped and restarted'), () => {
  const TABLE = 'restart_rows';
  const ROWS = 20_000;
  let server: ThrowawayMariaDb;
  let admin: Pool;
  let expected: string[];

  beforeAll(async () => {
    server = await startThrowawayMariaDb();
    admin = await openFaultsDatabase(server.port);
    await createSequenceTable(admin, TABLE, ROWS);
    expected = await sourceIds(admin, TABLE);
  }, 60_000);

  afterAll(async () => {
    await admin?.end();
    await server?.destroy();
  });

  /** A connector cutting the table into four splits. */
  const splitting = () => auroraOn(server.port, { target_rows_per_split: String(ROWS / 4) });

  it('reads every row once when the server restarts between two splits (the pool reconnects)', async () => {
    const query = await planQuery(faultEngine(splitting(), { spillBucket: SPILL_BUCKET }), {
      schemaName: FAULTS_DATABASE,
      tableName: TABLE,
    });
    expect(query.splits.length).toBeGreaterThan(2);
    const startsBefore = server.starts;
    const table = await readAcrossRestart(query, server);
    ledger.faults++;
    expect(server.starts).toBe(startsBefore + 1);
    expectEveryRowOnce(ledger, table, 'id', expected);
  });

  it('fails a split clearly while the server is down, and reads it once it is back (Athena retries it)', async () => {
    const query = await planQuery(faultEngine(splitting(), { spillBucket: SPILL_BUCKET }), {
      schemaName: FAULTS_DATABASE,
      tableName: TABLE,
    });
    const { failure, table } = await readWhileDown(query, server);
    ledger.faults++;
    expectClearError(
      failure,
      ATHENA_CONNECTOR_EXCEPTION,
      /The connection to MySQL failed \((ECONNREFUSED|PROTOCOL_CONNECTION_LOST|ECONNRESET)\)/,
    );
    expectEveryRowOnce(ledger, table, 'id', expected);
  });

  it('fails the read naming the lost connection when the server shuts down mid-stream', async () => {
    // Each row costs the server 0.2 ms (a 4 s stream), so the shutdown lands while it still sends.
    await admin.query(
      `CREATE OR REPLACE VIEW restart_slow_rows AS SELECT id, label FROM \`${TABLE}\` WHERE SLEEP(0.0002) = 0`,
    );
    const connector = auroraOn(server.port);
    const stopping = actMidRead(connector, 1000, () => server.stop());
    try {
      const outcome = await expectRowsOnceOrClearError(
        ledger,
        faultEngine(stopping, SMALL_BLOCKS).scan({ schemaName: FAULTS_DATABASE, tableName: 'restart_slow_rows' }),
        { column: 'id', keys: expected },
        {
          errorType: ATHENA_CONNECTOR_EXCEPTION,
          patterns: [
            /The connection to MySQL failed \((ER_SERVER_SHUTDOWN|ER_CONNECTION_KILLED|PROTOCOL_CONNECTION_LOST|ECONNRESET)\) while reading reliability_faults\.restart_slow_rows/,
          ],
        },
      );
      ledger.faults++;
      expect(outcome).toBe('error');
    } finally {
      if (!server.running) await server.start();
    }
  });
});

describe.skipIf(unavailable !== undefined)(
  needsPrivateServer('row locks held by a writer (private MariaDB, innodb_lock_wait_timeout=1)'),
  () => {
    const TABLE = 'locked_rows';
    const ROWS = 5000;
    let server: ThrowawayMariaDb;
    let admin: Pool;
    let writer: Pool;
    let release: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      server = await startThrowawayMariaDb(['--innodb-lock-wait-timeout=1']);
      admin = await openFaultsDatabase(server.port);
      await createSequenceTable(admin, TABLE, ROWS);
      // An open transaction holding an exclusive lock on every row, with a change not yet committed.
      writer = createPool({
        host: '127.0.0.1',
        port: server.port,
        user: 'root',
        database: FAULTS_DATABASE,
        connectionLimit: 1,
      });
      const session = await writer.getConnection();
      await session.query('START TRANSACTION');
      await session.query(`UPDATE \`${TABLE}\` SET label = 'uncommitted'`);
      release = async () => {
        await session.query('ROLLBACK');
        session.release();
      };
    }, 60_000);

    afterAll(async () => {
      await release();
      await writer?.end();
      await admin?.end();
      await server?.destroy();
    });

    it('holds real locks: a locking read from another session times out after a second', async () => {
      const other = await admin.getConnection();
      try {
        const outcome = await other.query(`SELECT id FROM \`${TABLE}\` WHERE id = 1 FOR UPDATE`).then(
          () => 'read',
          (error: unknown) => (error as { code?: string }).code,
        );
        expect(outcome).toBe('ER_LOCK_WAIT_TIMEOUT');
      } finally {
        other.release();
      }
    });

    it('reads every committed row once while the writer holds its locks (connector reads never lock)', async () => {
      // The source's committed ids, read without locking as any plain SELECT would.
      const expected = await sourceIds(admin, TABLE);
      const result = await faultEngine(auroraOn(server.port), { spillBucket: SPILL_BUCKET }).scan({
        schemaName: FAULTS_DATABASE,
        tableName: TABLE,
      });
      ledger.faults++;
      expectEveryRowOnce(ledger, result.table, 'id', expected);
      // The writer's uncommitted change is invisible: each label is the committed one.
      const labels = columnTexts(result.table, 'label');
      const dirty = columnTexts(result.table, 'id').filter((id, row) => labels[row] !== `row-${id}`);
      expect(dirty).toEqual([]);
    });

    it('refuses a locking passthrough query at once instead of waiting on the lock (refused before MySQL sees it; passthrough also runs READ ONLY)', async () => {
      const driver = faultEngine(auroraOn(server.port), { spillBucket: SPILL_BUCKET });
      await driver.ping();
      const args = {
        schemaFunctionName: 'SYSTEM.QUERY',
        QUERY: `SELECT id FROM \`${FAULTS_DATABASE}\`.\`${TABLE}\` WHERE id <= 10 FOR UPDATE`,
      };
      const error = await failureOf(driver.getTable({ schemaName: 'system', tableName: 'query' }, args));
      ledger.faults++;
      expectClearError(
        error,
        ATHENA_CONNECTOR_EXCEPTION,
        /system\.query runs one read-only query .*; a locking read \(FOR UPDATE\) is not allowed/,
      );
    });
  },
);
