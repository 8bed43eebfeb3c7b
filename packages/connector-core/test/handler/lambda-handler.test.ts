// The runtime end to end: the Lambda handler around the reference connector, driven over the wire
// by the engine driver, with spill going to moto S3 (and KMS).
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { Bool, Field, Schema, Uint32 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Connector,
  ConnectorError,
  arrowTypeToJson,
  createLambdaHandler,
  createS3SpillServices,
  listedName,
  loadHandlerConfig,
  resolveSourceName,
  type CasingMode,
  type ConnectorContext,
  type TableName,
  type HandlerConfig,
  type SpillS3Client,
} from '../../src/index.js';
import {
  EngineDriver,
  LambdaInvocationError,
  createReferenceConnector,
  inProcessTransport,
  makeConstraints,
} from '../../src/testing/index.js';
import { mixedRow, mixedSchema, mixedTable } from '../support/reference-tables.js';

const bucket = 'handler-spill';
const s3 = new S3Client({ forcePathStyle: true });
const base = createReferenceConnector({
  tables: [
    mixedTable('patients', 500),
    mixedTable('visits', 400, { partitionColumns: ['region'], splitsPerPartition: 1 }),
    mixedTable('many_splits', 50, { splitsPerPartition: 5 }),
  ],
});
const config = (extra: Partial<HandlerConfig> = {}): HandlerConfig => ({
  ...loadHandlerConfig({}),
  spillBucket: bucket,
  ...extra,
});
const driverFor = (
  connector: Connector,
  options: Parameters<typeof createLambdaHandler>[1] = {},
  engine: { maxBlockSize?: number; maxInlineBlockSize?: number; remainingTimeMs?: number } = {},
) =>
  new EngineDriver({
    transport: inProcessTransport(
      createLambdaHandler(connector, { config: config(), ...options }),
      engine.remainingTimeMs === undefined ? {} : { remainingTimeMs: engine.remainingTimeMs },
    ),
    ...(engine.maxBlockSize === undefined ? {} : { maxBlockSize: engine.maxBlockSize }),
    ...(engine.maxInlineBlockSize === undefined ? {} : { maxInlineBlockSize: engine.maxInlineBlockSize }),
  });
const patients = { schemaName: 'ehr', tableName: 'patients' };

async function failure(promise: Promise<unknown>): Promise<LambdaInvocationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LambdaInvocationError);
  return error as LambdaInvocationError;
}

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(() => s3.destroy());

describe('metadata', () => {
  it('pages ListTables one table at a time until nextToken is null', async () => {
    const d = driverFor(base);
    expect((await d.listTables('ehr', 1)).map((t) => t.tableName)).toEqual(['patients', 'visits', 'many_splits']);
    expect(d.trace.filter((t) => t.requestType === 'ListTablesRequest')).toHaveLength(3);
  });

  it('refuses a table with a type Athena cannot read, naming the column', async () => {
    const odd: Connector = {
      ...base,
      getTable: () => Promise.resolve({ schema: new Schema([new Field('counter', new Uint32())]) }),
    };
    const error = await failure(driverFor(odd).getTable(patients));
    expect(error.error.errorMessage).toMatch(/OperationNotSupportedException.*counter: unsigned 32-bit/);
  });

  it('answers the one-row partitionId layout for unpartitioned tables and prunes partitions by constraints', async () => {
    const d = driverFor(base);
    const table = await d.getTable(patients);
    const layout = await d.getTableLayout(table, makeConstraints());
    expect(layout.schema.fields.map((f) => f.name)).toEqual(['partitionId']);
    expect(layout.records.getChild('partitionId')?.toArray()).toEqual(Int32Array.from([1]));
    const visits = await d.getTable({ schemaName: 'ehr', tableName: 'visits' });
    const all = await d.getTableLayout(visits, makeConstraints());
    expect(all.records.numRows).toBe(5); // regions 0–3 and null
    const regionTwo = await d.scan(
      { schemaName: 'ehr', tableName: 'visits' },
      {
        constraints: {
          summary: {
            region: {
              '@type': 'AllOrNoneValueSet',
              type: { '@type': 'Int', bitWidth: 32, isSigned: true },
              all: false,
              nullAllowed: true,
            },
          },
        },
      },
    );
    expect(regionTwo.splits).toBe(1); // only the null partition survives
    expect(regionTwo.table.numRows).toBe(
      Array.from({ length: 400 }, (_, i) => mixedRow(i)).filter((r) => r['region'] === null).length,
    );
  });
});

