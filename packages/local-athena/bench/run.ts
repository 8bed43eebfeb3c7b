/**
 * `pnpm bench` for local-athena: the cost of the engine around a table read. Baseline: the test
 * kit's EngineDriver scanning a table of core's reference connector (ping, GetTable, layout, every
 * split, spilled blocks from moto S3, decoded to Arrow). Candidate: local-athena reading the same
 * table for a query — the same protocol run, plus capabilities and loading every row into DuckDB
 * (on DuckDB's own thread, overlapping the reads). Both run in this process, interleaved; the ratio
 * is baseline time ÷ local-athena time (target ≥ 0.9). Then the Athena dialect's cost per query
 * (bench/dialect.ts).
 */
import { createLambdaHandler, loadHandlerConfig } from '@athena-federation/connector-core';
import { EngineDriver, inProcessTransport } from '@athena-federation/connector-core/engine';
import {
  type RatioResult,
  compareAsync,
  ensureBucket,
  report,
  startMoto,
} from '@athena-federation/connector-core/harness';
import { createReferenceConnector } from '@athena-federation/connector-core/testing';
import { Field, Float64, Int32, Int64, Schema, Utf8 } from 'apache-arrow';
import { DuckDBInstance } from '@duckdb/node-api';
import { LocalAthena } from '../src/index.js';
import { createTable, openTableLoader } from '../src/duckdb-tables.js';
import { dialectBenchmark } from './dialect.js';

// The connector's per-request INFO lines would dominate the output; both sides share the handler.
process.env['POWERTOOLS_LOG_LEVEL'] = 'WARN';
const moto = await startMoto();
Object.assign(process.env, moto.env);
const bucket = 'local-athena-bench-spill';
await ensureBucket(bucket);

/** A flat table like a device-readings scan: ids, a timestamp-ish number, a text and two measures. */
const schema = new Schema([
  new Field('patient_id', new Int64(), false),
  new Field('hour', new Int32(), false),
  new Field('device', new Utf8(), true),
  new Field('steps', new Int32(), true),
  new Field('pulse', new Float64(), true),
]);
const rowCount = Number(process.env['LOCAL_ATHENA_BENCH_ROWS'] ?? 200_000);
const table = {
  tableName: { schemaName: 'bench', tableName: 'readings' },
  schema,
  rowCount,
  splitsPerPartition: 8,
  batchRows: 4096,
  row: (i: number) => ({
    patient_id: BigInt(i % 5000),
    hour: i,
    device: i % 13 === 0 ? null : `watch-${i % 97}`,
    steps: i % 11 === 0 ? null : (i * 37) % 2000,
    pulse: 50 + ((i * 7) % 600) / 10,
  }),
};
const handler = createLambdaHandler(createReferenceConnector({ tables: [table] }), {
  config: { ...loadHandlerConfig({}), spillBucket: bucket, queryStatusCheckIntervalMs: 0 },
});

/** One comparison at the given block sizes (Athena's defaults answer inline; small ones spill to S3). */
async function readBenchmark(
  label: string,
  blocks: { maxBlockSize?: number; maxInlineBlockSize?: number },
): Promise<RatioResult> {
  const athena = await LocalAthena.create({ catalogs: { ref: { kind: 'handler', handler } }, ...blocks });
  let detail = '';
  try {
    const result = await compareAsync(
      `per-table read, ${rowCount.toLocaleString('en-US')} rows × 5 columns, 8 splits, ${label}`,
      '≥ 0.9',
      () =>
        new EngineDriver({ transport: inProcessTransport(handler), catalogName: 'ref', ...blocks }).scan(
          table.tableName,
        ),
      async () => {
        const answer = await athena.query('SELECT count(*) FROM ref.bench.readings');
        const scan = answer.scans[0];
        if (scan === undefined || scan.rows !== rowCount)
          throw new Error(`local-athena read ${String(scan?.rows)} rows, not ${rowCount}`);
        const ms = (step: string) => `${(scan.timings[step] ?? 0).toFixed(0)} ms`;
        detail = `${scan.spilledObjects} spilled objects; last run of ${scan.wallMs.toFixed(0)} ms: hand-off ${ms('handOffToDuckDB')}, DuckDB's thread ${ms('loadIntoDuckDB')}, wait for it ${ms('waitForDuckDB')}`;
      },
      31,
    );
    return { ...result, detail };
  } finally {
    await athena.close();
  }
}

/**
 * What DuckDB's thread takes off the reads: loading these rows on one thread (as before it had its
 * own), next to DuckDB's own cost of inserting them, measured as a copy of the loaded table inside
 * DuckDB (no JavaScript involved).
 */
async function duckdbFloor(): Promise<string> {
  const { table: scanned } = await new EngineDriver({
    transport: inProcessTransport(handler),
    catalogName: 'ref',
  }).scan(table.tableName);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const loads: number[] = [];
    const copies: number[] = [];
    for (let round = 0; round < 7; round++) {
      await createTable(connection, 'ref', 'bench', 'readings', schema);
      const started = performance.now();
      const loader = await openTableLoader(connection, 'ref', 'bench', 'readings', schema);
      loader.append(scanned.batches);
      await loader.close();
      loads.push(performance.now() - started);
      const copyStarted = performance.now();
      await connection.run('CREATE OR REPLACE TABLE ref.bench.copied AS SELECT * FROM ref.bench.readings');
      copies.push(performance.now() - copyStarted);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
    return `loading the ${rowCount.toLocaleString('en-US')} rows: ${median(loads).toFixed(0)} ms, of which DuckDB's own insert (a copy of the table inside DuckDB) ${median(copies).toFixed(0)} ms`;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

report([
  await readBenchmark('inline', {}),
  await readBenchmark('spilled', { maxBlockSize: 1_000_000, maxInlineBlockSize: 500_000 }),
  await dialectBenchmark(),
]);
console.log(`Off the reads' thread: ${await duckdbFloor()}.`);
await moto.stop();
