/**
 * Test support: a private MariaDB database per test file (`athena_aurora_test_<random>`), dropped
 * afterwards, so files run in parallel without seeing each other's tables. If MariaDB is not
 * reachable the first call fails at once with the one-line fix instead of timing out.
 */
import { randomBytes } from 'node:crypto';
import { createPool, type Pool } from 'mysql2/promise';

/** Where the tests find MariaDB (override with AURORA_TEST_HOST / AURORA_TEST_PORT). */
export const MARIADB = {
  host: process.env['AURORA_TEST_HOST'] ?? '127.0.0.1',
  port: Number(process.env['AURORA_TEST_PORT'] ?? '3306'),
  user: 'root',
} as const;

/** A fresh database and an admin pool on it. */
export interface TestDatabase {
  readonly name: string;
  readonly pool: Pool;
  /** Connector environment pointing `default` at this server. */
  readonly env: Record<string, string>;
  drop(): Promise<void>;
}

/** Creates a database with a random name; call `drop()` in `afterAll`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `athena_aurora_test_${randomBytes(5).toString('hex')}`;
  const admin = createPool({ ...MARIADB, connectionLimit: 2, connectTimeout: 3000 });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } catch (error) {
    await admin.end();
    const code = (error as { code?: string }).code ?? String(error);
    throw new Error(
      `MariaDB is not reachable at ${MARIADB.host}:${MARIADB.port} as root (${code}); fix: start it with \`service mariadb start\` (or set AURORA_TEST_HOST/AURORA_TEST_PORT)`,
    );
  }
  await admin.end();
  const pool = createPool({
    ...MARIADB,
    database: name,
    connectionLimit: 4,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    multipleStatements: false,
  });
  return {
    name,
    pool,
    env: { default: `mysql://jdbc:mysql://${MARIADB.host}:${MARIADB.port}/${name}?user=root` },
    async drop() {
      await pool.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await pool.end();
    },
  };
}
