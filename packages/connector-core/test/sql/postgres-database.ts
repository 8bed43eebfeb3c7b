/**
 * Test support: a private PostgreSQL database per test file (`sqlkit_test_<random>`), dropped
 * afterwards. If PostgreSQL is not reachable the first call fails at once with the fix, never a
 * silent skip. Values come back as PostgreSQL's text (no pg type parsing, no local time zone).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where the tests find PostgreSQL (override with PG_TEST_HOST / PG_TEST_PORT). */
export const POSTGRES = {
  host: process.env['PG_TEST_HOST'] ?? '127.0.0.1',
  port: Number(process.env['PG_TEST_PORT'] ?? '5432'),
  user: 'postgres',
} as const;

/** Every column as the server's text: the test converts it to what Athena would read. */
const rawText = { getTypeParser: () => (value: string) => value };

/** A fresh database and a client on it. */
export interface PostgresTestDatabase {
  readonly client: pg.Client;
  drop(): Promise<void>;
}

/** Creates a database with a random name; call `drop()` in `afterAll`. */
export async function createPostgresDatabase(): Promise<PostgresTestDatabase> {
  const name = `sqlkit_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ ...POSTGRES, database: 'postgres', connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} ENCODING 'UTF8' TEMPLATE template0`);
  } catch (error) {
    await admin.end().catch(() => undefined);
    const code = (error as { code?: string }).code ?? String(error);
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES.host}:${POSTGRES.port} as postgres (${code}); fix: start it with \`pg_ctlcluster 15 main start\` (or \`service postgresql start\`), or set PG_TEST_HOST/PG_TEST_PORT`,
    );
  }
  const client = new pg.Client({ ...POSTGRES, database: name, types: rawText });
  await client.connect();
  return {
    client,
    async drop() {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}
