/**
 * `${SecretName}` resolution: against moto's Secrets Manager end to end (the connector logs in to
 * MariaDB with the secret's credentials), plus the TTL cache and the failure messages, which name
 * the secret but never its value.
 */
import { CreateSecretCommand, type GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuroraConnector, createSecretsManagerResolver, parseCredentials } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { MARIADB, type TestDatabase, createTestDatabase } from './support/mariadb.js';

let db: TestDatabase;
const secretName = `athena/aurora-test/${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  const sm = new SecretsManagerClient({});
  await sm.send(
    new CreateSecretCommand({
      Name: secretName,
      SecretString: JSON.stringify({ UserName: MARIADB.user, Password: '' }),
    }),
  );
  sm.destroy();
});

afterAll(async () => {
  await db?.drop();
});

describe('secrets', () => {
  it('logs in with credentials from Secrets Manager (moto) via ${SecretName}', async () => {
    const connector = createAuroraConnector({
      env: { default: `mysql://jdbc:mysql://${MARIADB.host}:${MARIADB.port}/${db.name}?\${${secretName}}` },
    });
    try {
      expect(await engineFor(connector).listSchemas()).toContain(db.name);
    } finally {
      await connector.close();
    }
  });

  it('reports a missing secret as not found, by name', async () => {
    const connector = createAuroraConnector({
      env: { default: `mysql://jdbc:mysql://${MARIADB.host}:${MARIADB.port}/x?\${no/such/secret}` },
    });
    try {
      const error = await engineFor(connector)
        .listSchemas()
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      expect(error?.message).toMatch(/EntityNotFoundException.*no\/such\/secret/);
    } finally {
      await connector.close();
    }
  });

  it('caches values for the TTL and shares concurrent look-ups', async () => {
    let calls = 0;
    let now = 0;
    const client = { send: (_: GetSecretValueCommand) => Promise.resolve({ SecretString: `v${++calls}` }) };
    const resolve = createSecretsManagerResolver({ client, ttlMs: 1000, now: () => now });
    expect(await Promise.all([resolve('a'), resolve('a')])).toEqual(['v1', 'v1']);
    now = 999;
    expect(await resolve('a')).toBe('v1');
    now = 1000;
    expect(await resolve('a')).toBe('v2');
  });

  it('never puts a secret value into an error message', () => {
    expect(() => parseCredentials('s', 'hunter2-not-json')).toThrow(/Secret "s" is not JSON/);
    expect(() => parseCredentials('s', 'hunter2-not-json')).not.toThrow(/hunter2/);
    expect(() => parseCredentials('s', JSON.stringify({ username: 'u', pass: 'hunter2' }))).toThrow(/lacks/);
    expect(parseCredentials('s', JSON.stringify({ USERNAME: 'u', Password: 'p' }))).toEqual({
      user: 'u',
      password: 'p',
    });
  });
});
