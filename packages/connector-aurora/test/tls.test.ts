/**
 * TLS to MySQL as Connector/J's sslMode does it, against real servers: a private mariadbd started
 * here with certificates made by openssl (a test CA, and a server certificate for 127.0.0.1 only), and the shared MariaDB, which offers no TLS. Whether a session is encrypted is asked
 * of the server itself (`Ssl_cipher`), through the connector's query passthrough.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRows } from '@athena-federation/connector-core';
import { LambdaInvocationError, makeConstraints } from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ThrowawayMariaDb,
  startThrowawayMariaDb,
  throwawayMariaDbUnavailable,
} from './support/throwaway-mariadb.js';
import { createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { passthroughRowsWith } from './support/passthrough-read.js';
import { makeCertificates, spawnable } from './support/test-certificates.js';

const unavailable =
  throwawayMariaDbUnavailable() ??
  (spawnable('openssl') ? undefined : 'openssl is not installed, so no test certificate can be made');
const dir = mkdtempSync(join(tmpdir(), 'aurora-tls-'));
let server: ThrowawayMariaDb | undefined;

beforeAll(async () => {
  if (unavailable !== undefined) return;
  await ensureSpillBucket();
  makeCertificates(dir, 'good', 'IP:127.0.0.1');
  // A second CA that signed nothing the server holds: trusting only it must fail VERIFY_CA.
  makeCertificates(dir, 'other', 'DNS:elsewhere.invalid');
  server = await startThrowawayMariaDb([
    `--ssl-ca=${join(dir, 'good-ca.pem')}`,
    `--ssl-cert=${join(dir, 'good-server.pem')}`,
    `--ssl-key=${join(dir, 'good-server.key')}`,
  ]);
}, 120_000);

afterAll(async () => {
  await server?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The session's TLS cipher, read through `system.query` with `connection` as the connection
 * string's tail (`sslMode=…`); NODE_EXTRA_CA_CERTS is set to `extraCa` for the call.
 */
async function sessionCipher(
  port: number,
  tail: string,
  options: { host?: string; extraCa?: string } = {},
): Promise<string> {
  const [row] = await passthroughRowsWith(
    { default: `mysql://jdbc:mysql://${options.host ?? '127.0.0.1'}:${port}/mysql?user=root&${tail}` },
    "SELECT VARIABLE_VALUE AS cipher FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER'",
    options.extraCa,
  );
  return String(row?.[0] ?? '');
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LambdaInvocationError);
  return (error as LambdaInvocationError).error.errorMessage;
}

const tlsPort = (): number => server?.port ?? 0;
const SHARED_PORT = 3306;

