/**
 * The protocol's edges for the wire decoder, on a private mariadbd (TLS certificates made by
 * openssl, `max_allowed_packet` above 16 MB): rows larger than one 16 MB packet, an error packet
 * after rows were sent, the connection killed by `KILL` mid-stream, the server stopped mid-stream,
 * an abort, and TLS. Each read returns every row once or fails with a clear error.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'mysql2';
import { createPool } from 'mysql2/promise';
import type { RecordBatch } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MappedColumn, mapColumn } from '../src/aurora-types.js';
import { streamWireBatches } from '../src/wire/wire-execute.js';
import {
  type ThrowawayMariaDb,
  startThrowawayMariaDb,
  throwawayMariaDbUnavailable,
} from './support/throwaway-mariadb.js';
import { auroraPoolFor, connectionOf, mappedColumnsOf, readThroughWire } from './support/wire-paths.js';

const unavailable = throwawayMariaDbUnavailable();
const dir = mkdtempSync(join(tmpdir(), 'aurora-wire-'));
const DATABASE = 'wire_edges';
let server: ThrowawayMariaDb | undefined;
let plain: { pool: Pool; end(): Promise<void> };
let tls: { pool: Pool; end(): Promise<void> };
let columns: MappedColumn[];

/** A test CA and a server certificate for 127.0.0.1. */
function makeCertificates(): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=wire test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=wire test server',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  );
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'san.cnf',
    '-out',
    'server.pem',
  );
}

/** Sizes of the big values: both over the 16 MB (0xFFFFFF) packet payload, the text in 2-byte characters. */
const BLOB_BYTES = 20_000_000;
const TEXT_CHARS = 8_500_000;

beforeAll(async () => {
  if (unavailable !== undefined) return;
  makeCertificates();
  server = await startThrowawayMariaDb([
    `--ssl-ca=${join(dir, 'ca.pem')}`,
    `--ssl-cert=${join(dir, 'server.pem')}`,
    `--ssl-key=${join(dir, 'server.key')}`,
    '--max-allowed-packet=128M',
  ]);
  const admin = createPool({ host: '127.0.0.1', port: server.port, user: 'root', connectionLimit: 1 });
  await admin.query(`CREATE DATABASE ${DATABASE} CHARACTER SET utf8mb4`);
  await admin.query(`CREATE TABLE ${DATABASE}.big (id INT PRIMARY KEY, bl LONGBLOB, tx LONGTEXT, n INT)`);
  await admin.query(
    `INSERT INTO ${DATABASE}.big VALUES (1, x'01', 'small', 10), (2, REPEAT(x'a5', ${BLOB_BYTES}), REPEAT('é', ${TEXT_CHARS}), 20), (3, x'', '', 30)`,
  );
  await admin.query(
    `CREATE PROCEDURE ${DATABASE}.two_results() BEGIN SELECT CAST(1 AS SIGNED), CAST(2 AS SIGNED); SELECT CAST(3 AS SIGNED), CAST(4 AS SIGNED); END`,
  );
  await admin.end();
  plain = await auroraPoolFor(DATABASE, server.port);
  tls = await auroraPoolFor(DATABASE, server.port, 'sslMode=REQUIRED');
  columns = await mappedColumnsOf(plain.pool, DATABASE, 'big');
}, 180_000);

