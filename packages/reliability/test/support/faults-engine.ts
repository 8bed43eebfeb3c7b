/**
 * Wires a connector into core's real Lambda handler and an EngineDriver, so every fault test runs
 * the whole protocol: codec, dispatcher, ReadRecords, spill, and the engine reading spilled blocks.
 */
import { S3Client } from '@aws-sdk/client-s3';
import {
  type Connector,
  type Split,
  type TableName,
  createLambdaHandler,
  createS3SpillServices,
  loadHandlerConfig,
} from '@athena-federation/connector-core';
import {
  EngineDriver,
  type LambdaInvocationError,
  inProcessTransport,
  makeConstraints,
} from '@athena-federation/connector-core/testing';
import { RecordBatch, Table } from 'apache-arrow';
import { failureOf } from './faults-ledger.js';

/** How one fault test's engine and handler are set up. */
export interface FaultEngineOptions {
  readonly spillBucket: string;
  /** Handler settings, by their environment names (`throttle_initial_delay_ms`, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** Where the connector's spill client sends S3 calls (a fault proxy); default moto from the environment. */
  readonly s3Endpoint?: string;
  /** Force every block to S3: small blocks (`maxBlockSize`, default 16 KiB), nothing inline. */
  readonly spillEverything?: boolean;
  readonly maxBlockSize?: number;
  /** What the Lambda context reports as remaining time (default 15 minutes). */
  readonly remainingTimeMs?: number;
  readonly deadlineMarginMs?: number;
  readonly parallelism?: number;
}

/** A driver playing Athena against `connector` behind `createLambdaHandler`. */
export function faultEngine(connector: Connector, options: FaultEngineOptions): EngineDriver {
  const blockSize = options.maxBlockSize ?? 16_384;
  // MAX_BLOCK_SIZE_BYTES as well as the request's maxBlockSize: plugins that build their own
  // batches (Aurora) size them from the configuration, core from either.
  const env =
    options.spillEverything === true ? { MAX_BLOCK_SIZE_BYTES: String(blockSize), ...options.env } : { ...options.env };
  const config = { ...loadHandlerConfig(env), spillBucket: options.spillBucket };
  // The same client the default spill services build, only pointed at the proxy.
  const spill =
    options.s3Endpoint === undefined
      ? undefined
      : createS3SpillServices(config, { s3: new S3Client({ endpoint: options.s3Endpoint, forcePathStyle: true }) });
  const handler = createLambdaHandler(connector, {
    config,
    ...(spill === undefined ? {} : { spill }),
    ...(options.deadlineMarginMs === undefined ? {} : { deadlineMarginMs: options.deadlineMarginMs }),
  });
  return new EngineDriver({
    transport: inProcessTransport(
      handler,
      options.remainingTimeMs === undefined ? {} : { remainingTimeMs: options.remainingTimeMs },
    ),
    catalogName: 'reliability_faults',
    ...(options.spillEverything === true ? { maxBlockSize: blockSize, maxInlineBlockSize: 1 } : {}),
    ...(options.parallelism === undefined ? {} : { parallelism: options.parallelism }),
  });
}

/**
 * `connector` with `act` run once, after its `readSplit` has handed core `afterRows` rows (counted
 * inside record batches too) — how a test times a real fault (a KILL, a shutdown) to land
 * mid-stream. Nothing else changes: every item still flows through, and errors from the inner
 * read surface as they are.
 */
export function actMidRead(connector: Connector, afterRows: number, act: () => Promise<void>): Connector {
  let done = false;
  return {
    ...connector,
    async *readSplit(ctx, input) {
      let seen = 0;
      for await (const item of connector.readSplit(ctx, input)) {
        yield item;
        // A chunk of rows counts its rows: counting it as one would act long after `afterRows`, or never.
        seen += item instanceof RecordBatch ? item.numRows : item.length;
        if (!done && seen >= afterRows) {
          done = true;
          await act();
        }
      }
    },
  };
}

