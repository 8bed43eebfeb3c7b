/**
 * IAM database authentication for PostgreSQL catalogs, against a private PostgreSQL 15 whose
 * pg_hba.conf lets the IAM user in only over TLS with a cleartext password (`hostssl … password`,
 * which is how RDS takes a token). The stand-in signer sets the role's password to the token it is
 * about to return (`ALTER ROLE`) before returning it, so a connection logs in only with the token
 * signed last: a token signed once and reused, or no token, is refused by the real server. What
 * stays untested is RDS itself (its verdict on a real SigV4 token and its certificate; see
 * iam-auth.test.ts for the token's content).
 */
import { LambdaInvocationError } from '@athena-federation/connector-core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenSigner, TokenSignerOptions } from '../src/aurora-client.js';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket } from './support/engine.js';
import { passthroughRows } from './support/passthrough-read.js';
import {
  type ThrowawayPostgres,
  startThrowawayTlsPostgres,
  throwawayTlsPostgresUnavailable,
} from './support/throwaway-postgres.js';

const unavailable = throwawayTlsPostgresUnavailable();
const ROLE = 'athena_iam';
let server: ThrowawayPostgres | undefined;
let admin: pg.Client | undefined;

beforeAll(async () => {
  if (unavailable !== undefined) return;
  await ensureSpillBucket();
  server = await startThrowawayTlsPostgres({
    hba: ['host all postgres 127.0.0.1/32 trust', `hostssl all ${ROLE} 127.0.0.1/32 password`],
  });
  admin = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD 'never-used'`);
}, 120_000);

afterAll(async () => {
  await admin?.end();
  await server?.destroy();
});

/**
 * A stand-in for RDS's signer whose tokens are valid once each, in order. A backend reads the
 * role's password as it was when the connection began (a change made during the handshake is not
 * seen, checked by hand against PostgreSQL 15), so each call moves the password on to the next
 * token while returning the current one: connection N logs in only with the token of call N, and a
 * token signed once and reused fails from the second connection on.
 */
async function rotatingSigner() {
  const signed: string[] = [];
  const requests: TokenSignerOptions[] = [];
  const tokenNumber = (n: number) => `token-${n}-${Math.random().toString(36).slice(2)}`;
  let next = tokenNumber(1);
  await admin?.query(`ALTER ROLE ${ROLE} PASSWORD '${next}'`);
  const createTokenSigner = (options: TokenSignerOptions): TokenSigner => {
    requests.push(options);
    return {
      async getAuthToken() {
        const token = next;
        next = tokenNumber(signed.length + 2);
        await admin?.query(`ALTER ROLE ${ROLE} PASSWORD '${next}'`);
        signed.push(token);
        return token;
      },
    };
  };
  return { signed, requests, createTokenSigner };
}

function iamConnector(createTokenSigner: (options: TokenSignerOptions) => TokenSigner): AuroraConnector {
  return createAuroraConnector({
    env: {
      default: `postgres://jdbc:postgresql://127.0.0.1:${server?.port ?? 0}/postgres?user=${ROLE}`,
      iam_database_authentication: 'true',
      AWS_REGION: 'us-east-2',
    },
    createTokenSigner,
  });
}

/** Who the session is, and whether it is encrypted, as the server sees it. */
const WHO = 'SELECT current_user::text AS who, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()';

describe.skipIf(unavailable !== undefined)(
  `IAM database authentication for PostgreSQL${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('logs every new connection in with a newly signed token, over TLS', async () => {
      const signer = await rotatingSigner();
      const connector = iamConnector(signer.createTokenSigner);
      try {
        // A passthrough query's description and read each use a connection closed afterwards, so
        // two reads open several connections, each of which needs the token signed just before it.
        expect(await passthroughRows(connector, WHO)).toEqual([[ROLE, true]]);
        expect(await passthroughRows(connector, WHO)).toEqual([[ROLE, true]]);
      } finally {
        await connector.close();
      }
      expect(signer.requests).toEqual([
        { hostname: '127.0.0.1', port: server?.port, username: ROLE, region: 'us-east-2' },
      ]);
      expect(signer.signed.length).toBeGreaterThanOrEqual(4);
      expect(new Set(signer.signed).size).toBe(signer.signed.length);
    });

    it('fails clearly when the server refuses the token', async () => {
      const connector = iamConnector(() => ({ getAuthToken: async () => 'a-token-the-server-does-not-know' }));
      try {
        const error = await passthroughRows(connector, WHO).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(LambdaInvocationError);
        expect((error as LambdaInvocationError).error.errorMessage).toMatch(/password authentication failed|28P01/);
      } finally {
        await connector.close();
      }
    });
  },
);