afterAll(async () => {
  await plain?.end();
  await tls?.end();
  await server?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const digest = (value: unknown): string =>
  value instanceof Uint8Array
    ? createHash('sha256').update(value).digest('hex')
    : typeof value === 'string'
      ? createHash('sha256').update(value).digest('hex')
      : String(value);
const expectedBig = {
  blob: createHash('sha256').update(Buffer.alloc(BLOB_BYTES, 0xa5)).digest('hex'),
  text: createHash('sha256').update('é'.repeat(TEXT_CHARS)).digest('hex'),
};

/** id, digests of bl and tx, and n of every row read. */
function rowsOf(batches: readonly RecordBatch[]): string[] {
  const rows: string[] = [];
  for (const batch of batches) {
    for (let row = 0; row < batch.numRows; row++)
      rows.push(['id', 'bl', 'tx', 'n'].map((name) => digest(batch.getChild(name)?.get(row))).join(' '));
  }
  return rows;
}

/** Two BIGINT columns, for the statements over the sequence engine (selected `CAST(… AS SIGNED)`). */
const sequenceColumns = ['n', 'm'].map((name) =>
  mapColumn(
    { name, dataType: 'bigint', columnType: 'bigint(20)', numericPrecision: 19, numericScale: 0, nullable: true },
    { decimalOverflow: 'error' },
    'seq',
  ),
);

const bigStatement = { sql: `SELECT id, bl, tx, n FROM ${DATABASE}.big WHERE id >= ? ORDER BY id`, params: [0] };
const sha = (value: string | Uint8Array) => createHash('sha256').update(value).digest('hex');
const expectedRows = [
  `1 ${sha(Buffer.from([1]))} ${sha('small')} 10`,
  `2 ${expectedBig.blob} ${expectedBig.text} 20`,
  `3 ${sha(Buffer.alloc(0))} ${sha('')} 30`,
];

describe.skipIf(unavailable !== undefined)(
  `wire decoder at the protocol's edges${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('reads a row larger than one 16 MB packet, every row once', async () => {
      // Act
      const rows = rowsOf(await readThroughWire(plain.pool, bigStatement, columns));
      // Assess
      expect(rows).toEqual(expectedRows);
    }, 60_000);

    it('reads the same rows over TLS (sslMode=REQUIRED), on a session the server reports encrypted', async () => {
      // Prepare
      const [status] = await tls.pool.promise().query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
      // Act
      const rows = rowsOf(await readThroughWire(tls.pool, bigStatement, columns));
      // Assess
      expect((status as { Value: string }[])[0]?.Value).not.toBe('');
      expect(rows).toEqual(expectedRows);
    }, 60_000);

    it('fails with the server error when an error packet follows rows already sent', async () => {
      // Prepare: the scalar subquery finds two rows only for seq 30000, after many rows went out
      const statement = {
        sql: `SELECT CAST(seq AS SIGNED), CAST((SELECT s.seq FROM ${DATABASE}.seq_1_to_2 s WHERE a.seq = 30000 OR s.seq = 1) AS SIGNED) FROM ${DATABASE}.seq_1_to_40000 a WHERE seq >= ? ORDER BY seq`,
        params: [0],
      };
      const connection = await connectionOf(plain.pool);
      let rowsBefore = 0;
      // Act
      const read = (async () => {
        for await (const batch of streamWireBatches(connection, statement, sequenceColumns, {
          signal: new AbortController().signal,
          targetBatchBytes: 4096,
          warn: () => undefined,
          action: 'reading the error test',
        }))
          rowsBefore += batch.numRows;
      })();
      // Assess
      await expect(read).rejects.toThrow(/ER_SUBQUERY_NO_1_ROW/);
      expect(rowsBefore).toBeGreaterThan(0);
      expect(rowsBefore).toBeLessThan(30_000);
    }, 60_000);

    it('refuses a statement that returns more than one result set, naming why', async () => {
      // Prepare
      const statement = { sql: `CALL ${DATABASE}.two_results()`, params: [] };
      // Act
      const read = readThroughWire(plain.pool, statement, sequenceColumns);
      // Assess
      await expect(read).rejects.toThrow('The statement returned more than one result set');
    }, 60_000);

    it('fails, never ends short, when the connection is killed by KILL mid-stream', async () => {
      // Prepare
      const statement = {
        sql: `SELECT CAST(seq AS SIGNED), CAST(seq AS SIGNED) FROM ${DATABASE}.seq_1_to_2000000 WHERE seq >= ?`,
        params: [0],
      };
      const connection = await connectionOf(plain.pool);
      const killer = createPool({ host: '127.0.0.1', port: server?.port ?? 0, user: 'root', connectionLimit: 1 });
      let rows = 0;
      // Act
      const read = (async () => {
        for await (const batch of streamWireBatches(connection, statement, sequenceColumns, {
          signal: new AbortController().signal,
          targetBatchBytes: 64 * 1024,
          warn: () => undefined,
          action: 'reading the KILL test',
        })) {
          if (rows === 0) await killer.query(`KILL ${connection.threadId}`);
          rows += batch.numRows;
        }
      })();
      // Assess
      await expect(read).rejects.toThrow(
        /The connection to MySQL failed \((PROTOCOL_CONNECTION_LOST|ER_CONNECTION_KILLED)\) while reading the KILL test/,
      );
      expect(rows).toBeLessThan(2_000_000);
      await killer.end();
    }, 60_000);

    it('ends quietly when its signal fires mid-stream, and closes the half-read connection', async () => {
      // Prepare
      const statement = {
        sql: `SELECT CAST(seq AS SIGNED), CAST(seq AS SIGNED) FROM ${DATABASE}.seq_1_to_2000000 WHERE seq >= ?`,
        params: [0],
      };
      const connection = await connectionOf(plain.pool);
      const threadId = connection.threadId;
      const abort = new AbortController();
      let rows = 0;
      // Act
      for await (const batch of streamWireBatches(connection, statement, sequenceColumns, {
        signal: abort.signal,
        targetBatchBytes: 64 * 1024,
        warn: () => undefined,
        action: 'reading the abort test',
      })) {
        rows += batch.numRows;
        abort.abort();
      }
      // Assess: the server no longer has the reading session
      expect(rows).toBeGreaterThan(0);
      expect(rows).toBeLessThan(2_000_000);
      await expect
        .poll(
          async () =>
            (
              (
                await plain.pool
                  .promise()
                  .query('SELECT ID FROM information_schema.processlist WHERE ID = ?', [threadId])
              )[0] as unknown[]
            ).length,
          { timeout: 5000 },
        )
        .toBe(0);
    }, 60_000);

    // Last: it stops the private server.
    it('fails, never ends short, when the server goes away mid-stream', async () => {
      // Prepare
      const statement = {
        sql: `SELECT CAST(seq AS SIGNED), CAST(seq AS SIGNED) FROM ${DATABASE}.seq_1_to_5000000 WHERE seq >= ?`,
        params: [0],
      };
      const connection = await connectionOf(plain.pool);
      let rows = 0;
      // Act
      const read = (async () => {
        for await (const batch of streamWireBatches(connection, statement, sequenceColumns, {
          signal: new AbortController().signal,
          targetBatchBytes: 64 * 1024,
          warn: () => undefined,
          action: 'reading the shutdown test',
        })) {
          if (rows === 0) await server?.stop();
          rows += batch.numRows;
        }
      })();
      // Assess
      await expect(read).rejects.toThrow(
        /The connection to MySQL failed \((PROTOCOL_CONNECTION_LOST|ER_SERVER_SHUTDOWN|ECONNRESET|ER_CONNECTION_KILLED)\) while reading the shutdown test/,
      );
      expect(rows).toBeLessThan(5_000_000);
    }, 60_000);
  },
);
