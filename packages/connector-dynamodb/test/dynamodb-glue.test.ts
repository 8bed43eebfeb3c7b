// Glue as the schema source (moto_server's Glue, dynalite's DynamoDB): flagged databases become
// schemas, DynamoDB-classified tables are listed, Glue types and columnMapping win over inference,
// sourceTable names the real table, and `disable_glue` turns it all off.
import { createLambdaHandler, loadHandlerConfig, readRows } from '@athena-federation/connector-core';
import {
  EngineDriver,
  type LambdaInvocationError,
  inProcessTransport,
  ensureBucket,
} from '@athena-federation/connector-core/testing';
import { CreateDatabaseCommand, CreateTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbConnector, describeSchema, loadDynamoDbConfig } from '../src/index.js';
import { parseGlueType } from '../src/dynamodb-glue.js';
import { athenaTypeName } from '../src/dynamodb-types.js';
import { createTable, startDynalite, type DynaliteServer } from './support/dynalite-server.js';
import { orderItems, ordersTable } from './support/fixtures.js';

// moto's endpoint comes from the root vitest setup; names are unique per run.
// us-west-2: every other test file of the run reaches moto's Glue in us-east-1 (the default region)
// and lists schemas and `default` tables there; it must not meet this file's databases and tables.
const glue = new GlueClient({ region: 'us-west-2' });
const database = `ddb_glue_${Date.now()}`;
const run = Date.now().toString(36);
/** Tables of Glue's `default` database this file adds; `duplicate` also exists in DynamoDB (as mixed-case `duplicateDynamo`). */
const defaultTables = {
  alias: `ddb_alias_${run}`,
  byArn: `ddb_byarn_${run}`,
  duplicate: `ddb_twin_${run}`,
  duplicateDynamo: `DDB_Twin_${run}`,
  notDynamo: `ddb_parquet_${run}`,
};
const config = { ...loadHandlerConfig({}), spillBucket: 'dynamodb-glue-spill' };
let dynamo: DynaliteServer;

