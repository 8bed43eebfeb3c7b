/**
 * MySQL pools: a catalog's concurrent first requests share one pool. Making a pool awaits (mysql2's
 * import, TLS settings, PREFERRED's first connection), and requests that each made one left all but
 * the last pool's connections open until the Lambda instance died.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuroraConnector } from '../src/index.js';
import { engineFor } from './support/engine.js';
import { MARIADB, type TestDatabase, createTestDatabase } from './support/mariadb.js';

let db: TestDatabase;
// A login of this test's own, so its connections can be counted while other files use root.
const user = `pools_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`CREATE USER '${user}'@'127.0.0.1'`);
  await db.pool.query(`GRANT SELECT ON \`${db.name}\`.* TO '${user}'@'127.0.0.1'`);
});

afterAll(async () => {
  await db?.pool.query(`DROP USER IF EXISTS '${user}'@'127.0.0.1'`);
  await db?.drop();
});

/** Connections of the test's login. */
async function sessions(): Promise<number> {
  const [rows] = await db.pool.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?', [user]);
  return Number((rows as { n: number | string }[])[0]?.n);
}

describe('MySQL pools', () => {
  it("shares one pool among a catalog's concurrent first requests", async () => {
    const fresh = createAuroraConnector({
      env: {
        default: `mysql://jdbc:mysql://${MARIADB.host}:${MARIADB.port}/${db.name}?user=${user}`,
        pool_connection_limit: '1',
      },
    });
    try {
      expect(await sessions()).toBe(0);
      const answers = await Promise.all(Array.from({ length: 6 }, () => engineFor(fresh).listSchemas()));
      for (const schemas of answers) expect(schemas).toContain(db.name);
      // One pool of one connection; a pool per request would leave six connections open.
      expect(await sessions()).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});