describe.skipIf(unavailable !== undefined)(
  `TLS to MySQL by sslMode${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('PREFERRED (the default) encrypts when the server offers TLS', async () => {
      expect(await sessionCipher(tlsPort(), '')).toMatch(/^TLS_|^ECDHE|AES/);
      expect(await sessionCipher(tlsPort(), 'sslMode=PREFERRED')).not.toBe('');
    });

    it('PREFERRED falls back to plain text only when the server offers no TLS', async () => {
      expect(await sessionCipher(SHARED_PORT, 'sslMode=PREFERRED')).toBe('');
    });

    it('DISABLED does not encrypt, even when the server offers TLS', async () => {
      expect(await sessionCipher(tlsPort(), 'sslMode=DISABLED')).toBe('');
      expect(await sessionCipher(tlsPort(), 'useSSL=false')).toBe('');
    });

    it('REQUIRED encrypts without checking the certificate, and fails clearly against a server without TLS', async () => {
      expect(await sessionCipher(tlsPort(), 'sslMode=REQUIRED')).not.toBe('');
      expect(await sessionCipher(tlsPort(), 'useSSL=true&requireSSL=true')).not.toBe('');
      const message = await failure(sessionCipher(SHARED_PORT, 'sslMode=REQUIRED'));
      expect(message).toContain(
        `default (sslMode=REQUIRED, 127.0.0.1:${SHARED_PORT}): the MySQL server does not offer TLS`,
      );
      expect(message).toContain('AccessDeniedException');
    });

    it('VERIFY_CA trusts the CAs in NODE_EXTRA_CA_CERTS and fails clearly for a certificate no trusted CA signed', async () => {
      expect(await sessionCipher(tlsPort(), 'sslMode=VERIFY_CA', { extraCa: join(dir, 'good-ca.pem') })).not.toBe('');
      expect(
        await sessionCipher(tlsPort(), 'verifyServerCertificate=true', { extraCa: join(dir, 'good-ca.pem') }),
      ).not.toBe('');
      const message = await failure(
        sessionCipher(tlsPort(), 'sslMode=VERIFY_CA', { extraCa: join(dir, 'other-ca.pem') }),
      );
      expect(message).toContain(
        `default (sslMode=VERIFY_CA, 127.0.0.1:${tlsPort()}): the server's certificate is not signed by a trusted CA`,
      );
      // Not even Node's own store or the RDS bundle trust a test CA.
      await failure(sessionCipher(tlsPort(), 'sslMode=VERIFY_CA'));
    });

    it("VERIFY_IDENTITY accepts a pool's later connections (resumed TLS sessions), and refuses them when no handshake named the host", async () => {
      const previous = process.env['NODE_EXTRA_CA_CERTS'];
      process.env['NODE_EXTRA_CA_CERTS'] = join(dir, 'good-ca.pem');
      try {
        for (const [host, ok] of [
          ['127.0.0.1', true],
          ['localhost', false],
        ] as const) {
          const connector = createAuroraConnector({
            env: { default: `mysql://jdbc:mysql://${host}:${tlsPort()}/mysql?user=root&sslMode=VERIFY_IDENTITY` },
          });
          try {
            const d = engineFor(connector);
            await d.ping();
            // Each passthrough statement runs on a connection of its own, so every read after the first resumes a session.
            for (let i = 0; i < 3; i++) {
              const args = {
                schemaFunctionName: 'SYSTEM.QUERY',
                QUERY: `SELECT ${i} AS n, VARIABLE_VALUE AS cipher FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER'`,
              };
              const read = (async () => {
                const table = await d.getTable({ schemaName: 'system', tableName: 'query' }, args);
                const constraints = makeConstraints({ queryPassthroughArguments: args });
                const [split] = await d.getSplits(table, await d.getTableLayout(table, constraints), constraints);
                if (split === undefined) throw new Error('no split');
                return (await d.readSplit(table.tableName, table.schema, split, constraints)).batches.flatMap((b) =>
                  readRows(b),
                );
              })();
              if (ok) {
                const [row] = await read;
                expect(row?.[0]).toBe(i);
                expect(String(row?.[1])).not.toBe('');
              } else {
                expect(await failure(read)).toContain("the server's certificate does not name localhost");
              }
            }
          } finally {
            await connector.close();
          }
        }
      } finally {
        if (previous === undefined) delete process.env['NODE_EXTRA_CA_CERTS'];
        else process.env['NODE_EXTRA_CA_CERTS'] = previous;
      }
    });

    it('VERIFY_IDENTITY also checks that the certificate names the host', async () => {
      const trusted = { extraCa: join(dir, 'good-ca.pem') };
      expect(await sessionCipher(tlsPort(), 'sslMode=VERIFY_IDENTITY', trusted)).not.toBe('');
      // `localhost` reaches the same server, but the certificate names only 127.0.0.1.
      const message = await failure(
        sessionCipher(tlsPort(), 'sslMode=VERIFY_IDENTITY', { ...trusted, host: 'localhost' }),
      );
      expect(message).toContain("the server's certificate does not name localhost");
      // VERIFY_CA does not care which name was used.
      expect(await sessionCipher(tlsPort(), 'sslMode=VERIFY_CA', { ...trusted, host: 'localhost' })).not.toBe('');
    });
  },
);