beforeAll(async () => {
  await ensureBucket(config.spillBucket);
  dynamo = await startDynalite();
  await createTable(dynamo.client, ordersTable, orderItems);
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database, LocationUri: 'dynamo-db-flag' } }));
  await glue.send(
    new CreateDatabaseCommand({ DatabaseInput: { Name: `${database}_other`, LocationUri: 's3://somewhere' } }),
  );
  await glue.send(
    new CreateTableCommand({
      DatabaseName: database,
      TableInput: {
        Name: 'customer_orders',
        Parameters: {
          classification: 'dynamodb',
          sourceTable: 'Orders',
          columnMapping: 'customer=CustomerId,orderno=OrderNo,amount=Amount,address=Address,count=BigCount',
        },
        StorageDescriptor: {
          Columns: [
            { Name: 'customer', Type: 'string' },
            { Name: 'orderno', Type: 'int' },
            { Name: 'amount', Type: 'decimal(38,9)' },
            { Name: 'address', Type: 'struct<street:string,zip:int>' },
            { Name: 'count', Type: 'bigint' },
          ],
        },
      },
    }),
  );
  await createTable(
    dynamo.client,
    {
      TableName: 'Visits',
      AttributeDefinitions: [{ AttributeName: 'VisitId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'VisitId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
    [
      {
        VisitId: { S: 'v1' },
        Day: { S: '27/11/2026' },
        At: { S: '2026-11-27 10:15:00' },
        AtZ: { S: '2026-11-27T10:15:00+02:00' },
        EpochMs: { N: '1764238500000' },
      },
    ],
  );
  await glue.send(
    new CreateTableCommand({
      DatabaseName: database,
      TableInput: {
        Name: 'visits',
        Parameters: {
          classification: 'dynamodb',
          sourceTable: 'Visits',
          columnMapping: 'visitid=VisitId,day=Day,at=At,atz=AtZ,epochms=EpochMs',
          datetimeFormatMapping: "day=dd/MM/yyyy,at=yyyy-MM-dd HH:mm:ss,atz=yyyy-MM-dd'T'HH:mm:ssXXX",
          defaultTimeZone: 'America/New_York',
        },
        StorageDescriptor: {
          Columns: [
            { Name: 'visitid', Type: 'string' },
            { Name: 'day', Type: 'date' },
            { Name: 'at', Type: 'timestamp' },
            { Name: 'atz', Type: 'timestamptz' },
            { Name: 'epochms', Type: 'timestamp' },
          ],
        },
      },
    }),
  );
  await glue.send(
    new CreateTableCommand({
      DatabaseName: database,
      TableInput: {
        Name: 'not_dynamo',
        Parameters: { classification: 'csv' },
        StorageDescriptor: { Columns: [{ Name: 'a', Type: 'string' }] },
      },
    }),
  );

  // Glue's own `default` database.
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'default' } })).catch((error: unknown) => {
    if (!(error instanceof Error && error.name === 'AlreadyExistsException')) throw error;
  });
  const orderColumns = [
    { Name: 'customerid', Type: 'string' },
    { Name: 'orderno', Type: 'bigint' },
    { Name: 'amount', Type: 'decimal(38,9)' },
  ];
  await glue.send(
    new CreateTableCommand({
      DatabaseName: 'default',
      TableInput: {
        Name: defaultTables.alias,
        Parameters: {
          classification: 'dynamodb',
          sourceTable: 'Orders',
          columnMapping: 'customerid=CustomerId,orderno=OrderNo,amount=Amount',
        },
        StorageDescriptor: { Columns: orderColumns },
      },
    }),
  );
  await glue.send(
    new CreateTableCommand({
      DatabaseName: 'default',
      TableInput: {
        Name: defaultTables.byArn,
        Parameters: { columnMapping: 'customerid=CustomerId,orderno=OrderNo,amount=Amount' },
        StorageDescriptor: { Location: 'arn:aws:dynamodb:us-east-1:123456789012:table/Orders', Columns: orderColumns },
      },
    }),
  );
  await glue.send(
    new CreateTableCommand({
      DatabaseName: 'default',
      TableInput: {
        Name: defaultTables.duplicate,
        Parameters: { classification: 'dynamodb' },
        StorageDescriptor: { Columns: [{ Name: 'visitid', Type: 'string' }] },
      },
    }),
  );
  await glue.send(
    new CreateTableCommand({
      DatabaseName: 'default',
      TableInput: {
        Name: defaultTables.notDynamo,
        Parameters: { classification: 'parquet' },
        StorageDescriptor: { Location: 's3://bucket/x', Columns: [{ Name: 'a', Type: 'string' }] },
      },
    }),
  );
  await createTable(
    dynamo.client,
    {
      TableName: defaultTables.duplicateDynamo,
      AttributeDefinitions: [{ AttributeName: 'VisitId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'VisitId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
    [],
  );
});

afterAll(async () => {
  glue.destroy();
  await dynamo.stop();
});

const driverWith = (env: Record<string, string> = {}) =>
  new EngineDriver({
    transport: inProcessTransport(
      createLambdaHandler(createDynamoDbConnector({ client: dynamo.client, glue, config: loadDynamoDbConfig(env) }), {
        config,
      }),
    ),
  });

describe('glue', () => {
  it('lists flagged databases as schemas and only DynamoDB tables in them', async () => {
    const d = driverWith();
    const schemas = await d.listSchemas();
    expect(schemas).toContain('default');
    expect(schemas).toContain(database);
    expect(schemas).not.toContain(`${database}_other`);
    expect((await d.listTables(database)).map((t) => t.tableName).sort()).toEqual(['customer_orders', 'visits']);
  });

  it('uses the Glue schema with columnMapping names and reads the sourceTable', async () => {
    const d = driverWith();
    const table = { schemaName: database, tableName: 'customer_orders' };
    const definition = await d.getTable(table);
    expect(describeSchema(definition.schema)).toEqual([
      'CustomerId: varchar',
      'OrderNo: int',
      'Amount: decimal(38,9)',
      'Address: struct<street:varchar,zip:int>',
      'BigCount: bigint',
    ]);
    const result = await d.scan(table);
    const rows = result.table.batches.flatMap((b) => readRows(b));
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r[0] === 'c1' && r[1] === 1)).toEqual([
      'c1',
      1,
      '12.500000000',
      { street: 'Main St', zip: 12345 },
      9007199254740993n,
    ]);
  });

  it('reads dates and timestamps with datetimeFormatMapping and defaultTimeZone', async () => {
    const result = await driverWith().scan({ schemaName: database, tableName: 'visits' });
    const [row] = result.table.batches.flatMap((b) => readRows(b));
    expect(row).toEqual([
      'v1',
      Date.UTC(2026, 10, 27) / 86_400_000,
      Date.UTC(2026, 10, 27, 10, 15),
      { epochMillis: Date.UTC(2026, 10, 27, 8, 15), zoneId: 'America/New_York' },
      1764238500000,
    ]);
  });

  it('names a missing Glue table, and ignores Glue with disable_glue', async () => {
    const error = await driverWith()
      .getTable({ schemaName: database, tableName: 'missing' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(/EntityNotFoundException.*missing/);
    const d = driverWith({ disable_glue: 'true' });
    expect(await d.listSchemas()).toEqual(['default']);
  });

  it("lists the DynamoDB tables of Glue's default database in default, once each, paged or not", async () => {
    const d = driverWith();
    const all = (await d.listTables('default')).map((t) => t.tableName);
    expect(all).toContain('orders');
    expect(all).toContain('visits');
    expect(all).toContain(defaultTables.alias);
    expect(all).toContain(defaultTables.byArn);
    expect(all.filter((name) => name === defaultTables.duplicate)).toHaveLength(1);
    expect(all).not.toContain(defaultTables.notDynamo);
    expect(new Set(all).size).toBe(all.length);
    const paged = (await d.listTables('default', 1)).map((t) => t.tableName);
    expect([...paged].sort()).toEqual([...all].sort());
    const withoutGlue = (await driverWith({ disable_glue: 'true' }).listTables('default')).map((t) => t.tableName);
    expect(withoutGlue).not.toContain(defaultTables.alias);
    expect(withoutGlue).toContain(defaultTables.duplicate);
  });

  it('resolves a default-database Glue table to its DynamoDB table by sourceTable or by the ARN in its location', async () => {
    const d = driverWith();
    for (const name of [defaultTables.alias, defaultTables.byArn]) {
      const table = { schemaName: 'default', tableName: name };
      expect(describeSchema((await d.getTable(table)).schema), name).toEqual([
        'CustomerId: varchar',
        'OrderNo: bigint',
        'Amount: decimal(38,9)',
      ]);
      const rows = (await d.scan(table)).table.batches.flatMap((b) => readRows(b));
      const expected = orderItems.map((item) => [item['CustomerId']?.S, BigInt(item['OrderNo']?.N ?? '')]);
      expect(rows.map((r) => [r[0], r[1]]).sort(), name).toEqual(expected.sort());
    }
  });

  it('parses Glue types', () => {
    const cases: [string, string][] = [
      ['decimal', 'decimal(38,18)'],
      ['decimal(10)', 'decimal(10,0)'],
      ['array<struct<a:int,b:map<string,array<double>>>>', 'array<struct<a:int,b:map<varchar,array<double>>>>'],
      ['set<bigint>', 'array<bigint>'],
      ['varchar(20)', 'varchar'],
      ['timestamp', 'timestamp'],
      ['date', 'date'],
      ['timestamptz', 'timestamp with time zone'],
    ];
    for (const [glueType, athena] of cases) expect(athenaTypeName(parseGlueType(glueType, 'c')), glueType).toBe(athena);
    expect(() => parseGlueType('uniontype<int>', 'c')).toThrow(/Glue column c/);
    expect(() => parseGlueType('array<int', 'c')).toThrow(/expected/);
  });
});
