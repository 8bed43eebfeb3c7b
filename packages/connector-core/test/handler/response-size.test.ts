// Sizes as they cross the wire (issue #14): at Athena's real block sizes a split of ~4.9 MB of Arrow
// is under maxInlineBlockSize, so Java's raw rule alone answers it inline — about 6.5 MB once base64
// and the JSON envelope are added, which Lambda refuses to return. Core must spill it instead, lose no
// row, answer inline right up to Lambda's response limit, and turn any other oversized response into
// a clear error. Driven over the wire by the engine driver; spill goes to moto S3.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Field, Int32, Schema, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Connector,
  LAMBDA_RESPONSE_LIMIT_BYTES,
  createLambdaHandler,
  loadHandlerConfig,
  readRows,
} from '../../src/index.js';
import {
  ATHENA_BLOCK_SIZES,
  EngineDriver,
  LambdaInvocationError,
  type ReferenceTable,
  createReferenceConnector,
  expectSpilledWithinLambdaLimit,
  inProcessTransport,
  makeConstraints,
} from '../../src/testing/index.js';

const bucket = 'response-size-spill';
const s3 = new S3Client({ forcePathStyle: true });
const schema = new Schema([new Field('id', new Int32(), false), new Field('note', new Utf8(), true)]);
const note = (i: number, length: number) =>
  `${String(i).padStart(6, '0')}:${'abcdefghijklmnopqrstuvwxyz'.repeat(Math.ceil(length / 26))}`.slice(0, length);

/** One split of `rows` rows whose notes are `length` characters each. */
function wideTable(name: string, rows: number, length: number, extra: Partial<ReferenceTable> = {}): ReferenceTable {
  return {
    tableName: { schemaName: 'wide', tableName: name },
    schema,
    rowCount: rows,
    row: (i) => ({ id: i, note: note(i, length) }),
    ...extra,
  };
}

const connector = createReferenceConnector({
  tables: [
    // ~4.9 MB of Arrow: inline by Java's raw rule, ~6.5 MB encoded.
    wideTable('over', 1000, 4900),
    // The same through the columnar path (the plugin yields Arrow batches).
    wideTable('over_batches', 1000, 4900, { batchRows: 100 }),
    // ~4.7 MB of Arrow: fits once encoded, so it stays inline.
    wideTable('under', 1000, 4700),
  ],
});

function driverFor(target: Connector, catalogName = 'c'): EngineDriver {
  const handler = createLambdaHandler(target, { config: { ...loadHandlerConfig({}), spillBucket: bucket } });
  return new EngineDriver({ transport: inProcessTransport(handler), catalogName, ...ATHENA_BLOCK_SIZES });
}

const readRecordsTrace = (driver: EngineDriver) => driver.trace.filter((t) => t.requestType === 'ReadRecordsRequest');

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(() => s3.destroy());

describe('ReadRecords at Athena block sizes (16,000,000 / 5,242,880)', () => {
  for (const table of ['over', 'over_batches']) {
    it(`spills a split that is under maxInlineBlockSize raw but over Lambda's limit encoded, losing no row (${table})`, async () => {
      const driver = driverFor(connector);
      const result = await driver.scan({ schemaName: 'wide', tableName: table });
      const notes = expectSpilledWithinLambdaLimit(driver, result, 'id', 'note');
      expect(notes).toEqual(new Map(Array.from({ length: 1000 }, (_, i) => [String(i), note(i, 4900)])));
    });
  }

  it('answers inline a split that fits once encoded', async () => {
    const driver = driverFor(connector);
    const result = await driver.scan({ schemaName: 'wide', tableName: 'under' });
    const [read] = readRecordsTrace(driver);
    expect(read?.responseType).toBe('ReadRecordsResponse');
    expect(read?.responseBytes).toBeGreaterThan(6_000_000);
    expect(read?.responseBytes).toBeLessThanOrEqual(LAMBDA_RESPONSE_LIMIT_BYTES);
    expect(result.table.numRows).toBe(1000);
  });

  it('answers inline at exactly the limit and spills one byte over it', async () => {
    // The catalog name is echoed in the answer, so each character moves its size by one byte.
    const probe = driverFor(connector, 'c');
    await probe.scan({ schemaName: 'wide', tableName: 'under' });
    const base = readRecordsTrace(probe)[0]?.responseBytes ?? 0;
    expect(base).toBeGreaterThan(0);
    const catalog = (extra: number) => `c${'x'.repeat(LAMBDA_RESPONSE_LIMIT_BYTES - base + extra)}`;

    const atLimit = driverFor(connector, catalog(0));
    const inline = await atLimit.scan({ schemaName: 'wide', tableName: 'under' });
    expect(readRecordsTrace(atLimit)[0]).toMatchObject({
      responseType: 'ReadRecordsResponse',
      responseBytes: LAMBDA_RESPONSE_LIMIT_BYTES,
    });
    expect(inline.spilledObjects).toBe(0);

    const overLimit = driverFor(connector, catalog(1));
    const spilled = await overLimit.scan({ schemaName: 'wide', tableName: 'under' });
    expect(readRecordsTrace(overLimit)[0]?.responseType).toBe('RemoteReadRecordsResponse');
    expect(spilled.spilledObjects).toBeGreaterThan(0);
    expect(spilled.table.batches.flatMap((b) => readRows(b))).toEqual(inline.table.batches.flatMap((b) => readRows(b)));
  });

  it('still spills by Java raw rule: a split of maxInlineBlockSize raw bytes or more is never inline', async () => {
    const driver = new EngineDriver({
      transport: inProcessTransport(
        createLambdaHandler(connector, { config: { ...loadHandlerConfig({}), spillBucket: bucket } }),
      ),
      maxBlockSize: ATHENA_BLOCK_SIZES.maxBlockSize,
      // Far below what the encoded bound allows: only the raw rule can spill this.
      maxInlineBlockSize: 100_000,
    });
    const result = await driver.scan({ schemaName: 'wide', tableName: 'under' });
    expect(readRecordsTrace(driver)[0]?.responseType).toBe('RemoteReadRecordsResponse');
    expect(result.table.numRows).toBe(1000);
  });
});

