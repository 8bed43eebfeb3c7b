/**
 * The full-size split check: 1,000,000 rows read through range splits, every row exactly
 * once. It loads a million rows (about 10 s on 2 cores, more on a busy machine); CI runs it every
 * time, and AURORA_SKIP_LARGE_TESTS=1 leaves it out of a quick local loop (splits.test.ts runs the
 * same check on 120,000 rows).
 */
import { readValue } from '@athena-federation/connector-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';

const ROWS = 1_000_000;

describe.skipIf(process.env['AURORA_SKIP_LARGE_TESTS'] === '1')(
  'range splits, 1,000,000 rows (skipped only when AURORA_SKIP_LARGE_TESTS=1 asks for a quick loop)',
  () => {
    let db: TestDatabase;
    let connector: AuroraConnector;

    beforeAll(async () => {
      db = await createTestDatabase();
      await ensureSpillBucket();
      await db.pool.query('CREATE TABLE million (id INT PRIMARY KEY, v INT)');
      for (let start = 0; start < ROWS; start += 50_000) {
        await db.pool.query('INSERT INTO million VALUES ?', [
          Array.from({ length: 50_000 }, (_, k) => [(start + k) * 3 - 1_500_000, k]),
        ]);
      }
      await db.pool.query('ANALYZE TABLE million');
      connector = createAuroraConnector({ env: { ...db.env, target_rows_per_split: '50000' } });
    }, 300_000);

    afterAll(async () => {
      await connector?.close();
      await db?.drop();
    });

    it('reads every row exactly once', async () => {
      const result = await engineFor(connector, { parallelism: 8 }).scan(
        { schemaName: db.name, tableName: 'million' },
        { columns: ['id'] },
      );
      expect(result.splits).toBeGreaterThanOrEqual(10);
      const seen = new Uint8Array(ROWS);
      let total = 0;
      for (const batch of result.table.batches) {
        const ids = batch.getChild('id');
        if (ids === null) throw new Error('no id column');
        for (let i = 0; i < batch.numRows; i++) {
          const index = (Number(readValue(ids, i)) + 1_500_000) / 3;
          seen[index] = (seen[index] ?? 0) + 1;
          total++;
        }
      }
      expect(total).toBe(ROWS);
      expect(seen.every((n) => n === 1)).toBe(true);
    }, 300_000);
  },
);