describe('splits', () => {
  it('gives every split its own spill directory and a fresh 16-byte key', async () => {
    const d = driverFor(base);
    const table = await d.getTable({ schemaName: 'ehr', tableName: 'many_splits' });
    const splits = await d.getSplits(table, await d.getTableLayout(table, makeConstraints()), makeConstraints());
    expect(splits).toHaveLength(5);
    expect(new Set(splits.map((s) => s.spillLocation?.key)).size).toBe(5);
    for (const split of splits) {
      expect(split.spillLocation).toMatchObject({ bucket, directory: true });
      expect(split.spillLocation?.key).toMatch(new RegExp(`^athena-federation-spill/${d.queryId}/[0-9a-f-]{36}$`));
      expect(split.encryptionKey?.key).toHaveLength(16);
      expect(split.encryptionKey?.nonce).toHaveLength(12);
    }
    expect(new Set(splits.map((s) => Buffer.from(s.encryptionKey?.key ?? []).toString('hex'))).size).toBe(5);
  });

  it('pages splits itself when one connector page is too large for one response', async () => {
    const d = driverFor(base, { maxSplitsPerResponse: 2 });
    const result = await d.scan({ schemaName: 'ehr', tableName: 'many_splits' });
    expect(result.splits).toBe(5);
    expect(result.table.numRows).toBe(50);
    expect(d.trace.filter((t) => t.requestType === 'GetSplitsRequest')).toHaveLength(3);
  });

  it('issues no key when spill encryption is disabled, and KMS keys when kms_key_id is set', async () => {
    const plain = driverFor(base, { config: config({ disableSpillEncryption: true }) });
    const plainResult = await plain.scan(patients, {});
    expect(plainResult.table.numRows).toBe(500);
    const spilledPlain = await driverFor(
      base,
      { config: config({ disableSpillEncryption: true }) },
      { maxBlockSize: 2048, maxInlineBlockSize: 1 },
    ).scan(patients);
    expect(spilledPlain.spilledObjects).toBeGreaterThan(0);
    expect(spilledPlain.table.numRows).toBe(500);

    const kms = new KMSClient({});
    const key = await kms.send(new CreateKeyCommand({}));
    kms.destroy();
    const withKms = driverFor(
      base,
      { config: config({ kmsKeyId: key.KeyMetadata?.KeyId ?? '' }) },
      { maxBlockSize: 2048, maxInlineBlockSize: 1 },
    );
    const table = await withKms.getTable(patients);
    const splits = await withKms.getSplits(
      table,
      await withKms.getTableLayout(table, makeConstraints()),
      makeConstraints(),
    );
    expect(splits[0]?.encryptionKey?.key).toHaveLength(16);
    const result = await withKms.scan(patients);
    expect(result.spilledObjects).toBeGreaterThan(0);
    expect(result.table.numRows).toBe(500);
  });

  it('says clearly when the spill bucket does not exist', async () => {
    const error = await failure(
      driverFor(base, { config: config({ spillBucket: 'no-such-spill-bucket' }) }).scan(patients),
    );
    expect(error.error.errorMessage).toMatch(/InvalidInputException.*no-such-spill-bucket/);
  });
});

