/**
 * Test support: a private PostgreSQL database per test file (`athena_aurora_pg_<random>`), dropped
 * afterwards, so files run in parallel without seeing each other's tables. If PostgreSQL is not
 * reachable the first call fails at once with the fix, never a silent skip. The admin client reads
 * every value as the server's text (no pg type parsing, no local time zone), so tests compute what
 * Athena should see from PostgreSQL's own rendering.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where the tests find PostgreSQL (override with PG_TEST_HOST / PG_TEST_PORT). */
export const POSTGRES = {
  host: process.env['PG_TEST_HOST'] ?? '127.0.0.1',
  port: Number(process.env['PG_TEST_PORT'] ?? '5432'),
  user: 'postgres',
} as const;

const rawText = { getTypeParser: () => (value: string) => value } as pg.CustomTypesConfig;

/** A fresh database, a client on it, and the connector's environment pointing `default` at it. */
export interface PostgresTestDatabase {
  readonly name: string;
  readonly client: pg.Client;
  /** `default` = this database (sslmode as given, default libpq's `prefer`). */
  readonly env: Record<string, string>;
  /** The connection string of this database, for `<catalog>_connection_string`. */
  readonly connectionString: string;
  drop(): Promise<void>;
}

/** Creates a database with a random name; call `drop()` in `afterAll`. */
export async function createPostgresTestDatabase(): Promise<PostgresTestDatabase> {
  const name = `athena_aurora_pg_${randomBytes(5).toString('hex')}`;
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
  const connectionString = `postgres://jdbc:postgresql://${POSTGRES.host}:${POSTGRES.port}/${name}?user=postgres`;
  return {
    name,
    client,
    env: { default: connectionString },
    connectionString,
    async drop() {
      await client.end();
      // Connections the connector left idle would keep the database in use.
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
