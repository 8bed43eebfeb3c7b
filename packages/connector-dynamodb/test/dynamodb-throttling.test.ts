// Throttling: before any row is read a DynamoDB throttle goes to Athena as
// FederationThrottleException (Athena lowers its parallelism); afterwards it is waited out with AIMD.
// And the optional capacity cap (`max_read_capacity_units`) paces pages by consumed capacity.
import { createLambdaHandler, loadHandlerConfig } from '@athena-federation/connector-core';
import {
  EngineDriver,
  LambdaInvocationError,
  inProcessTransport,
  ensureBucket,
} from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbConnector, loadDynamoDbConfig, type DynamoDbClientLike } from '../src/index.js';
import { createTable, startDynalite, type DynaliteServer } from './support/dynalite-server.js';
import { readingItems, readingsTable } from './support/fixtures.js';

let dynamo: DynaliteServer;
const config = {
  ...loadHandlerConfig({ throttle_initial_delay_ms: '1', throttle_max_delay_ms: '5', throttle_increase_ms: '1' }),
  spillBucket: 'dynamodb-throttle-spill',
};

beforeAll(async () => {
  await ensureBucket(config.spillBucket);
  dynamo = await startDynalite();
  await createTable(dynamo.client, readingsTable, readingItems);
});

afterAll(async () => {
  await dynamo.stop();
});

/** Scans come back in pages of 100 items; the Scan calls listed in `throttleOn` (1-based) throw a throttle. */
function throttlingClient(throttleOn: ReadonlySet<number>): { client: DynamoDbClientLike; scans: () => number } {
  let scans = 0;
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }, options?: object) => {
    // Read scans have min_scan_segments (4) segments; schema sampling uses schema_inference_segments (32).
    if (command.constructor.name === 'ScanCommand' && command.input['TotalSegments'] === 4) {
      scans++;
      if (throttleOn.has(scans))
        throw Object.assign(new Error('Rate exceeded'), {
          name: 'ProvisionedThroughputExceededException',
          $metadata: { httpStatusCode: 400 },
        });
      command.input['Limit'] = 100;
    }
    return dynamo.client.send(command as never, options);
  };
  return { client: { send } as unknown as DynamoDbClientLike, scans: () => scans };
}

describe('throttling', () => {
  const table = { schemaName: 'default', tableName: 'readings' };

  it('surfaces a throttle before the first row as FederationThrottleException', async () => {
    // Prepare
    const fake = throttlingClient(new Set([1]));
    const connector = createDynamoDbConnector({ client: fake.client, config: loadDynamoDbConfig({}) });
    const d = new EngineDriver({
      transport: inProcessTransport(createLambdaHandler(connector, { config })),
      parallelism: 1,
    });
    // Act
    const error = await d.scan(table, { maxSplits: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Assess
    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect((error as LambdaInvocationError).error.errorType).toBe(
      'com.amazonaws.athena.connector.lambda.exceptions.FederationThrottleException',
    );
  });

  it('waits out a throttle once rows have been read, and returns every row', async () => {
    const fake = throttlingClient(new Set([2, 3]));
    const connector = createDynamoDbConnector({ client: fake.client, config: loadDynamoDbConfig({}) });
    const d = new EngineDriver({
      transport: inProcessTransport(createLambdaHandler(connector, { config })),
      parallelism: 1,
    });
    const result = await d.scan(table);
    expect(result.table.numRows).toBe(readingItems.length);
    expect(fake.scans()).toBeGreaterThan(readingItems.length / 100);
  });
});

describe('capacity cap', () => {
  const table = { schemaName: 'default', tableName: 'readings' };

  /** Pages of 100 items; records the capacity each Scan reports, per segment. */
  function measuringClient() {
    const bySegment = new Map<number, number[]>();
    const send = async (
      command: { constructor: { name: string }; input: Record<string, unknown> },
      options?: object,
    ) => {
      const scan = command.constructor.name === 'ScanCommand' && command.input['TotalSegments'] === 4;
      if (scan) command.input['Limit'] = 100;
      const output = (await dynamo.client.send(command as never, options)) as {
        ConsumedCapacity?: { CapacityUnits?: number };
      };
      if (scan) {
        const segment = Number(command.input['Segment']);
        bySegment.set(segment, [...(bySegment.get(segment) ?? []), output.ConsumedCapacity?.CapacityUnits ?? 0]);
      }
      return output;
    };
    return { client: { send } as unknown as DynamoDbClientLike, bySegment };
  }

  it('spreads max_read_capacity_units over the splits and pauses between pages to stay under it', async () => {
    // Prepare: measure what each segment consumes, then cap so the busiest split needs ~1.5 s.
    const probe = measuringClient();
    const capped = (cap: number) =>
      createDynamoDbConnector({
        client: probe.client,
        config: { ...loadDynamoDbConfig({}), maxReadCapacityUnits: cap },
      });
    await new EngineDriver({ transport: inProcessTransport(createLambdaHandler(capped(1_000_000), { config })) }).scan(
      table,
    );
    const perSplit = Math.max(
      ...[...probe.bySegment.values()].map((units) => units.slice(0, -1).reduce((a, b) => a + b, 0)),
    );
    expect(perSplit).toBeGreaterThan(0);
    const splits = probe.bySegment.size;
    const cap = Math.max(1, Math.floor((perSplit / 1.5) * splits));
    probe.bySegment.clear();
    // Act
    const started = Date.now();
    const result = await new EngineDriver({
      transport: inProcessTransport(createLambdaHandler(capped(cap), { config })),
      parallelism: splits,
    }).scan(table);
    const elapsed = Date.now() - started;
    // Assess
    expect(result.table.numRows).toBe(readingItems.length);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
  }, 60_000);
});
