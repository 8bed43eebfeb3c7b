// The query-status watch inside the Lambda handler: when it asks Athena, what it does with the
// answer, and that a failing or denied check never fails a read. Athena here is a stand-in client
// for the failures moto cannot produce (denied, unknown query); packages/reliability's
// query-stop test runs the same path against moto_server's Athena with both connectors.
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Connector, type RowChunk, createLambdaHandler, loadHandlerConfig } from '../../src/index.js';
import type { AthenaStatusClient } from '../../src/handler/query-status.js';
import {
  EngineDriver,
  createReferenceConnector,
  ensureBucket,
  inProcessTransport,
  makeConstraints,
} from '../../src/testing/index.js';
import { mixedTable } from '../support/reference-tables.js';

const bucket = 'query-status-spill';
const base = createReferenceConnector({ tables: [mixedTable('patients', 300, { splitsPerPartition: 1 })] });
const table = { schemaName: 'ehr', tableName: 'patients' };

/** The reference connector with `delayMs` between rows, honouring the signal as a real source would. */
function slow(delayMs: number): Connector {
  return {
    ...base,
    async *readSplit(ctx, input) {
      for await (const chunk of base.readSplit(ctx, input)) {
        if (!Array.isArray(chunk)) throw new Error('the reference table of these tests yields rows');
        for (const row of chunk as RowChunk) {
          await sleep(delayMs, undefined, { signal: ctx.signal }).catch(() => undefined);
          if (ctx.signal.aborted) return;
          yield [row];
        }
      }
    },
  };
}

/** A stand-in Athena whose answers are `state()` (or what it throws), counting the calls. */
function athena(state: () => string): { client: () => Promise<AthenaStatusClient>; calls: string[] } {
  const calls: string[] = [];
  const client: AthenaStatusClient = {
    getQueryState: (queryId) => {
      calls.push(queryId);
      return Promise.resolve().then(state);
    },
  };
  return { client: () => Promise.resolve(client), calls };
}

async function read(
  connector: Connector,
  status: { client: () => Promise<AthenaStatusClient> },
  env: Record<string, string> = {},
  logger?: Logger,
) {
  const handler = createLambdaHandler(connector, {
    config: { ...loadHandlerConfig(env), spillBucket: bucket },
    athena: status.client,
    ...(logger === undefined ? {} : { logger }),
  });
  const driver = new EngineDriver({ transport: inProcessTransport(handler), queryId: 'q-watched' });
  const definition = await driver.getTable(table);
  const constraints = makeConstraints();
  const [split] = await driver.getSplits(definition, await driver.getTableLayout(definition, constraints), constraints);
  if (split === undefined) throw new Error('no split');
  const started = performance.now();
  const result = await driver.readSplit(table, definition.schema, split, constraints);
  return { rows: result.batches.reduce((n, b) => n + b.numRows, 0), ms: performance.now() - started };
}

beforeAll(() => ensureBucket(bucket));

describe('query status watch', () => {
  it('asks nothing during a read shorter than the interval', async () => {
    const status = athena(() => 'RUNNING');
    expect((await read(base, status)).rows).toBe(300);
    expect(status.calls).toEqual([]);
  });

  it('stops a long read once Athena reports the query finished, answering the rows read so far', async () => {
    // Running for the first two checks, cancelled from the third: counted by checks, not by time.
    let checks = 0;
    const status = athena(() => (++checks >= 3 ? 'CANCELLED' : 'RUNNING'));
    const result = await read(slow(10), status, { query_status_check_interval_ms: '100' });
    expect(result.rows).toBeGreaterThan(0);
    expect(result.rows).toBeLessThan(300);
    expect(status.calls.every((id) => id === 'q-watched')).toBe(true);
    expect(status.calls.length).toBe(3);
  });

  it.each([['SUCCEEDED'], ['FAILED'], ['CANCELLED']])('treats %s as finished', async (terminal) => {
    const result = await read(
      slow(10),
      athena(() => terminal),
      { query_status_check_interval_ms: '100' },
    );
    expect(result.rows).toBeLessThan(300);
  });

  it('never fails a read when the check is denied: it is logged once and not asked again', async () => {
    const lines: string[] = [];
    const logger = new Logger({ serviceName: 'query-status-test', logLevel: 'WARN' });
    logger.warn = (message: unknown, ...extra: unknown[]) => {
      lines.push(JSON.stringify([message, ...extra]));
    };
    const status = athena(() => {
      throw Object.assign(new Error('User is not authorized to perform: athena:GetQueryExecution'), {
        name: 'AccessDeniedException',
      });
    });
    const result = await read(slow(3), status, { query_status_check_interval_ms: '50' }, logger);
    expect(result.rows).toBe(300);
    expect(status.calls).toHaveLength(1);
    expect(lines.filter((l) => l.includes('Checking the query status with Athena failed'))).toHaveLength(1);
    expect(lines.join('\n')).toContain('AccessDeniedException');
    expect(lines.join('\n')).not.toContain('not authorized');
  });

  it('backs off while checks keep failing, and reads to the end', async () => {
    const status = athena(() => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    });
    const result = await read(slow(3), status, { query_status_check_interval_ms: '50' });
    expect(result.rows).toBe(300);
    // 300 rows × 3 ms ≈ 0.9 s: at 50, 100, 200, 400 ms back-off, at most five checks fit.
    expect(status.calls.length).toBeGreaterThan(0);
    expect(status.calls.length).toBeLessThanOrEqual(5);
  });

  it('is off with query_status_check_interval_ms=0', async () => {
    const status = athena(() => 'CANCELLED');
    expect((await read(slow(2), status, { query_status_check_interval_ms: '0' })).rows).toBe(300);
    expect(status.calls).toEqual([]);
  });
});
