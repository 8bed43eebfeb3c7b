/**
 * The wire decoder alone: one split of the benchmark table (the statement the connector sends)
 * read by src/wire/ into Arrow RecordBatches, without the handler, core's blocks or IPC, vs the raw
 * mysql2 streaming read of the same statement; the gap to the protocol figure is what the rest of
 * the path costs. `node --expose-gc --import tsx bench/wire-read.ts` runs this figure alone.
 */
import { fileURLToPath } from 'node:url';
import { compareAsync, report, type RatioResult } from '@athena-federation/connector-core/harness';
import { streamWireBatches } from '../src/wire/wire-execute.js';
import { auroraPoolFor, connectionOf, mappedColumnsOf } from '../test/support/wire-paths.js';
import { BENCH_DATABASE, BENCH_ROWS, BENCH_SERVER, BENCH_TABLE, ensureBenchTable } from './bench-table.js';
import { SELECT, rawRead } from './raw-read.js';

/** Batches as large as the protocol figure's blocks (its requests' maxBlockSize). */
const TARGET_BATCH_BYTES = 16_000_000;

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
      '1 split via the wire decoder alone vs raw mysql2 (binary)',
      'info',
      async () => checkRows('raw binary read', await rawRead('binary')),
      wireRead,
      5,
      `${BENCH_ROWS} rows × 8 columns into Arrow batches of ~16 MB; no handler, no IPC`,
    );
  } finally {
    await end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await ensureBenchTable();
  report([await wireSplitBenchmark()]);
}
