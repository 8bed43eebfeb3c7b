/**
 * Test support: a throwaway PostgreSQL 15 server of a test's own (own data directory, port and
 * socket directory), for what would disturb other suites — here TLS with test certificates. The
 * server runs as the `postgres` user (initdb refuses root), with trust authentication on 127.0.0.1.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@athena-federation/connector-core/harness';
import pg from 'pg';
import { makeCertificates, spawnable } from './test-certificates.js';

const BIN = '/usr/lib/postgresql/15/bin';

/** The uid and gid of the `postgres` user, or undefined when there is none. */
function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' })));
    return uid !== undefined && gid !== undefined ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** Why the throwaway server cannot run here, or undefined when it can. */
export function throwawayPostgresUnavailable(): string | undefined {
  for (const binary of [`${BIN}/initdb`, `${BIN}/postgres`])
    if (!existsSync(binary)) return `${binary} is not installed, so no private PostgreSQL server can be started`;
  if (postgresUser() === undefined) return 'there is no postgres user to run a private PostgreSQL server as';
  if (process.getuid?.() !== 0) return 'a private PostgreSQL server is started as the postgres user, which needs root';
  return undefined;
}

/** Why a throwaway server with TLS (certificates made by openssl) cannot run here, or undefined when it can. */
export function throwawayTlsPostgresUnavailable(): string | undefined {
  return (
    throwawayPostgresUnavailable() ??
    (spawnable('openssl') ? undefined : 'openssl is not installed, so no test certificate can be made')
  );
}

/** A private PostgreSQL server. */
export interface ThrowawayPostgres {
  readonly port: number;
  /** Stops the server (fast shutdown: its sessions end) and starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops the server and deletes its data directory. */
  destroy(): Promise<void>;
}

/**
 * Initialises a data directory and starts `postgres` on a free port of 127.0.0.1 with TLS on, using
 * `certificate` and `key` (PEM files, copied so the server's user owns them). `hba`: pg_hba.conf's
 * lines instead of trust for everyone (the `postgres` user must keep trust on 127.0.0.1: readiness is
 * probed as it).
 */
export async function startThrowawayPostgres(
  tls: { certificate: string; key: string },
  options: { readonly hba?: readonly string[] } = {},
): Promise<ThrowawayPostgres> {
  const user = postgresUser();
  if (user === undefined) throw new Error('no postgres user');
  const dir = mkdtempSync(join(tmpdir(), 'aurora-pg-tls-'));
  chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const init = spawnSync(`${BIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], {
    ...user,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr.slice(-800)}`);
  for (const [from, to] of [
    [tls.certificate, 'server.crt'],
    [tls.key, 'server.key'],
  ] as const) {
    copyFileSync(from, join(dir, to));
    chownSync(join(dir, to), user.uid, user.gid);
    chmodSync(join(dir, to), 0o600);
  }
  if (options.hba !== undefined) writeFileSync(join(data, 'pg_hba.conf'), `${options.hba.join('\n')}\n`);
  const port = await freePort();
  const start = async (): Promise<ChildProcess> => {
    const child: ChildProcess = spawn(
      `${BIN}/postgres`,
      [
        '-D',
        data,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${dir}`,
        '-c',
        'ssl=on',
        '-c',
        `ssl_cert_file=${join(dir, 'server.crt')}`,
        '-c',
        `ssl_key_file=${join(dir, 'server.key')}`,
        '-c',
        'fsync=off',
        '-c',
        'shared_buffers=16MB',
      ],
      { ...user, stdio: 'ignore' },
    );
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.removeListener('exit', killOnExit));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const probe = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      const ready = await probe.connect().then(
        () => true,
        () => false,
      );
      await probe.end().catch(() => undefined);
      if (ready) break;
      if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}) during start`);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections on port ${port} within 30 s`);
      await sleep(100);
    }
    return child;
  };
  const stop = async (child: ChildProcess): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // SIGINT: PostgreSQL's fast shutdown.
    child.kill('SIGINT');
    await exited;
  };
  let running = await start();
  return {
    port,
    async restart() {
      await stop(running);
      running = await start();
    },
    async destroy() {
      await stop(running);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * {@link startThrowawayPostgres} with a certificate for 127.0.0.1 made here (a test CA of its own),
 * for tests that need TLS on but check no certificate; its files go with the server.
 */
export async function startThrowawayTlsPostgres(
  options: { readonly hba?: readonly string[] } = {},
): Promise<ThrowawayPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'aurora-pg-certs-'));
  try {
    makeCertificates(dir, 'server', 'IP:127.0.0.1');
    const server = await startThrowawayPostgres(
      { certificate: join(dir, 'server-server.pem'), key: join(dir, 'server-server.key') },
      options,
    );
    return {
      ...server,
      async destroy() {
        await server.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