/**
 * A whole-table scan whose metadata calls (ping, table, layout, splits) run with time to spare and
 * whose ReadRecords invocations get `deadline`, so the deadline lands in the read, never before it.
 * Splits are read concurrently, as Athena does; the first failure is the scan's failure.
 */
export async function scanWithReadDeadline(
  connector: Connector,
  tableName: TableName,
  options: FaultEngineOptions,
  deadline: { readonly remainingTimeMs: number; readonly deadlineMarginMs: number },
): Promise<{ table: Table }> {
  const planner = faultEngine(connector, options);
  await planner.ping();
  const definition = await planner.getTable(tableName);
  const constraints = makeConstraints();
  const splits = await planner.getSplits(
    definition,
    await planner.getTableLayout(definition, constraints),
    constraints,
  );
  const reader = faultEngine(connector, { ...options, ...deadline });
  const reads = await Promise.all(
    splits.map((split) => reader.readSplit(definition.tableName, definition.schema, split, constraints)),
  );
  const batches = reads.flatMap((read) => read.batches).filter((batch) => batch.numRows > 0);
  return { table: batches.length === 0 ? new Table(definition.schema) : new Table(batches) };
}

/**
 * Handler settings for faults timed by rows read: 64 KiB blocks (MAX_BLOCK_SIZE_BYTES), so the
 * connector hands over a batch every chunk instead of holding a whole 16 MB block first.
 */
export function smallBlocks(spillBucket: string): FaultEngineOptions {
  return { spillBucket, env: { MAX_BLOCK_SIZE_BYTES: '65536' } };
}

/** A describe title that carries the reason when a private server cannot run here (`unavailable`). */
export function titleUnless(unavailable: string | undefined, title: string): string {
  return unavailable === undefined ? title : `${title} (skipped: ${unavailable})`;
}

/** Ping, table, splits: the first half of a query, so faults can land between splits; `read` reads one split. */
export async function planQuery(driver: EngineDriver, tableName: TableName) {
  await driver.ping();
  const definition = await driver.getTable(tableName);
  const constraints = makeConstraints();
  const splits = await driver.getSplits(definition, await driver.getTableLayout(definition, constraints), constraints);
  const read = async (split: Split): Promise<RecordBatch[]> =>
    (await driver.readSplit(definition.tableName, definition.schema, split, constraints)).batches;
  return { definition, splits, read };
}

/** The non-empty batches of several splits as one table. */
export function tableOfBatches(batches: readonly RecordBatch[]): Table {
  return new Table(batches.filter((b) => b.numRows > 0));
}

/** A private server a fault test stops and starts again. */
export interface RestartableServer {
  readonly running: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
}

type PlannedQuery = Awaited<ReturnType<typeof planQuery>>;

/** Reads the first split, restarts `server` (stop, start), then reads the rest: every split's rows. */
export async function readAcrossRestart(query: PlannedQuery, server: RestartableServer): Promise<Table> {
  const [first, ...rest] = query.splits;
  if (first === undefined) throw new Error('no splits');
  const batches = await query.read(first);
  await server.stop();
  await server.start();
  for (const split of rest) batches.push(...(await query.read(split)));
  return tableOfBatches(batches);
}

/**
 * Reads the first split, stops `server`, and keeps how the second split fails; then starts it again
 * and reads the second split (Athena's retry) and the rest: that failure and every split's rows.
 */
export async function readWhileDown(
  query: PlannedQuery,
  server: RestartableServer,
): Promise<{ failure: LambdaInvocationError; table: Table }> {
  const [first, second, ...rest] = query.splits;
  if (first === undefined || second === undefined) throw new Error('expected two splits');
  const batches = await query.read(first);
  await server.stop();
  let failure: LambdaInvocationError;
  try {
    failure = await failureOf(query.read(second));
  } finally {
    if (!server.running) await server.start();
  }
  for (const split of [second, ...rest]) batches.push(...(await query.read(split)));
  return { failure, table: tableOfBatches(batches) };
}
