/**
 * Test support: a throwaway `mariadbd` of a test's own (own datadir, port and socket), for what would
 * disturb other suites — restarts, server options such as TLS certificates or lock timeouts.
 * `--no-defaults` keeps the machine's my.cnf (and the shared server's settings) out of it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@athena-federation/connector-core/harness';
import { createPool } from 'mysql2/promise';

/** Why the throwaway server cannot run here, or undefined when the binaries exist. */
export function throwawayMariaDbUnavailable(): string | undefined {
  for (const binary of ['/usr/sbin/mariadbd', '/usr/bin/mariadb-install-db'])
    if (!existsSync(binary)) return `${binary} is not installed, so no private MariaDB server can be started`;
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
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Initialises a data directory under the OS temp dir and starts `mariadbd` on a free port.
 * `--no-defaults` keeps the machine's my.cnf (and the shared server's settings) out of it.
 */
export async function startThrowawayMariaDb(serverOptions: readonly string[] = []): Promise<ThrowawayMariaDb> {
  const dir = await mkdtemp(join(tmpdir(), 'reliability-faults-mariadb-'));
  const datadir = join(dir, 'data');
  const install = spawnSync(
    '/usr/bin/mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      '--auth-root-authentication-method=normal',
      '--user=root',
      '--skip-test-db',
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (install.status !== 0)
    throw new Error(
      `mariadb-install-db failed (${install.status}): ${install.stdout.slice(-800)}${install.stderr.slice(-800)}`,
    );
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
      if (started.exitCode !== null)
        throw new Error(`mariadbd exited (${started.exitCode}) during start; see ${join(dir, 'error.log')}`);
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
