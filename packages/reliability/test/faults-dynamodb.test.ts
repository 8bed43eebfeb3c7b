// DynamoDB faults: throttling (every other call; persistent), an emulator that goes away or stops
// answering mid-scan, and items whose attribute type changes between pages. The connector's real
// SDK client talks to a fault proxy in front of dynalite, which answers with DynamoDB's own 400
// ProvisionedThroughputExceededException body, hangs, or forwards; the SDK's retries run as deployed.
import { ensureBucket } from '@athena-federation/connector-core/testing';
import {
  createDefaultDynamoDbClient,
  createDynamoDbConnector,
  loadDynamoDbConfig,
} from '@athena-federation/connector-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Dynalite,
  type Item,
  createReadingsTable,
  dynamoDbConnector,
  putItems,
  readingItems,
  sourceIds,
  sourceTexts,
  startDynalite,
} from './support/faults-dynalite.js';
import { faultEngine } from './support/faults-engine.js';
import {
  ATHENA_CONNECTOR_EXCEPTION,
  FEDERATION_THROTTLE_EXCEPTION,
  columnTexts,
  createLedger,
  expectClearError,
  expectEveryRowOnce,
  failureOf,
  formatLedger,
} from './support/faults-ledger.js';
import {
  type FaultPlan,
  type FaultProxy,
  type ProxiedRequest,
  type ProxyAction,
  dynamoDbOperation,
  dynamoDbThrottle,
  startFaultProxy,
} from './support/faults-proxy.js';

const SPILL_BUCKET = 'reliability-faults-dynamodb-spill';
const READINGS = 'faults_readings';
const ITEMS = 1200;
const PAGE = 100;
const ledger = createLedger('DynamoDB');
// Fast AIMD pacing so waiting out a throttle costs milliseconds.
const handlerEnv = { throttle_initial_delay_ms: '1', throttle_max_delay_ms: '20', throttle_increase_ms: '1' };

let dynamo: Dynalite;
let proxy: FaultProxy;
/** The readings table's ids as dynalite holds them. */
let ids: string[];

/** Scan pages of {@link PAGE} items (a real table pages at 1 MB), so a scan takes many calls. */
function smallPages(request: ProxiedRequest): Buffer | undefined {
  if (dynamoDbOperation(request) !== 'Scan') return undefined;
  const body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
  body['Limit'] = Math.min(typeof body['Limit'] === 'number' ? body['Limit'] : PAGE, PAGE);
  return Buffer.from(JSON.stringify(body));
}

/** A split's read Scan, told from schema sampling by its projection (sampling reads whole items). */
/** Read Scans use the splits' 2 segments; schema sampling uses 3 (see the connector setup), so they never count. */
function isReadScan(request: ProxiedRequest): boolean {
  return (
    dynamoDbOperation(request) === 'Scan' &&
    (JSON.parse(request.body.toString('utf8')) as Record<string, unknown>)['TotalSegments'] === 2
  );
}

/**
 * A plan that pages small and lets `fault` decide about each read Scan: `scan` numbers them from 1
 * across the table, `page` within their split (Scan segment).
 */
function onReadScans(
  fault: (scan: number, page: number) => ProxyAction | undefined | Promise<ProxyAction | undefined>,
): FaultPlan {
  let scans = 0;
  const pages = new Map<unknown, number>();
  return async (request) => {
    const paged = smallPages(request);
    const forward: ProxyAction = paged === undefined ? { kind: 'forward' } : { kind: 'forward', body: paged };
    if (!isReadScan(request)) return forward;
    const segment = (JSON.parse(request.body.toString('utf8')) as Record<string, unknown>)['Segment'];
    const page = (pages.get(segment) ?? 0) + 1;
    pages.set(segment, page);
    return (await fault(++scans, page)) ?? forward;
  };
}

/** Handler and engine settings of these tests: fast AIMD pacing, two splits read at once. */
function engineOptions(options: { remainingTimeMs?: number } = {}) {
  return { spillBucket: SPILL_BUCKET, env: handlerEnv, parallelism: 2, ...options };
}

const readings = { schemaName: 'default', tableName: READINGS };

beforeAll(async () => {
  await ensureBucket(SPILL_BUCKET);
  dynamo = await startDynalite();
  await createReadingsTable(dynamo.client, READINGS, readingItems(ITEMS));
  ids = await sourceIds(dynamo.client, READINGS);
  proxy = await startFaultProxy(dynamo.endpoint);
});

afterAll(async () => {
  console.info(formatLedger(ledger));
  await proxy?.stop();
  await dynamo?.stop();
});

