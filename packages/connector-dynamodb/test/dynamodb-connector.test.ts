// The connector against dynalite over the real wire (EngineDriver → Lambda handler → connector):
// metadata, inferred types, every value read back exactly, Query for key lookups, pushdown, errors.
import {
  buildRecordBatch,
  createLambdaHandler,
  loadHandlerConfig,
  readRows,
  arrowTypeToJson,
  type Block,
  type Constraints,
  type ValueSet,
} from '@athena-federation/connector-core';
import {
  EngineDriver,
  LambdaInvocationError,
  inProcessTransport,
  ensureBucket,
} from '@athena-federation/connector-core/testing';
import { ListTablesCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DataType, Field, Schema, type Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbConnector, describeSchema, loadDynamoDbConfig, type DynamoDbClientLike } from '../src/index.js';
import { createTable, startDynalite, type DynaliteServer } from './support/dynalite-server.js';
import { eventItems, eventsTable, orderItems, ordersTable, readingItems, readingsTable } from './support/fixtures.js';

let dynamo: DynaliteServer;
const counts = new Map<string, number>();
const sent: { name: string; input: Record<string, unknown> }[] = [];

/** The dynalite client with every command counted (the proof that key lookups Query, not Scan). */
function countingClient(client: DynamoDBClient): DynamoDbClientLike {
  const send = (command: { constructor: { name: string }; input: object }, options?: object) => {
    const name = command.constructor.name;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    sent.push({ name, input: command.input as Record<string, unknown> });
    return client.send(command as never, options);
  };
  return { send } as unknown as DynamoDbClientLike;
}

const config = { ...loadHandlerConfig({}), spillBucket: 'dynamodb-test-spill' };
// Glue off: other test files put Glue tables into the shared moto; this file is about DynamoDB alone.
const connectorConfig = { ...loadDynamoDbConfig({}), sampleItems: 1000, disableGlue: true };
let driver: () => EngineDriver;

