/**
 * MariaDB for the fault tests: tables in the shared server's `reliability_faults` database, and a
 * throwaway `mariadbd` of our own (own datadir, port and socket) for faults that would disturb
 * other suites — restarts and a one-second lock wait timeout.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@athena-federation/connector-core/harness';
import { type Pool, createPool } from 'mysql2/promise';

/** The database every fault test's tables live in, on whichever server. */
export const FAULTS_DATABASE = 'reliability_faults';

/** The shared MariaDB every suite uses; never restarted or reconfigured here. */
export const SHARED_MARIADB = { host: '127.0.0.1', port: 3306, user: 'root' } as const;

/** Connector environment reading `FAULTS_DATABASE` on `port` as root, plus extra settings. */
export function auroraEnv(port: number, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { default: `mysql://jdbc:mysql://127.0.0.1:${port}/${FAULTS_DATABASE}?user=root`, ...extra };
}

/** An admin pool on `FAULTS_DATABASE` of the server at `port`, creating the database if needed. */
export async function openFaultsDatabase(port: number = SHARED_MARIADB.port): Promise<Pool> {
  const bootstrap = createPool({ host: '127.0.0.1', port, user: 'root', connectionLimit: 1, connectTimeout: 3000 });
  try {
    await bootstrap.query(`CREATE DATABASE IF NOT EXISTS \`${FAULTS_DATABASE}\` CHARACTER SET utf8mb4`);
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error);
    throw new Error(`MariaDB is not reachable at 127.0.0.1:${port} as root (${code})`, { cause: error });
  } finally {
    await bootstrap.end();
  }
  return createPool({ host: '127.0.0.1', port, user: 'root', database: FAULTS_DATABASE, connectionLimit: 4, supportBigNumbers: true, bigNumberStrings: true });
}

/**
 * (Re)creates `table` with ids 1..rows (integer primary key, so the connector cuts range splits)
 * and a payload wide enough that a split's rows outgrow the socket buffers. Filled server-side from
 * MariaDB's sequence engine, so a 100k-row table takes well under a second.
 */
export async function createSequenceTable(pool: Pool, table: string, rows: number): Promise<void> {
  await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
  await pool.query(`CREATE TABLE \`${table}\` (id BIGINT NOT NULL PRIMARY KEY, label VARCHAR(40) NOT NULL, amount DECIMAL(12,2) NOT NULL, payload VARCHAR(200) NOT NULL) ENGINE=InnoDB`);
  await pool.query(`INSERT INTO \`${table}\` SELECT seq, CONCAT('row-', seq), seq / 100, REPEAT(CHAR(97 + seq % 26), 120) FROM seq_1_to_${rows}`);
  // Fresh statistics, so the split planner sees the real row count.
  await pool.query(`ANALYZE TABLE \`${table}\``);
}

/** Every `id` of `table`, read straight from the source: what a faulted query is counted against. */
export async function sourceIds(pool: Pool, table: string): Promise<string[]> {
  const [rows] = await pool.query({ sql: `SELECT id FROM \`${table}\``, rowsAsArray: true });
  return (rows as [number | string][]).map(([id]) => String(id));
}

/** Why the throwaway server cannot run here, or undefined when the binaries exist. */
export function throwawayMariaDbUnavailable(): string | undefined {
  for (const binary of ['/usr/sbin/mariadbd', '/usr/bin/mariadb-install-db']) if (!existsSync(binary)) return `${binary} is not installed, so no private MariaDB server can be started`;
  return undefined;
}

/** A private MariaDB server that can be stopped and started again on the same port and data. */
export interface ThrowawayMariaDb {
  readonly port: number;
  /** Connection ids change across restarts; so does this counter. */
  readonly starts: number;
  readonly running: boolean;
  start(): Promise<void>;
  /** A clean shutdown (SIGTERM), resolved once the process has exited. */
  stop(): Promise<void>;
  /** Stops the server and deletes its data directory. */
  destroy(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Initialises a data directory under the OS temp dir and starts `mariadbd` on a free port.
 * `--no-defaults` keeps the machine's my.cnf (and the shared server's settings) out of it.
 */
export async function startThrowawayMariaDb(serverOptions: readonly string[] = []): Promise<ThrowawayMariaDb> {
  const dir = await mkdtemp(join(tmpdir(), 'reliability-faults-mariadb-'));
  const datadir = join(dir, 'data');
  const install = spawnSync('/usr/bin/mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--user=root', '--skip-test-db'], { encoding: 'utf8', timeout: 60_000 });
  if (install.status !== 0) throw new Error(`mariadb-install-db failed (${install.status}): ${install.stdout.slice(-800)}${install.stderr.slice(-800)}`);
  const port = await freePort();
  let child: ChildProcess | undefined;
  let starts = 0;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async () => {
    // A second mariadbd on the same data would find the first one answering and orphan it.
    if (child !== undefined) throw new Error(`The private MariaDB on port ${port} is already running`);
    const args = [
      '--no-defaults',
      '--user=root',
      `--datadir=${datadir}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'mysqld.sock')}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      `--log-error=${join(dir, 'error.log')}`,
      '--innodb-buffer-pool-size=32M',
      '--skip-log-bin',
      ...serverOptions,
    ];
    const started = spawn('/usr/sbin/mariadbd', args, { stdio: 'ignore' });
    child = started;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const probe = createPool({ host: '127.0.0.1', port, user: 'root', connectionLimit: 1, connectTimeout: 1000 });
      const ready = await probe.query('SELECT 1').then(
        () => true,
        () => false,
      );
      await probe.end();
      if (ready) break;
      if (started.exitCode !== null) throw new Error(`mariadbd exited (${started.exitCode}) during start; see ${join(dir, 'error.log')}`);
      if (Date.now() > deadline) throw new Error(`mariadbd did not accept connections on port ${port} within 30 s`);
      await sleep(100);
    }
    starts++;
  };

  const stop = async () => {
    const running = child;
    if (running === undefined) return;
    child = undefined;
    const done = exited(running);
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 20_000);
    await done;
    clearTimeout(timer);
  };

  await start();
  return {
    port,
    get starts() {
      return starts;
    },
    get running() {
      return child !== undefined;
    },
    start,
    stop,
    async destroy() {
      await stop();
      process.removeListener('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