describe('DynamoDB throttling', () => {
  it('returns every row once when every other DynamoDB call is throttled: each request once (SDK retries as deployed)', async () => {
    let throttled = 0;
    // Each request's first attempt is throttled and its retry passes. (A counter over all calls made
    // this flaky: with schema sampling's three Scans in flight at once, one request could draw the
    // throttled turn on every attempt and run out of the SDK's retries.)
    const waiting = new Set<string>();
    proxy.setPlan((request) => {
      const attempt = `${dynamoDbOperation(request)} ${request.body.toString('utf8')}`;
      if (!waiting.delete(attempt)) {
        waiting.add(attempt);
        throttled++;
        return { kind: 'fail', response: dynamoDbThrottle };
      }
      const paged = smallPages(request);
      return paged === undefined ? { kind: 'forward' } : { kind: 'forward', body: paged };
    });
    const result = await faultEngine(dynamoDbConnector({ endpoint: proxy.endpoint }), engineOptions()).scan(readings);
    ledger.faults += throttled;
    expect(throttled).toBeGreaterThan(ITEMS / PAGE / 2);
    expectEveryRowOnce(ledger, result.table, 'id', ids);
  });

  it('waits out throttling once rows were read, returning every row once (SDK retries off, so the connector sees each throttle)', async () => {
    let throttled = 0;
    proxy.setPlan(
      onReadScans((scan, page) => {
        // Each split's first two pages get through (the connector fetches a page ahead, so only
        // then have rows surely been handed over); after that every other read Scan is throttled.
        if (page <= 2 || scan % 2 !== 0) return undefined;
        throttled++;
        return { kind: 'fail', response: dynamoDbThrottle };
      }),
    );
    const result = await faultEngine(
      dynamoDbConnector({ endpoint: proxy.endpoint, maxAttempts: 1 }),
      engineOptions(),
    ).scan(readings);
    ledger.faults += throttled;
    expect(throttled).toBeGreaterThan(3);
    expectEveryRowOnce(ledger, result.table, 'id', ids);
  });

  it('surfaces FederationThrottleException when throttling outlasts the SDK retries before any row was read', async () => {
    let throttled = 0;
    proxy.setPlan(
      onReadScans(() => {
        throttled++;
        return { kind: 'fail', response: dynamoDbThrottle };
      }),
    );
    const error = await failureOf(
      faultEngine(dynamoDbConnector({ endpoint: proxy.endpoint }), engineOptions()).scan(readings),
    );
    ledger.faults += throttled;
    // The SDK tried each read Scan 3 times before the connector saw the throttle.
    expect(throttled).toBeGreaterThanOrEqual(3);
    expectClearError(error, FEDERATION_THROTTLE_EXCEPTION, /throttl/i);
  });

  it('fails with a timeout, not a short result, when throttling never ends after rows were read', async () => {
    let throttled = 0;
    proxy.setPlan(
      onReadScans((_scan, page) => {
        // As above: throttled only once the split has surely handed over rows.
        if (page <= 2) return undefined;
        throttled++;
        return { kind: 'fail', response: dynamoDbThrottle };
      }),
    );
    const error = await failureOf(
      faultEngine(dynamoDbConnector({ endpoint: proxy.endpoint }), engineOptions({ remainingTimeMs: 3000 })).scan(
        readings,
      ),
    );
    ledger.faults += throttled;
    expect(throttled).toBeGreaterThan(0);
    expectClearError(error, ATHENA_CONNECTOR_EXCEPTION, /OperationTimeoutException/, /Lambda deadline/);
  });
});

describe('DynamoDB going away', () => {
  /** Scans through a proxy to a private dynalite that shuts down after serving three read pages. */
  async function scanWhileDynaliteShutsDown() {
    const doomed = await startDynalite();
    await createReadingsTable(doomed.client, READINGS, readingItems(ITEMS));
    const front = await startFaultProxy(doomed.endpoint);
    try {
      front.setPlan(
        onReadScans(async (scan) => {
          // The emulator goes away: its listener and every connection close (the proxy's too, so
          // later attempts are refused, as they would be without a proxy).
          if (scan === 4) await Promise.all([doomed.stop(), front.stop()]);
          return undefined;
        }),
      );
      const error = await failureOf(
        faultEngine(dynamoDbConnector({ endpoint: front.endpoint }), engineOptions()).scan(readings),
      );
      ledger.faults++;
      return error;
    } finally {
      await front.stop();
      await doomed.stop();
    }
  }

  it('fails, naming DynamoDB and the table, when dynalite shuts down mid-scan', async () => {
    const error = await scanWhileDynaliteShutsDown();
    expectClearError(
      error,
      ATHENA_CONNECTOR_EXCEPTION,
      new RegExp(`DynamoDB .* while scanning DynamoDB table ${READINGS}`),
    );
  });

  it('names the lost connection and its code when dynalite shuts down mid-scan', async () => {
    const error = await scanWhileDynaliteShutsDown();
    expectClearError(error, ATHENA_CONNECTOR_EXCEPTION, /connection/i, /ECONNREFUSED|ECONNRESET/);
  });

  it('fails at the Lambda deadline with a timeout, not a hang, when DynamoDB stops answering mid-scan', async () => {
    let hung = 0;
    proxy.setPlan(
      onReadScans((scan) => {
        if (scan < 4) return undefined;
        hung++;
        return { kind: 'hang' };
      }),
    );
    const started = Date.now();
    const error = await failureOf(
      faultEngine(dynamoDbConnector({ endpoint: proxy.endpoint }), engineOptions({ remainingTimeMs: 4000 })).scan(
        readings,
      ),
    );
    ledger.faults += hung;
    // The handler keeps min(10 s, half the remaining time) back: the abort comes at about 2 s.
    expect(Date.now() - started).toBeLessThan(10_000);
    expectClearError(error, ATHENA_CONNECTOR_EXCEPTION, /OperationTimeoutException/, /Lambda deadline/);
  });

  it('fails after a bounded wait, well before the Lambda deadline, when DynamoDB stops answering (default client timeouts)', async () => {
    proxy.setPlan(onReadScans((scan) => (scan < 4 ? undefined : { kind: 'hang' })));
    const previous = process.env['AWS_ENDPOINT_URL_DYNAMODB'];
    process.env['AWS_ENDPOINT_URL_DYNAMODB'] = proxy.endpoint;
    try {
      const connector = createDynamoDbConnector({
        client: createDefaultDynamoDbClient(),
        config: loadDynamoDbConfig({ disable_glue: 'true', min_scan_segments: '2', schema_inference_segments: '3' }),
      });
      const started = Date.now();
      const error = await failureOf(faultEngine(connector, engineOptions({ remainingTimeMs: 120_000 })).scan(readings));
      expect(Date.now() - started).toBeLessThan(25_000);
      expectClearError(error, ATHENA_CONNECTOR_EXCEPTION, /timed out/);
    } finally {
      if (previous === undefined) delete process.env['AWS_ENDPOINT_URL_DYNAMODB'];
      else process.env['AWS_ENDPOINT_URL_DYNAMODB'] = previous;
    }
  });
});