describe('a tiny maxBlockSize', () => {
  it('answers a split of many blocks within the limit: past 2,000 spilled blocks each may be larger than the last', async () => {
    // maxBlockSize 1 cuts a block per row: 7,000 locations under a long spill prefix (~1 KB each)
    // would be ~7 MB of JSON. Found by the request fuzz (a RemoteReadRecordsResponse of 6,292,285 bytes).
    const many = createReferenceConnector({ tables: [wideTable('many', 7000, 8)] });
    const spillPrefix = Array.from({ length: 16 }, (_, i) => `tenant-${i}-${'x'.repeat(40)}`).join('/');
    const handler = createLambdaHandler(many, {
      config: { ...loadHandlerConfig({}), spillBucket: bucket, spillPrefix },
    });
    const driver = new EngineDriver({
      transport: inProcessTransport(handler),
      catalogName: 'c',
      maxBlockSize: 1,
      maxInlineBlockSize: 1,
    });
    const result = await driver.scan({ schemaName: 'wide', tableName: 'many' });
    const [read] = readRecordsTrace(driver);
    expect((read?.responseBytes ?? 0) / result.spilledObjects, 'JSON bytes per spilled block').toBeGreaterThan(
      LAMBDA_RESPONSE_LIMIT_BYTES / 7000,
    );
    expect(read?.responseType).toBe('RemoteReadRecordsResponse');
    expect(read?.responseBytes).toBeLessThanOrEqual(LAMBDA_RESPONSE_LIMIT_BYTES);
    // One block per row up to 2,000, then fewer and fewer blocks for the remaining 5,000 rows.
    expect(result.spilledObjects).toBeGreaterThan(2000);
    expect(result.spilledObjects).toBeLessThan(2200);
    const ids = result.table.batches.flatMap((b) => readRows(b).map((row) => row[0]));
    expect(ids).toEqual(Array.from({ length: 7000 }, (_, i) => i));
  }, 120_000);
});

describe('other responses over the limit', () => {
  it('a GetSplits page too large for Lambda is a clear error naming the response and its size', async () => {
    // 1,000 splits (one page) of 8 KB properties: about 8 MB of JSON.
    const wide: Connector = {
      ...connector,
      getSplits: () =>
        Promise.resolve({
          splits: Array.from({ length: 1000 }, (_, i) => ({ part: String(i), filler: 'f'.repeat(8000) })),
          continuationToken: null,
        }),
    };
    const driver = driverFor(wide);
    await driver.ping();
    const table = await driver.getTable({ schemaName: 'wide', tableName: 'under' });
    const constraints = makeConstraints();
    const error = await driver.getSplits(table, await driver.getTableLayout(table, constraints), constraints).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LambdaInvocationError);
    const failure = (error as LambdaInvocationError).error;
    expect(failure.errorType).toBe('com.amazonaws.athena.connector.lambda.exceptions.AthenaConnectorException');
    expect(failure.errorMessage).toMatch(
      /The GetSplitsResponse is \d+ bytes as JSON, more than the 6291556 bytes a Lambda response may hold: return fewer splits per page/,
    );
    expect(failure.errorMessage).not.toContain('ffff');
  });

  it("a spilled answer that cannot repeat the request's multi-megabyte schema is the request's InvalidInput, not an internal failure", async () => {
    // Found by the request fuzz: the schema (4.6 MB of schema metadata, 6.2 MB as base64) fits the
    // request, and the answer must repeat it beside its spill locations.
    const padded = new Schema(schema.fields, new Map([['padding', 'p'.repeat(4_620_000)]]));
    const driver = new EngineDriver({
      transport: inProcessTransport(
        createLambdaHandler(connector, { config: { ...loadHandlerConfig({}), spillBucket: bucket } }),
      ),
      catalogName: 'c',
      maxBlockSize: 1,
      maxInlineBlockSize: 1,
    });
    const table = await driver.getTable({ schemaName: 'wide', tableName: 'under' });
    const constraints = makeConstraints();
    const [split] = await driver.getSplits(table, await driver.getTableLayout(table, constraints), constraints);
    if (split === undefined) throw new Error('no split');
    const error = await driver.readSplit(table.tableName, padded, split, constraints).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(
      /^\[InvalidInputException\] The ReadRecordsRequest's schema is \d+ bytes as JSON and its answer must repeat it: with the spill locations the answer is \d+ bytes, more than the 6291556 bytes a Lambda response may hold; request fewer or shorter columns$/,
    );
  }, 60_000);
});