beforeAll(async () => {
  // Spill goes to moto's S3 (started by the root vitest setup).
  await ensureBucket(config.spillBucket);
  dynamo = await startDynalite();
  await createTable(dynamo.client, ordersTable, orderItems);
  await createTable(dynamo.client, readingsTable, readingItems);
  await createTable(dynamo.client, eventsTable, eventItems);
  await createTable(
    dynamo.client,
    {
      TableName: 'CaseTwins',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
    [{ id: { N: '1' }, Color: { S: 'red' } }, { id: { N: '2' }, color: { S: 'blue' } }, { id: { N: '3' } }],
  );
  const connector = createDynamoDbConnector({ client: () => countingClient(dynamo.client), config: connectorConfig });
  const handler = createLambdaHandler(connector, { config });
  driver = () => new EngineDriver({ transport: inProcessTransport(handler) });
});

afterAll(async () => {
  await dynamo.stop();
});

const orders = { schemaName: 'default', tableName: 'orders' };

function rowsOf(table: Table): unknown[][] {
  return table.batches.flatMap((b) => readRows(b));
}

function valueBlock(type: DataType, values: readonly unknown[]): Block {
  const schema = new Schema([new Field('col1', type, true)]);
  return {
    aId: 'test',
    schema,
    records: buildRecordBatch(
      schema,
      values.map((v) => [v]),
    ),
  };
}

function equals(type: DataType, value: unknown): ValueSet {
  const marker = { valueBlock: valueBlock(type, [value]), bound: 'EXACTLY' as const, nullValue: false };
  return {
    '@type': 'SortedRangeSet',
    type: arrowTypeToJson(type),
    ranges: [{ low: marker, high: marker }],
    nullAllowed: false,
  };
}

function inList(type: DataType, values: readonly unknown[]): ValueSet {
  return { '@type': 'EquatableValueSet', valueBlock: valueBlock(type, values), whiteList: true, nullAllowed: false };
}

function resetCounts() {
  counts.clear();
  sent.length = 0;
}

describe('metadata', () => {
  it('lists schema default and lower-cased tables, paged', async () => {
    // Prepare
    const d = driver();
    // Act
    const schemas = await d.listSchemas();
    const all = await d.listTables('default');
    const paged = await d.listTables('default', 1);
    // Assess
    expect(schemas).toEqual(['default']);
    expect(all.map((t) => t.tableName).sort()).toEqual(['casetwins', 'events', 'orders', 'readings']);
    expect(paged).toEqual(all);
  });

  it('resolves a lower-cased name to the mixed-case table, and names an unknown table', async () => {
    const d = driver();
    const table = await d.getTable(orders);
    expect(table.schema.fields.length).toBeGreaterThan(2);
    const error = await d.getTable({ schemaName: 'default', tableName: 'nope_table' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(/EntityNotFoundException.*nope_table/);
  });

  it('infers exact types: int64 past 2^53, decimal(38,9), 38-digit decimal, lists, structs, maps, mixed as varchar', async () => {
    const table = await driver().getTable(orders);
    expect(describeSchema(table.schema)).toEqual([
      'CustomerId: varchar',
      'OrderNo: bigint',
      'Address: struct<Street:varchar,Zip:bigint>',
      'Amount: decimal(38,9)',
      'Attrs: map<varchar,varchar>',
      'BigCount: bigint',
      'Blobs: array<varbinary>',
      'EmptyList: array<varchar>',
      'EmptyMap: map<varchar,varchar>',
      'History: array<varchar>',
      'HugeNumber: decimal(38,0)',
      'IsActive: boolean',
      'Mixed: varchar',
      'Nothing: varchar',
      'Payload: varbinary',
      'Scores: array<bigint>',
      'Sparse: varchar',
      'Tags: array<varchar>',
      'camelCaseAttr: varchar',
    ]);
  });

  it('samples with parallel segments and finds an attribute present in 1% of 2,000 items', async () => {
    resetCounts();
    const connector = createDynamoDbConnector({ client: () => countingClient(dynamo.client), config: connectorConfig });
    const d = new EngineDriver({ transport: inProcessTransport(createLambdaHandler(connector, { config })) });
    const table = await d.getTable({ schemaName: 'default', tableName: 'readings' });
    expect(describeSchema(table.schema)).toEqual(['deviceId: bigint', 'bpm: bigint', 'rareFlag: boolean']);
    const segments = new Set(sent.filter((s) => s.name === 'ScanCommand').map((s) => s.input['Segment']));
    expect(segments.size).toBe(connectorConfig.sampleSegments);
  });

  it('folds attributes differing only by case into one column that reads both spellings', async () => {
    const { Utf8 } = await import('apache-arrow');
    const twins = { schemaName: 'default', tableName: 'casetwins' };
    const d = driver();
    expect(describeSchema((await d.getTable(twins)).schema)).toEqual(['id: bigint', 'Color: varchar']);
    const all = await d.scan(twins);
    expect(rowsOf(all.table).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [1n, 'red'],
      [2n, 'blue'],
      [3n, null],
    ]);
    resetCounts();
    const blue = await d.scan(twins, { constraints: { summary: { Color: equals(new Utf8(), 'blue') } } });
    expect(rowsOf(blue.table)).toEqual([[2n, 'blue']]);
    expect(sent.every((s) => s.input['FilterExpression'] === undefined)).toBe(true);
  });

  it('reads, projects and filters mixed-case attributes that Athena names in lower case', async () => {
    const d = driver();
    await d.ping();
    const table = await d.getTable(orders);
    // The names as a lower-casing engine would send them, types and metadata kept.
    const schema = new Schema(
      table.schema.fields
        .filter((f) => ['CustomerId', 'OrderNo', 'Amount', 'IsActive'].includes(f.name))
        .map((f) => f.clone({ name: f.name.toLowerCase() })),
    );
    const { makeConstraints } = await import('@athena-federation/connector-core/testing');
    const { Bool } = await import('apache-arrow');
    const constraints = makeConstraints({ summary: { isactive: equals(new Bool(), true) } });
    const splits = await d.getSplits(table, await d.getTableLayout(table, constraints), constraints);
    const read = await Promise.all(splits.map((s) => d.readSplit(orders, schema, s, constraints)));
    const rows = read.flatMap((r) => r.batches.flatMap((b) => readRows(b)));
    expect(rows).toEqual([['c1', 1n, '12.500000000', true]]);
  });

  it('caches inferred schemas', async () => {
    const d = driver();
    await d.getTable(orders);
    resetCounts();
    await d.getTable(orders);
    expect(counts.get('ScanCommand') ?? 0).toBe(0);
  });
});

describe('reads', () => {
  it('reads every item back exactly as stored', async () => {
    const result = await driver().scan(orders);
    const names = result.schema.fields.map((f) => f.name);
    const rows = rowsOf(result.table).map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
    const byKey = new Map(rows.map((r) => [`${String(r['CustomerId'])}/${String(r['OrderNo'])}`, r]));
    expect(rows).toHaveLength(4);

    const first = byKey.get('c1/1');
    expect(first).toMatchObject({
      CustomerId: 'c1',
      OrderNo: 1n,
      Amount: '12.500000000',
      BigCount: 9007199254740993n,
      HugeNumber: '12345678901234567890123456789012345678',
      IsActive: true,
      Payload: new Uint8Array([0, 1, 2, 255]),
      Scores: [1n, 9223372036854775807n],
      History: ['created', '2', 'false'],
      Address: { Street: 'Main St', Zip: 12345n },
      Nothing: null,
      Mixed: 'text',
      camelCaseAttr: 'camel',
      Sparse: null,
      EmptyList: [],
    });
    if (first === undefined) throw new Error('no first row');
    expect([...(first['Tags'] as string[])].sort()).toEqual(['blue', 'red']);
    expect((first['Blobs'] as Uint8Array[]).map((b) => [...b]).sort()).toEqual([[1], [2, 3]]);
    expect((first['Attrs'] as Map<string, string>).size).toBe(36);
    expect((first['Attrs'] as Map<string, string>).get('k7')).toBe('v7');
    expect((first['EmptyMap'] as Map<string, string>).size).toBe(0);

    expect(byKey.get('c1/2')).toMatchObject({
      Amount: '-99999999999999999999999999999.999999999',
      BigCount: -9223372036854775808n,
      HugeNumber: '-99999999999999999999999999999999999999',
      IsActive: false,
      Mixed: '123456789012345678901234567890.5',
      Sparse: 'only here',
      Address: { Street: 'Side St', Zip: null },
      History: [],
      Tags: null,
    });
    expect(byKey.get('c2/1')).toMatchObject({
      Amount: '0.000000001',
      BigCount: 0n,
      IsActive: null,
      Mixed: 'true',
      camelCaseAttr: 'camel2',
    });
    expect(byKey.get('c3/7')).toMatchObject({ Amount: '3.000000000', Mixed: '{"a":1.5}', BigCount: null });
  });

  it('uses Query, not Scan, for a hash-key equality', async () => {
    const d = driver();
    await d.getTable(orders);
    resetCounts();
    const result = await d.scan(orders, {
      constraints: { summary: { CustomerId: equals(new (await import('apache-arrow')).Utf8(), 'c1') } },
    });
    expect(result.splits).toBe(1);
    expect(result.table.numRows).toBe(2);
    expect(counts.get('QueryCommand')).toBe(1);
    expect(counts.get('ScanCommand') ?? 0).toBe(0);
  });

  it('puts sort-key ranges into the KeyConditionExpression', async () => {
    const { Int64, Utf8 } = await import('apache-arrow');
    const d = driver();
    await d.getTable(orders);
    resetCounts();
    const above = { valueBlock: valueBlock(new Int64(), [1n]), bound: 'ABOVE' as const, nullValue: false };
    const unbounded = { valueBlock: valueBlock(new Int64(), []), bound: 'BELOW' as const, nullValue: true };
    const orderNo: ValueSet = {
      '@type': 'SortedRangeSet',
      type: arrowTypeToJson(new Int64()),
      ranges: [{ low: above, high: unbounded }],
      nullAllowed: false,
    };
    const result = await d.scan(orders, {
      constraints: { summary: { CustomerId: equals(new Utf8(), 'c1'), OrderNo: orderNo } },
    });
    expect(rowsOf(result.table).map((r) => r[1])).toEqual([2n]);
    const query = sent.find((s) => s.name === 'QueryCommand');
    expect(query?.input['KeyConditionExpression']).toBe('#n0 = :v0 AND #n1 > :v1');
    expect(query?.input['FilterExpression']).toBeUndefined();
  });

  it('queries a GSI that has the constrained key and holds every column; scans when the index lacks columns', async () => {
    const { Utf8 } = await import('apache-arrow');
    const events = { schemaName: 'default', tableName: 'events' };
    const d = driver();
    await d.getTable(events);
    resetCounts();
    const byUser = await d.scan(events, { constraints: { summary: { UserId: equals(new Utf8(), 'u1') } } });
    expect(byUser.table.numRows).toBe(10);
    expect(sent.filter((s) => s.name === 'QueryCommand').map((s) => s.input['IndexName'])).toEqual(['ByUser']);
    expect(counts.get('ScanCommand') ?? 0).toBe(0);
    resetCounts();
    const byKind = await d.scan(events, { constraints: { summary: { Kind: equals(new Utf8(), 'view') } } });
    expect(byKind.table.numRows).toBe(15);
    expect(counts.get('QueryCommand') ?? 0).toBe(0);
    expect(counts.get('ScanCommand')).toBeGreaterThan(0);
  });

  it('queries an LSI when only its sort key is constrained, filtering other attributes', async () => {
    const { Bool, Int64, Utf8 } = await import('apache-arrow');
    const d = driver();
    await d.getTable(orders);
    resetCounts();
    const above = { valueBlock: valueBlock(new Int64(), [0n]), bound: 'ABOVE' as const, nullValue: false };
    const unbounded = { valueBlock: valueBlock(new Int64(), []), bound: 'BELOW' as const, nullValue: true };
    const positive: ValueSet = {
      '@type': 'SortedRangeSet',
      type: arrowTypeToJson(new Int64()),
      ranges: [{ low: above, high: unbounded }],
      nullAllowed: false,
    };
    const result = await d.scan(orders, {
      constraints: {
        summary: { CustomerId: equals(new Utf8(), 'c1'), BigCount: positive, IsActive: equals(new Bool(), true) },
      },
    });
    const rows = rowsOf(result.table);
    expect(rows.map((r) => [r[0], r[1]])).toEqual([['c1', 1n]]);
    expect(rows[0]?.[3]).toBe('12.500000000');
    const query = sent.find((s) => s.name === 'QueryCommand');
    expect(query?.input['IndexName']).toBe('ByCount');
    expect(query?.input['KeyConditionExpression']).toBe('#n0 = :v0 AND #n1 > :v1');
    expect(query?.input['FilterExpression']).toBe('#n2 = :v2');
    // NULL allowed on the LSI key: items without it are not in the index, so the table is queried.
    resetCounts();
    await d.scan(orders, {
      constraints: { summary: { CustomerId: equals(new Utf8(), 'c1'), BigCount: { ...positive, nullAllowed: true } } },
    });
    expect(sent.find((s) => s.name === 'QueryCommand')?.input['IndexName']).toBeUndefined();
  });

  it('uses one Query per value for an IN list / dynamic filter, numeric hash key', async () => {
    const { Int64 } = await import('apache-arrow');
    const d = driver();
    await d.getTable({ schemaName: 'default', tableName: 'readings' });
    resetCounts();
    const result = await d.scan(
      { schemaName: 'default', tableName: 'readings' },
      { constraints: { summary: { deviceId: inList(new Int64(), [5n, 1999n, 123456n]) } } },
    );
    expect(result.splits).toBe(3);
    expect(
      rowsOf(result.table)
        .map((r) => r[0])
        .sort(),
    ).toEqual([1999n, 5n]);
    expect(counts.get('QueryCommand')).toBe(3);
    expect(counts.get('ScanCommand') ?? 0).toBe(0);
  });

  it('scans in parallel segments, with a FilterExpression and ProjectionExpression', async () => {
    const { Int64 } = await import('apache-arrow');
    const d = driver();
    await d.getTable({ schemaName: 'default', tableName: 'readings' });
    resetCounts();
    const result = await d.scan(
      { schemaName: 'default', tableName: 'readings' },
      { columns: ['deviceId', 'bpm'], constraints: { summary: { bpm: equals(new Int64(), 61n) } } },
    );
    expect(result.splits).toBe(connectorConfig.minScanSegments);
    expect(result.table.numRows).toBe(50);
    const scans = sent.filter((s) => s.name === 'ScanCommand');
    expect(new Set(scans.map((s) => s.input['Segment'])).size).toBe(connectorConfig.minScanSegments);
    expect(scans[0]?.input['FilterExpression']).toBe('#n0 = :v0');
    expect(scans[0]?.input['ProjectionExpression']).toBe('#n1, #n0');
  });

  it('sends no ProjectionExpression when every column is requested (SELECT *)', async () => {
    const d = driver();
    await d.getTable({ schemaName: 'default', tableName: 'readings' });
    resetCounts();
    const all = await d.scan({ schemaName: 'default', tableName: 'readings' });
    expect(all.table.numRows).toBe(readingItems.length);
    const scans = sent.filter((s) => s.name === 'ScanCommand');
    expect(scans.length).toBeGreaterThan(0);
    expect(scans.every((s) => s.input['ProjectionExpression'] === undefined)).toBe(true);
  });

  it('stops early on a limit', async () => {
    const d = driver();
    await d.getTable({ schemaName: 'default', tableName: 'readings' });
    resetCounts();
    const constraints: Partial<Constraints> = { limit: 3n };
    const result = await d.scan({ schemaName: 'default', tableName: 'readings' }, { constraints });
    expect(result.table.numRows).toBeLessThanOrEqual(3 * result.splits);
    const scans = sent.filter((s) => s.name === 'ScanCommand');
    expect(scans.every((s) => s.input['Limit'] === 3)).toBe(true);
    expect(scans.length).toBe(result.splits);
  });

  it('fails clearly, naming table, column and type, when a value does not fit its column', async () => {
    const { Int64 } = await import('apache-arrow');
    const connector = createDynamoDbConnector({ client: dynamo.client, config: connectorConfig });
    const handler = createLambdaHandler(connector, { config });
    const d = new EngineDriver({ transport: inProcessTransport(handler) });
    await d.ping();
    const table = await d.getTable(orders);
    // Read the varchar `Mixed` column as if it were declared bigint (what a wrong Glue type would do).
    const schema = new Schema([new Field('Mixed', new Int64(), true)]);
    const layout = await d.getTableLayout(
      { ...table, schema },
      (await import('@athena-federation/connector-core/testing')).makeConstraints(),
    );
    const constraints = (await import('@athena-federation/connector-core/testing')).makeConstraints();
    const splits = await d.getSplits({ ...table, schema }, layout, constraints);
    const errors = await Promise.all(
      splits.map((s) =>
        d.readSplit(orders, schema, s, constraints).then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    const failure = errors.find((e) => e !== undefined);
    expect(failure).toBeInstanceOf(LambdaInvocationError);
    expect((failure as LambdaInvocationError).error.errorMessage).toMatch(
      /InvalidInputException.*default\.orders column Mixed \(bigint\)/,
    );

    const lenient = createDynamoDbConnector({
      client: dynamo.client,
      config: { ...connectorConfig, lenientValueConversion: true },
    });
    const d2 = new EngineDriver({ transport: inProcessTransport(createLambdaHandler(lenient, { config })) });
    await d2.ping();
    const read = await Promise.all(splits.map((s) => d2.readSplit(orders, schema, s, constraints)));
    const values = read.flatMap((r) => r.batches.flatMap((b) => readRows(b).map((row) => row[0])));
    expect(values).toHaveLength(4);
    expect(values.filter((v) => v !== null)).toEqual([]);
  });

  it('lists through a lazy client factory only when first asked', async () => {
    let made = 0;
    const connector = createDynamoDbConnector({
      client: () => {
        made++;
        return dynamo.client;
      },
      config: connectorConfig,
    });
    expect(made).toBe(0);
    const d = new EngineDriver({ transport: inProcessTransport(createLambdaHandler(connector, { config })) });
    await d.listTables('default');
    await d.listTables('default');
    expect(made).toBe(1);
    expect((await dynamo.client.send(new ListTablesCommand({}))).TableNames).toContain('Orders');
  });
});

describe('forged splits (issue #14)', () => {
  // The split is the caller's: a read may touch only the request's table, through its own keys and indexes.
  const events = { schemaName: 'default', tableName: 'events' };
  const readForged = async (
    table: typeof orders,
    columns: readonly string[] | undefined,
    properties: Record<string, string>,
  ) => {
    const d = driver();
    await d.ping();
    const definition = await d.getTable(table);
    const schema =
      columns === undefined
        ? definition.schema
        : new Schema(definition.schema.fields.filter((f) => columns.includes(f.name)));
    const split = {
      spillLocation: {
        '@type': 'S3SpillLocation' as const,
        bucket: config.spillBucket,
        key: 'forged',
        directory: true,
      },
      encryptionKey: null,
      properties,
    };
    const { makeConstraints } = await import('@athena-federation/connector-core/testing');
    return d.readSplit(table, schema, split, makeConstraints()).then(
      (r) => r.batches.reduce((n, b) => n + b.numRows, 0),
      (e: unknown) => e,
    );
  };
  const refusal = (outcome: unknown) =>
    outcome instanceof LambdaInvocationError ? outcome.error.errorMessage : `answered ${String(outcome)} rows`;

  it('refuses a Scan of another table than the request names', async () => {
    const outcome = await readForged(orders, undefined, {
      kind: 'scan',
      table: 'Readings',
      segment: '0',
      totalSegments: '1',
    });
    expect(refusal(outcome)).toMatch(/InvalidInputException.*another table/);
  });

  it("refuses a Query through an index the table lacks, a key that is not the index's, or an index that does not hold the columns", async () => {
    const query = { kind: 'query', table: 'Events', hashKey: 'UserId', hashValue: '{"S":"u1"}', index: 'ByUser' };
    expect(await readForged(events, undefined, query)).toBe(10);
    expect(refusal(await readForged(events, undefined, { ...query, index: 'NoSuchIndex' }))).toMatch(
      /InvalidInputException.*index the table does not have/,
    );
    expect(
      refusal(await readForged(events, undefined, { ...query, hashKey: 'Note', hashValue: '{"S":"note 1"}' })),
    ).toMatch(/InvalidInputException.*hashKey/);
    expect(
      refusal(
        await readForged(events, ['EventId', 'Note'], {
          ...query,
          index: 'ByKind',
          hashKey: 'Kind',
          hashValue: '{"S":"click"}',
        }),
      ),
    ).toMatch(/InvalidInputException.*does not hold every column/);
    expect(refusal(await readForged(events, undefined, { ...query, hashValue: '{"N":"1"}' }))).toMatch(
      /InvalidInputException.*type of the hash key/,
    );
  });

  it('refuses malformed segments and properties it never writes', async () => {
    const scan = { kind: 'scan', table: 'Orders', segment: '0', totalSegments: '1' };
    expect(await readForged(orders, undefined, scan)).toBe(orderItems.length);
    for (const forged of [
      { ...scan, segment: '1e0' },
      { ...scan, totalSegments: '2000000' },
      { ...scan, segment: '-0' },
      { ...scan, rcuShare: '1' },
      { ...scan, index: 'ByCount' },
    ]) {
      expect(refusal(await readForged(orders, undefined, forged))).toMatch(/InvalidInputException/);
    }
  });
});

describe('casing_mode (core resolveSourceName)', () => {
  beforeAll(async () => {
    const twin = (TableName: string) => ({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' as const }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
      BillingMode: 'PAY_PER_REQUEST' as const,
    });
    await createTable(dynamo.client, twin('Twin'), [{ id: { S: 'a' } }]);
    await createTable(dynamo.client, twin('TWIN'), [{ id: { S: 'b' } }]);
  });

  it('refuses a name that matches several tables differing only by case, naming them', async () => {
    const error = await driver()
      .getTable({ schemaName: 'default', tableName: 'twin' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(
      /InvalidInputException.*default\.twin is ambiguous.*(Twin, TWIN|TWIN, Twin)/,
    );
  });

  it('with casing_mode=NONE lists real names and uses a name exactly as sent', async () => {
    const connector = createDynamoDbConnector({ client: dynamo.client, config: connectorConfig });
    const handler = createLambdaHandler(connector, {
      config: { ...config, ...loadHandlerConfig({ casing_mode: 'NONE' }), spillBucket: config.spillBucket },
    });
    const d = new EngineDriver({ transport: inProcessTransport(handler) });
    const names = (await d.listTables('default')).map((t) => t.tableName);
    expect(names).toEqual(expect.arrayContaining(['Orders', 'Twin', 'TWIN']));
    expect((await d.getTable({ schemaName: 'default', tableName: 'Orders' })).schema.fields.length).toBeGreaterThan(2);
    const error = await d.getTable({ schemaName: 'default', tableName: 'orders' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(
      /EntityNotFoundException.*describing DynamoDB table orders/,
    );
  });
});
