/**
 * TLS to PostgreSQL by libpq's `sslmode`, against real servers: a private PostgreSQL 15 started here
 * with certificates made by openssl (a test CA, and a server certificate for 127.0.0.1 only), and
 * the shared PostgreSQL, which offers no TLS. Whether a session is encrypted is asked of the server
 * itself (`pg_stat_ssl`), through the connector's query passthrough.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaInvocationError } from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSpillBucket } from './support/engine.js';
import { POSTGRES } from './support/postgres.js';
import { passthroughRowsWith } from './support/passthrough-read.js';
import { makeCertificates } from './support/test-certificates.js';
import {
  type ThrowawayPostgres,
  startThrowawayPostgres,
  throwawayTlsPostgresUnavailable,
} from './support/throwaway-postgres.js';

const unavailable = throwawayTlsPostgresUnavailable();
const dir = mkdtempSync(join(tmpdir(), 'aurora-pg-certs-'));
let server: ThrowawayPostgres | undefined;

beforeAll(async () => {
  if (unavailable !== undefined) return;
  await ensureSpillBucket();
  makeCertificates(dir, 'good', 'IP:127.0.0.1');
  // A second CA that signed nothing the server holds: trusting only it must fail verify-ca.
  makeCertificates(dir, 'other', 'DNS:elsewhere.invalid');
  server = await startThrowawayPostgres({
    certificate: join(dir, 'good-server.pem'),
    key: join(dir, 'good-server.key'),
  });
}, 120_000);

afterAll(async () => {
  await server?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Whether the session is encrypted (`t`/`f`, from pg_stat_ssl), read through `system.query` with
 * `tail` as the connection string's parameters; NODE_EXTRA_CA_CERTS is `extraCa` for the call.
 */
async function sessionEncrypted(
  port: number,
  tail: string,
  options: { host?: string; extraCa?: string } = {},
): Promise<boolean> {
  const [row] = await passthroughRowsWith(
    { default: `postgres://jdbc:postgresql://${options.host ?? '127.0.0.1'}:${port}/postgres?user=postgres&${tail}` },
    'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    options.extraCa,
  );
  return row?.[0] === true;
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

describe.skipIf(unavailable !== undefined)(
  `TLS to PostgreSQL by sslmode${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('prefer (the default) encrypts when the server offers TLS, and falls back to plain text only when it has none', async () => {
      expect(await sessionEncrypted(tlsPort(), '')).toBe(true);
      expect(await sessionEncrypted(tlsPort(), 'sslmode=prefer')).toBe(true);
      expect(await sessionEncrypted(POSTGRES.port, 'sslmode=prefer')).toBe(false);
    });

    it('disable and allow stay in plain text where the server accepts it', async () => {
      expect(await sessionEncrypted(tlsPort(), 'sslmode=disable')).toBe(false);
      expect(await sessionEncrypted(tlsPort(), 'sslmode=allow')).toBe(false);
    });

    it('require encrypts without checking the certificate, and fails clearly against a server without TLS', async () => {
      expect(await sessionEncrypted(tlsPort(), 'sslmode=require')).toBe(true);
      const message = await failure(sessionEncrypted(POSTGRES.port, 'sslmode=require'));
      expect(message).toContain(
        `default (sslmode=require, 127.0.0.1:${POSTGRES.port}): the PostgreSQL server does not offer TLS`,
      );
      expect(message).toContain('AccessDeniedException');
    });

    it('verify-ca trusts the CAs in NODE_EXTRA_CA_CERTS and fails clearly for a certificate no trusted CA signed', async () => {
      const good = { extraCa: join(dir, 'good-ca.pem') };
      expect(await sessionEncrypted(tlsPort(), 'sslmode=verify-ca', good)).toBe(true);
      const message = await failure(
        sessionEncrypted(tlsPort(), 'sslmode=verify-ca', { extraCa: join(dir, 'other-ca.pem') }),
      );
      expect(message).toContain(
        `default (sslmode=verify-ca, 127.0.0.1:${tlsPort()}): the server's certificate is not signed by a trusted CA`,
      );
      // Not even Node's own store or the RDS bundle trust a test CA.
      await failure(sessionEncrypted(tlsPort(), 'sslmode=verify-ca'));
      // verify-ca does not care which name was used.
      expect(await sessionEncrypted(tlsPort(), 'sslmode=verify-ca', { ...good, host: 'localhost' })).toBe(true);
    });

    it("verify-full (and pgjdbc's ssl=true) also checks that the certificate names the host", async () => {
      const good = { extraCa: join(dir, 'good-ca.pem') };
      expect(await sessionEncrypted(tlsPort(), 'sslmode=verify-full', good)).toBe(true);
      expect(await sessionEncrypted(tlsPort(), 'ssl=true', good)).toBe(true);
      // `localhost` reaches the same server, but the certificate names only 127.0.0.1.
      const message = await failure(sessionEncrypted(tlsPort(), 'sslmode=verify-full', { ...good, host: 'localhost' }));
      expect(message).toContain("the server's certificate does not name localhost");
    });
  },
);
