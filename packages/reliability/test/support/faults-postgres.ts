/**
 * PostgreSQL for the fault tests: a random database per test file on the shared server (dropped
 * afterwards), and a private server of our own — connector-aurora's throwaway PostgreSQL, made
 * restartable here with `pg_ctl` — for faults that would disturb other suites (stops, restarts).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { makeCertificates, spawnable } from '../../../connector-aurora/test/support/test-certificates.js';
import {
  startThrowawayPostgres,
  throwawayPostgresUnavailable,
} from '../../../connector-aurora/test/support/throwaway-postgres.js';
import { POSTGRES } from './targets.js';

const BIN = '/usr/lib/postgresql/15/bin';

/** A random database of the fault tests, on whichever server. */
export interface FaultsDatabase {
  readonly name: string;
  /** A superuser client on the database. */
  readonly admin: pg.Client;
  /** Connector environment reading this database as postgres (sslmode=disable), plus extra settings. */
  env(extra?: Readonly<Record<string, string>>): Record<string, string>;
  drop(): Promise<void>;
}

/** Creates a random database on the server at `port` (the shared one by default). */
export async function createFaultsDatabase(port: number = POSTGRES.port): Promise<FaultsDatabase> {
  const name = `reliability_faults_${randomBytes(5).toString('hex')}`;
  const server = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  // A private server's stop ends these sessions; that must not crash the process (drop then has nothing left to do).
  server.on('error', () => undefined);
  try {
    await server.connect();
    await server.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    await server.end().catch(() => undefined);
    throw new Error(`PostgreSQL is not reachable at 127.0.0.1:${port} as postgres (${String(error)})`, {
      cause: error,
    });
  }
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: name });
  await admin.connect();
  admin.on('error', () => undefined);
  return {
    name,
    admin,
    env: (extra = {}) => ({
      default: `postgres://jdbc:postgresql://127.0.0.1:${port}/${name}?user=postgres&sslmode=disable`,
      ...extra,
    }),
    async drop() {
      await admin.end().catch(() => undefined);
      await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await server.end().catch(() => undefined);
    },
  };
}

/**
 * (Re)creates `table` with ids 1..rows (bigint primary key, so the connector cuts key ranges) and a
 * payload wide enough that a split's rows outgrow the socket buffers, filled by generate_series.
 */
export async function createPostgresSequenceTable(admin: pg.Client, table: string, rows: number): Promise<void> {
  await admin.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
  await admin.query(
    `CREATE TABLE ${table} (id bigint PRIMARY KEY, label text NOT NULL, amount numeric(12,2) NOT NULL, payload text NOT NULL)`,
  );
  await admin.query(
    `INSERT INTO ${table} SELECT g, 'row-' || g, g / 100.0, repeat(chr(97 + (g % 26)::int), 120) FROM generate_series(1, ${rows}) g`,
  );
  // Fresh statistics (reltuples), so the split planner sees the real row count.
  await admin.query(`ANALYZE ${table}`);
}

/**
 * A view of `table` whose every row costs the server `sleepMs`, so a stream lasts long enough for
 * a fault to land in it (a plain table's rows would already sit in socket buffers).
 */
export async function createSlowView(admin: pg.Client, view: string, table: string, sleepMs: number): Promise<void> {
  await admin.query(
    `CREATE OR REPLACE FUNCTION slow_pass(id bigint) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(${sleepMs / 1000}); RETURN id IS NOT NULL; END $$`,
  );
  await admin.query(
    `CREATE OR REPLACE VIEW ${view} AS SELECT id, label, amount, payload FROM ${table} WHERE slow_pass(id)`,
  );
}

/** Every `id` of `table`, read straight from the source: what a faulted query is counted against. */
export async function postgresSourceIds(admin: pg.Client, table: string): Promise<string[]> {
  const { rows } = await admin.query({ text: `SELECT id::text FROM ${table}`, rowMode: 'array' });
  return (rows as [string][]).map(([id]) => id);
}

/** Why the private server cannot run here, or undefined when it can. */
export function privatePostgresUnavailable(): string | undefined {
  return throwawayPostgresUnavailable() ?? (spawnable('openssl') ? undefined : 'openssl is not installed');
}

/** A private PostgreSQL server that can be stopped and started again on its port and data. */
export interface PrivatePostgres {
  readonly port: number;
  running: boolean;
  /** Fast shutdown (`pg_ctl stop -m fast`): sessions are ended, the port closes. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** Runs pg_ctl as the postgres user, without blocking the event loop (the connector's sockets see the server go). */
async function pgCtl(...args: string[]): Promise<void> {
  try {
    await promisify(execFile)('runuser', ['-u', 'postgres', '--', `${BIN}/pg_ctl`, ...args], { timeout: 60_000 });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`pg_ctl ${args[0]} failed: ${`${stderr ?? ''}${stdout ?? ''}`.slice(-600)}`, { cause: error });
  }
}

/**
 * Starts connector-aurora's throwaway server (TLS on, which the tests leave unused: sslmode=disable)
 * and writes its port, address and socket directory into postgresql.auto.conf, so `pg_ctl start`
 * brings it back as it was after `pg_ctl stop` ends the original process.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const certificates = mkdtempSync(join(tmpdir(), 'reliability-pg-certs-'));
  makeCertificates(certificates, 'faults', 'IP:127.0.0.1');
  const server = await startThrowawayPostgres({
    certificate: join(certificates, 'faults-server.pem'),
    key: join(certificates, 'faults-server.key'),
  });
  rmSync(certificates, { recursive: true, force: true });
  const admin = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  let data: string;
  try {
    data = String((await admin.query('SHOW data_directory')).rows[0]?.data_directory);
    for (const [name, value] of [
      ['port', String(server.port)],
      ['listen_addresses', '127.0.0.1'],
      ['unix_socket_directories', dirname(data)],
    ])
      await admin.query(`ALTER SYSTEM SET ${name} = '${value}'`);
  } finally {
    await admin.end();
  }
  const log = join(dirname(data), 'restarted.log');
  const handle: PrivatePostgres = {
    port: server.port,
    running: true,
    async stop() {
      await pgCtl('stop', '-D', data, '-m', 'fast', '-w');
      handle.running = false;
    },
    async start() {
      await pgCtl('start', '-D', data, '-l', log, '-w', '-t', '60');
      handle.running = true;
    },
    async destroy() {
      if (handle.running) await handle.stop();
      await server.destroy();
    },
  };
  return handle;
}
