/**
 * The wire decoder's figure: one split of the benchmark table (the statement the connector sends)
 * read by src/wire/ into Arrow RecordBatches vs the raw mysql2 streaming read of the same statement.
 * `node --expose-gc --import tsx bench/wire-read.ts` runs this figure alone.
 */
import { fileURLToPath } from 'node:url';
import { compareAsync, report, type RatioResult } from '@athena-federation/connector-core/harness';
import { streamWireBatches } from '../src/wire/wire-execute.js';
import { auroraPoolFor, connectionOf, mappedColumnsOf } from '../test/support/wire-paths.js';
import { BENCH_DATABASE, BENCH_ROWS, BENCH_SERVER, BENCH_TABLE, ensureBenchTable } from './bench-table.js';
import { SELECT, rawRead } from './raw-read.js';

/** Batches as large as core's default block, so the decoder cuts as a real read would. */
const TARGET_BATCH_BYTES = 4 * 1024 * 1024;

function checkRows(what: string, rows: number): void {
  if (rows !== BENCH_ROWS) throw new Error(`${what} read ${rows} rows, expected ${BENCH_ROWS}`);
}

/** Ratio of the raw mysql2 read's time to the wire decoder's (above 1: the decoder is faster). */
export async function wireSplitBenchmark(): Promise<RatioResult> {
  const { pool, end } = await auroraPoolFor(BENCH_DATABASE, BENCH_SERVER.port);
  try {
    const columns = await mappedColumnsOf(pool, BENCH_DATABASE, BENCH_TABLE);
    const signal = new AbortController().signal;
    const wireRead = async () => {
      let rows = 0;
      for await (const batch of streamWireBatches(await connectionOf(pool), { sql: SELECT, params: [] }, columns, {
        signal,
        targetBatchBytes: TARGET_BATCH_BYTES,
        warn: () => undefined,
        action: 'the wire benchmark',
      }))
        rows += batch.numRows;
      checkRows('wire read', rows);
    };
    return await compareAsync(
      '1 split via the wire decoder vs raw mysql2 (binary)',
      '≥ 1.0 (issue #17)',
      async () => checkRows('raw binary read', await rawRead('binary')),
      wireRead,
      5,
      `${BENCH_ROWS} rows × 8 columns into Arrow batches of ~4 MiB; no spill, no IPC`,
    );
  } finally {
    await end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await ensureBenchTable();
  report([await wireSplitBenchmark()]);
}