describe('records', () => {
  it('answers inline when small and spills when asked to, with the same rows', async () => {
    const inline = await driverFor(base).scan(patients);
    expect(inline.spilledObjects).toBe(0);
    const spilled = await driverFor(base, {}, { maxBlockSize: 4096, maxInlineBlockSize: 1024 }).scan(patients);
    expect(spilled.spilledObjects).toBeGreaterThan(3);
    expect(spilled.table.numRows).toBe(inline.table.numRows);
  });

  it('projects to the requested columns in the requested order', async () => {
    const result = await driverFor(base).scan(patients, { columns: ['region', 'id'] });
    expect(result.table.schema.fields.map((f) => f.name)).toEqual(['region', 'id']);
    expect(result.table.getChild('id')?.get(0)).toBe(BigInt(0) * 1_000_003n - 7n);
  });

  it('stops pulling rows once the limit is met', async () => {
    let pulled = 0;
    const counting: Connector = {
      ...base,
      async *readSplit(ctx, input) {
        for await (const row of base.readSplit(ctx, input)) {
          pulled++;
          yield row;
        }
      },
    };
    const result = await driverFor(counting).scan(patients, { constraints: { limit: 5n } });
    expect(result.table.numRows).toBe(15); // 5 per split, 3 splits
    expect(pulled).toBeLessThanOrEqual(15 + 3);
  });

  it('stops at the limit beside expressions or an ordering only when the connector confirms it applied them', async () => {
    // Core evaluates the summary but not expressions: the first rows need not be the ones Athena keeps.
    const expression = {
      '@type': 'VariableExpression',
      columnName: 'active',
      type: arrowTypeToJson(new Bool()),
    } as const;
    const confirming = (confirm: boolean): Connector => ({
      ...base,
      async *readSplit(ctx, input) {
        if (confirm) input.confirmExactPushdown();
        yield* base.readSplit(ctx, input);
      },
    });
    const whole = await driverFor(base).scan(patients);
    const unconfirmed = await driverFor(confirming(false)).scan(patients, {
      constraints: { expression: [expression], limit: 5n },
    });
    expect(unconfirmed.table.numRows).toBe(whole.table.numRows);
    const unordered = await driverFor(confirming(false)).scan(patients, {
      constraints: { orderByClause: [{ columnName: 'id', direction: 'ASC_NULLS_FIRST' }], limit: 5n },
    });
    expect(unordered.table.numRows).toBe(whole.table.numRows);
    const confirmed = await driverFor(confirming(true)).scan(patients, {
      constraints: { expression: [expression], limit: 5n },
    });
    expect(confirmed.table.numRows).toBe(15); // 5 per split, 3 splits
  });

  it('maps throttling to FederationThrottleException so Athena backs off', async () => {
    const throttled: Connector = {
      ...base,
      readSplit: () => {
        throw new ConnectorError('Throttled', 'The table is over its read capacity');
      },
    };
    const error = await failure(driverFor(throttled).scan(patients));
    expect(error.error.errorType).toBe('com.amazonaws.athena.connector.lambda.exceptions.FederationThrottleException');
    expect(error.error.errorMessage).toBe('[ThrottlingException] The table is over its read capacity');
  });

  it('never passes an unclassified error message (which may hold data) to Athena', async () => {
    const leaky: Connector = {
      ...base,
      getTable: () => Promise.reject(new Error("Duplicate entry 'Jane Doe, 1961-02-03' for key 'PRIMARY'")),
    };
    const error = await failure(driverFor(leaky).getTable(patients));
    expect(error.error.errorType).toBe('com.amazonaws.athena.connector.lambda.exceptions.AthenaConnectorException');
    expect(error.error.errorMessage).not.toContain('Jane');
    expect(error.error.errorMessage).toMatch(/InternalServiceException/);
  });

  it('stops cleanly with a timeout error before the Lambda deadline', async () => {
    const slow: Connector = {
      ...base,
      async *readSplit(ctx) {
        yield [mixedRow(0)];
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        yield [mixedRow(1)];
      },
    };
    const error = await failure(driverFor(slow, { deadlineMarginMs: 100 }, { remainingTimeMs: 400 }).scan(patients));
    expect(error.error.errorMessage).toMatch(/OperationTimeoutException/);
  });

  it('fails the request, rather than answering without rows, when a spill upload keeps failing', async () => {
    const broken: SpillS3Client = {
      send: ((command: unknown) =>
        command instanceof PutObjectCommand
          ? Promise.reject(
              Object.assign(new Error('We encountered an internal error'), {
                name: 'InternalError',
                $metadata: { httpStatusCode: 500 },
              }),
            )
          : s3.send(command as never)) as SpillS3Client['send'],
    };
    const d = driverFor(
      base,
      { spill: createS3SpillServices(config(), { s3: broken }) },
      { maxBlockSize: 4096, maxInlineBlockSize: 1 },
    );
    const error = await failure(d.scan(patients));
    expect(error.error.errorType).toMatch(/AthenaConnectorException/);
  });

  it('refuses to spill into a bucket the split names but the connector was not configured with', async () => {
    const d = driverFor(base, {}, { maxBlockSize: 1024, maxInlineBlockSize: 1 });
    const table = await d.getTable(patients);
    const [split] = await d.getSplits(table, await d.getTableLayout(table, makeConstraints()), makeConstraints());
    if (split?.spillLocation === undefined || split.spillLocation === null) throw new Error('no split');
    const forged = { ...split, spillLocation: { ...split.spillLocation, bucket: 'attacker-bucket' } };
    const error = await failure(d.readSplit(patients, mixedSchema, forged, makeConstraints()));
    expect(error.error.errorMessage).toMatch(/attacker-bucket is not the configured spill bucket/);
  });
});