describe('DynamoDB items changing type mid-scan', () => {
  /** Before the third read Scan goes out, rewrites `attribute` of every item from N to S (same digits). */
  function retypeBeforeThirdScan(
    table: string,
    items: readonly Item[],
    attribute: string,
  ): { plan: FaultPlan; rewritten: Promise<number> } {
    const changed = items.flatMap((item) => {
      const value = item[attribute];
      return value?.N === undefined ? [] : [{ ...item, [attribute]: { S: value.N } }];
    });
    let rewrite: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      rewrite = resolve;
    });
    // Both splits have read their first page when the third read Scan arrives; it waits for the
    // rewrite, while the other split's next pages may already see part of it (as a live table would).
    const rewritten = started.then(() => putItems(dynamo.client, table, changed)).then(() => changed.length);
    const plan = onReadScans(async (scan) => {
      if (scan !== 3) return undefined;
      rewrite();
      await rewritten;
      return undefined;
    });
    return { plan, rewritten };
  }

  it('reads every row once with the exact text when a varchar column changes from N to S between pages', async () => {
    const table = 'faults_retyped_text';
    const items = readingItems(ITEMS);
    await createReadingsTable(dynamo.client, table, items);
    const expected = await sourceIds(dynamo.client, table);
    const connector = dynamoDbConnector({ endpoint: proxy.endpoint });
    const driver = faultEngine(connector, engineOptions());
    // The schema comes first, from a sample that sees `code` as both N and S: varchar.
    const definition = await driver.getTable({ schemaName: 'default', tableName: table });
    expect(String(definition.schema.fields.find((f) => f.name === 'code')?.type)).toBe('Utf8');
    const retype = retypeBeforeThirdScan(table, items, 'code');
    proxy.setPlan(retype.plan);
    const result = await driver.scan({ schemaName: 'default', tableName: table });
    const rewritten = await retype.rewritten;
    ledger.faults += rewritten;
    expect(rewritten).toBe(ITEMS / 2);
    expectEveryRowOnce(ledger, result.table, 'id', expected);
    // Per row, the value the source holds (the same digits, whichever type tag they now carry).
    const source = await sourceTexts(dynamo.client, table, 'code');
    const codes = columnTexts(result.table, 'code');
    const wrong = columnTexts(result.table, 'id').filter((id, row) => codes[row] !== source.get(id));
    expect(wrong).toEqual([]);
  });

  it('fails naming the column when a bigint column turns into strings between pages', async () => {
    const table = 'faults_retyped_number';
    const items = readingItems(ITEMS);
    await createReadingsTable(dynamo.client, table, items);
    const connector = dynamoDbConnector({ endpoint: proxy.endpoint });
    const driver = faultEngine(connector, engineOptions());
    const definition = await driver.getTable({ schemaName: 'default', tableName: table });
    expect(String(definition.schema.fields.find((f) => f.name === 'reading')?.type)).toBe('Int64');
    const retype = retypeBeforeThirdScan(table, items, 'reading');
    proxy.setPlan(retype.plan);
    const error = await failureOf(driver.scan({ schemaName: 'default', tableName: table }));
    const rewritten = await retype.rewritten;
    ledger.faults += rewritten;
    expect(rewritten).toBe(ITEMS);
    expectClearError(
      error,
      ATHENA_CONNECTOR_EXCEPTION,
      new RegExp(`Table default\\.${table} column reading \\(bigint\\)`),
      /DynamoDB S value/,
    );
  });
});
