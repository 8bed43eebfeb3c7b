// Load: one warm handler per connector serves 32 ReadRecords at once, as Athena's parallel splits
// do, with small blocks so splits spill (encrypted) to moto S3 while others answer inline; every
// row of the table is checked against the source, exactly once.
import { afterAll, describe, expect, it } from 'vitest';
import { checkBatches, countingDriver, planReads } from './support/read-all.js';
import { startAuroraTarget, startDynamoDbTarget, type Target } from './support/targets.js';

const PARALLEL_SPLITS = 32;
const targets: Target[] = [];
afterAll(async () => {
  for (const target of targets) await target.stop();
});

describe.each([
  {
    name: 'aurora',
    rows: 20_000,
    start: (rows: number) =>
      startAuroraTarget({
        table: 'load_patients',
        rows,
        env: { target_rows_per_split: String(rows / PARALLEL_SPLITS), max_splits_per_table: '1000' },
      }),
  },
  {
    name: 'dynamodb',
    rows: 3_200,
    start: (rows: number) => startDynamoDbTarget({ rows, env: { min_scan_segments: String(PARALLEL_SPLITS) } }),
  },
])('$name under parallel splits', ({ rows, start }) => {
  it(`reads ${PARALLEL_SPLITS} splits at once on one warm handler, every row exactly once`, {
    timeout: 120_000,
  }, async () => {
    const target = await start(rows);
    targets.push(target);
    const { driver, flight } = countingDriver(target, {
      parallelism: PARALLEL_SPLITS,
      maxBlockSize: 16 * 1024,
      maxInlineBlockSize: 4 * 1024,
    });
    const { table, splits } = await planReads(driver, target);
    expect(splits.length).toBeGreaterThanOrEqual(PARALLEL_SPLITS);
    const seen = new Set<number>();
    let spilled = 0;
    let inline = 0;
    await Promise.all(
      splits.map(async (split, i) => {
        const { batches, spilledObjects } = await driver.readSplit(table.tableName, table.schema, split, {
          summary: {},
          expression: [],
          orderByClause: [],
          limit: -1n,
          queryPassthroughArguments: {},
          queryPlan: null,
        });
        if (spilledObjects > 0) spilled++;
        else inline++;
        checkBatches(batches, seen, `${target.name} split ${i}`);
      }),
    );
    console.info(
      `[reliability] load ${target.name}: ${JSON.stringify({ rows, splits: splits.length, peakConcurrentReads: flight.peak, spilledSplits: spilled, inlineSplits: inline, rowsChecked: seen.size, rowsLost: rows - seen.size })}`,
    );
    expect(flight.peak).toBeGreaterThanOrEqual(PARALLEL_SPLITS);
    expect(spilled).toBeGreaterThan(0);
    expect(seen.size).toBe(rows);
    expect(Math.min(...seen)).toBe(1);
    expect(Math.max(...seen)).toBe(rows);
  });
});
