/**
 * Wires a connector into core's real Lambda handler and an EngineDriver, so every fault test runs
 * the whole protocol: codec, dispatcher, ReadRecords, spill, and the engine reading spilled blocks.
 */
import { S3Client } from '@aws-sdk/client-s3';
import {
  type Connector,
  type TableName,
  createLambdaHandler,
  createS3SpillServices,
  loadHandlerConfig,
} from '@athena-federation/connector-core';
import { EngineDriver, inProcessTransport, makeConstraints } from '@athena-federation/connector-core/testing';
import { RecordBatch, Table } from 'apache-arrow';

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
