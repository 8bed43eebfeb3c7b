/**
 * Child-process part of the memory test (run with `node --expose-gc --import tsx`): one warm
 * handler over the named connector's real source serves 1,000 sequential ReadRecords, rows checked
 * each time, and the process's RSS is taken, garbage collected, after the 100th and the 1,000th.
 * Prints one JSON line. Apart from the test runner so that nothing else shares its heap.
 */
import { makeConstraints } from '@athena-federation/connector-core/testing';
import { checkBatches, countingDriver, planReads } from './read-all.js';
import { startAuroraTarget, startDynamoDbTarget } from './targets.js';

const INVOCATIONS = 1000;
const connector = process.argv[2];
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('run with node --expose-gc');

async function settledMemory(): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 3; i++) {
    collect?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed };
}

const target =
  connector === 'aurora'
    ? await startAuroraTarget({
        table: 'soak_patients',
        rows: 1000,
        env: { target_rows_per_split: '50', max_splits_per_table: '1000' },
      })
    : connector === 'dynamodb'
      ? await startDynamoDbTarget({ rows: 500, env: { min_scan_segments: '10' } })
      : undefined;
if (target === undefined) throw new Error(`unknown connector ${String(connector)}: aurora or dynamodb`);
try {
  // Every fourth read with blocks small enough to spill (encrypt, upload, download); the rest answer inline.
  const { driver } = countingDriver(target);
  const { driver: spilling } = countingDriver(target, { maxBlockSize: 8 * 1024, maxInlineBlockSize: 2 * 1024 });
  const { table, splits } = await planReads(driver, target);
  const constraints = makeConstraints();
  let rowsChecked = 0;
  let after100 = { rss: 0, heap: 0 };
  for (let i = 1; i <= INVOCATIONS; i++) {
    const split = splits[i % splits.length];
    if (split === undefined) throw new Error('no split');
    const { batches } = await (i % 4 === 0 ? spilling : driver).readSplit(
      table.tableName,
      table.schema,
      split,
      constraints,
    );
    const seen = new Set<number>();
    checkBatches(batches, seen, `${connector} invocation ${i}`);
    rowsChecked += seen.size;
    if (i === 100) after100 = await settledMemory();
  }
  const after1000 = await settledMemory();
  const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  console.log(
    JSON.stringify({
      connector,
      invocations: INVOCATIONS,
      rowsChecked,
      logLines: target.logs.count,
      logLeaks: target.logs.leaks.length,
      rssAfter100: mib(after100.rss),
      rssAfter1000: mib(after1000.rss),
      heapAfter100: mib(after100.heap),
      heapAfter1000: mib(after1000.heap),
    }),
  );
} finally {
  await target.stop();
}
