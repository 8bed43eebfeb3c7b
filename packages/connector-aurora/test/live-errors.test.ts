/**
 * Error classification end to end: what Athena sees (the Java exception and source error code)
 * for a wrong password, an unreachable server and a dropped table, with no driver text leaking.
 */
import { LambdaInvocationError, makeConstraints } from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { MARIADB, type TestDatabase, createTestDatabase } from './support/mariadb.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
});

afterAll(async () => {
  await db?.drop();
});

async function failureOf(
  env: Record<string, string>,
  call: (d: ReturnType<typeof engineFor>) => Promise<unknown>,
): Promise<string> {
  const connector = createAuroraConnector({ env });
  try {
    const error = await call(engineFor(connector)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LambdaInvocationError);
    return (error as LambdaInvocationError).error.errorMessage;
  } finally {
    await connector.close();
  }
}

describe('errors from a live server', () => {
  it('a wrong password is AccessDeniedException and does not echo the password', async () => {
    const message = await failureOf(
      { default: `mysql://jdbc:mysql://${MARIADB.host}:${MARIADB.port}/x?user=nobody_here&password=Wr0ngPass` },
      (d) => d.listSchemas(),
    );
    expect(message).toMatch(/AccessDeniedException.*ER_ACCESS_DENIED_ERROR/);
    expect(message).not.toContain('Wr0ngPass');
    expect(message).not.toContain('nobody_here');
  });

  it('an unreachable server fails fast as an internal connection error', async () => {
    const started = Date.now();
    const message = await failureOf(
      { default: 'mysql://jdbc:mysql://127.0.0.1:1/x?user=root&connectTimeout=2000' },
      (d) => d.listSchemas(),
    );
    expect(message).toMatch(/InternalServiceException.*connection to MySQL failed \(ECONNREFUSED\)/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a table dropped between GetTable and ReadRecords is EntityNotFoundException', async () => {
    await db.pool.query('CREATE TABLE doomed (id INT PRIMARY KEY)');
    const message = await failureOf(db.env, async (d) => {
      await d.ping();
      const table = await d.getTable({ schemaName: db.name, tableName: 'doomed' });
      const partitions = await d.getTableLayout(table, makeConstraints({}));
      const [split] = await d.getSplits(table, partitions, makeConstraints({}));
      await db.pool.query('DROP TABLE doomed');
      if (split === undefined) throw new Error('no split');
      return d.readSplit(table.tableName, table.schema, split, makeConstraints({}));
    });
    expect(message).toMatch(/EntityNotFoundException.*doomed/);
  });
});