describe('source name resolution', () => {
  const lookup = (name: string, casingMode: CasingMode, names: readonly string[], asked: string[] = []) =>
    resolveSourceName({
      name,
      casingMode,
      what: `Table ${JSON.stringify(name)}`,
      candidates: (wanted) => {
        asked.push(wanted);
        return names;
      },
    });

  it('finds the one source name equal ignoring case, an exact match first', async () => {
    await expect(lookup('patients', 'CASE_INSENSITIVE_SEARCH', ['Visits', 'Patients'])).resolves.toBe('Patients');
    await expect(lookup('Patients', 'CASE_INSENSITIVE_SEARCH', ['Patients', 'PATIENTS'])).resolves.toBe('Patients');
  });

  it('refuses names that differ only by case, and names nothing matches', async () => {
    await expect(lookup('patients', 'CASE_INSENSITIVE_SEARCH', ['Patients', 'PATIENTS'])).rejects.toThrow(
      /Table "patients" is ambiguous: 2 names differ only by case \(Patients, PATIENTS\); set casing_mode=NONE/,
    );
    await expect(lookup('patients', 'CASE_INSENSITIVE_SEARCH', ['Visits'])).rejects.toMatchObject({
      reason: 'NotFound',
      message: 'Table "patients" does not exist',
    });
  });

  it('transforms under LOWER and UPPER and keeps the name under NONE, without listing the source', async () => {
    const asked: string[] = [];
    await expect(lookup('Patients', 'LOWER', ['x'], asked)).resolves.toBe('patients');
    await expect(lookup('Patients', 'UPPER', ['x'], asked)).resolves.toBe('PATIENTS');
    await expect(lookup('Patients', 'NONE', ['x'], asked)).resolves.toBe('Patients');
    await expect(lookup('Patients', 'ANNOTATION', ['x'], asked)).resolves.toBe('Patients');
    expect(asked).toEqual([]);
  });

  it('lists names lower-cased only under CASE_INSENSITIVE_SEARCH', () => {
    expect(listedName('Patients', 'CASE_INSENSITIVE_SEARCH')).toBe('patients');
    expect(listedName('Patients', 'NONE')).toBe('Patients');
  });

  it('lets a plugin serve mixed-case source tables under Athena’s lower-case names', async () => {
    const real = createReferenceConnector({
      tables: [{ ...mixedTable('Patients', 30), tableName: { schemaName: 'EHR', tableName: 'Patients' } }],
    });
    const sourceName = async (ctx: ConnectorContext, table: TableName): Promise<TableName> => {
      const casingMode = ctx.config.casingMode ?? 'CASE_INSENSITIVE_SEARCH';
      const schemaName = await resolveSourceName({
        name: table.schemaName,
        casingMode,
        candidates: () => ['EHR'],
        what: `Schema ${JSON.stringify(table.schemaName)}`,
      });
      const tableName = await resolveSourceName({
        name: table.tableName,
        casingMode,
        candidates: () => ['Patients', 'Visits'],
        what: `Table ${JSON.stringify(table.tableName)}`,
      });
      return { schemaName, tableName };
    };
    const resolving: Connector = {
      ...real,
      listSchemas: () => Promise.resolve(['ehr']),
      listTables: () => Promise.resolve({ tables: [{ schemaName: 'ehr', tableName: 'patients' }], nextToken: null }),
      getTable: async (ctx, table) => real.getTable(ctx, await sourceName(ctx, table)),
      getSplits: async (ctx, input) =>
        real.getSplits(ctx, { ...input, tableName: await sourceName(ctx, input.tableName) }),
      async *readSplit(ctx, input) {
        yield* real.readSplit(ctx, { ...input, tableName: await sourceName(ctx, input.tableName) });
      },
    };
    const d = driverFor(resolving);
    const result = await d.scan(patients);
    expect(result.table.numRows).toBe(30);
    expect((await d.getTable(patients)).tableName).toEqual(patients);
    const error = await failure(d.getTable({ schemaName: 'ehr', tableName: 'nope' }));
    expect(error.error.errorMessage).toMatch(/EntityNotFoundException.*Table "nope" does not exist/);
  });
});

describe('values a column cannot hold', () => {
  it('fail as invalid input naming table, column, types, why and what to yield, but not the value', async () => {
    const bad: Connector = {
      ...base,
      async *readSplit() {
        yield [{ ...mixedRow(0), region: 'Jane Doe, MRN 123' }];
      },
    };
    const error = await failure(driverFor(bad).scan(patients));
    expect(error.error.errorMessage).toMatch(
      /InvalidInputException.*Table ehr\.patients, row 1 of the split: a string value in column "region" cannot be stored as Int32/,
    );
    expect(error.error.errorMessage).toContain(
      'cannot be stored as Int32: the string is not a decimal integer (an optional sign and digits only); yield an integer number, a bigint or a decimal-integer string',
    );
    for (const fragment of ['Jane', 'Doe', 'MRN', '123']) expect(error.error.errorMessage).not.toContain(fragment);
  });
});
