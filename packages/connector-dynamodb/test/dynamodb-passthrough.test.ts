// Query passthrough `system.query(query => '<PartiQL SELECT>')` against moto_server's DynamoDB
// (dynalite has no PartiQL): schema from the statement's items, every result page read.
import { createLambdaHandler, loadHandlerConfig } from '@athena-federation/connector-core';
import {
  EngineDriver,
  LambdaInvocationError,
  inProcessTransport,
  makeConstraints,
  ensureBucket,
} from '@athena-federation/connector-core/testing';
import { DynamoDBClient, ExecuteStatementCommand, type ExecuteStatementCommandInput } from '@aws-sdk/client-dynamodb';
import { readRows } from '@athena-federation/connector-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbConnector, describeSchema, loadDynamoDbConfig, type DynamoDbClientLike } from '../src/index.js';
import { createTable } from './support/dynalite-server.js';

// moto's endpoint and fake credentials come from the root vitest setup (AWS_ENDPOINT_URL).
const moto = new DynamoDBClient({ region: 'us-east-1' });
const config = { ...loadHandlerConfig({}), spillBucket: 'dynamodb-passthrough-spill' };
const tableName = `PartiqlOrders${Date.now()}`;
let statements = 0;

/**
 * Counts ExecuteStatement calls and answers them in pages of 2 items with a NextToken (moto
 * returns everything at once and ignores Limit), so following every page is exercised.
 */
const client = {
  send: async (command: { constructor: { name: string }; input: Record<string, unknown> }, options?: object) => {
    if (command.constructor.name !== 'ExecuteStatementCommand') return moto.send(command as never, options);
    statements++;
    const { NextToken, Limit: _limit, ...rest } = command.input;
    const all = await moto.send(new ExecuteStatementCommand(rest as unknown as ExecuteStatementCommandInput), options);
    const start = typeof NextToken === 'string' ? Number(NextToken) : 0;
    const items = all.Items ?? [];
    return {
      ...all,
      Items: items.slice(start, start + 2),
      ...(start + 2 < items.length ? { NextToken: String(start + 2) } : { NextToken: undefined }),
    };
  },
} as unknown as DynamoDbClientLike;

beforeAll(async () => {
  await ensureBucket(config.spillBucket);
  await createTable(
    moto,
    {
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'Id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'Id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
    Array.from({ length: 7 }, (_, i) => ({
      Id: { S: `o${i}` },
      Total: { N: i === 3 ? '123456789012345678901234.5' : String(i * 10) },
      Region: { S: i % 2 === 0 ? 'eu' : 'us' },
    })),
  );
});

afterAll(() => {
  moto.destroy();
});

const driver = () =>
  new EngineDriver({
    transport: inProcessTransport(
      createLambdaHandler(createDynamoDbConnector({ client, config: loadDynamoDbConfig({}) }), { config }),
    ),
  });
const args = (query: string) => ({ schemaFunctionName: 'SYSTEM.QUERY', QUERY: query });

describe('query passthrough', () => {
  it('advertises system.query and reads every page of a SELECT', async () => {
    // Prepare
    const d = driver();
    await d.ping();
    const passthrough = args(`SELECT * FROM "${tableName}"`);
    // Act
    const table = await d.getTable({ schemaName: 'system', tableName: 'query' }, passthrough);
    const constraints = makeConstraints({ queryPassthroughArguments: passthrough });
    const layout = await d.getTableLayout(table, constraints);
    const splits = await d.getSplits(table, layout, constraints);
    statements = 0;
    const read = await d.readSplit(
      table.tableName,
      table.schema,
      splits[0] ?? {
        spillLocation: { '@type': 'S3SpillLocation', bucket: '', key: '', directory: true },
        encryptionKey: null,
        properties: {},
      },
      constraints,
    );
    // Assess
    expect(describeSchema(table.schema)).toEqual(['Id: varchar', 'Region: varchar', 'Total: decimal(38,9)']);
    expect(splits).toHaveLength(1);
    const rows = read.batches.flatMap((b) => readRows(b));
    expect(rows).toHaveLength(7);
    expect(rows.find((r) => r[0] === 'o3')?.[2]).toBe('123456789012345678901234.500000000');
    expect(statements).toBeGreaterThanOrEqual(4);
  });

  it('refuses anything but SELECT', async () => {
    const d = driver();
    await d.ping();
    const error = await d
      .getTable({ schemaName: 'system', tableName: 'query' }, args(`DELETE FROM "${tableName}" WHERE Id = 'o1'`))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(/InvalidInputException.*only a PartiQL SELECT/);
  });
});

describe('forged passthrough splits (issue #14)', () => {
  // A ReadRecords request hands its split back from whoever invokes the function: a split claiming
  // to be PartiQL may carry any statement, so ReadRecords must re-check what GetSplits checked.
  const items = async () =>
    JSON.stringify(
      (await moto.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${tableName}"` }))).Items?.map((i) =>
        JSON.stringify(i),
      ).sort(),
    );
  const forged = (statement: string) => ({
    spillLocation: { '@type': 'S3SpillLocation' as const, bucket: config.spillBucket, key: 'forged', directory: true },
    encryptionKey: null,
    properties: { kind: 'partiql', statement },
  });
  const select = () => `SELECT * FROM "${tableName}"`;
  const read = async (statement: string, passthrough: string, enabled = true) => {
    const handlerConfig = { ...config, enableQueryPassthrough: enabled };
    const d = new EngineDriver({
      transport: inProcessTransport(
        createLambdaHandler(createDynamoDbConnector({ client, config: loadDynamoDbConfig({}) }), {
          config: handlerConfig,
        }),
      ),
    });
    await d.ping();
    const passthroughArgs = args(passthrough);
    const table = await driver().getTable({ schemaName: 'system', tableName: 'query' }, args(select()));
    return d
      .readSplit(
        table.tableName,
        table.schema,
        forged(statement),
        makeConstraints({ queryPassthroughArguments: passthroughArgs }),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
  };

  it.each([
    ['UPDATE', () => `UPDATE "${tableName}" SET Region = 'forged' WHERE Id = 'o1'`],
    ['DELETE', () => `DELETE FROM "${tableName}" WHERE Id = 'o2'`],
    ['INSERT', () => `INSERT INTO "${tableName}" VALUE {'Id': 'forged', 'Region': 'xx'}`],
  ])('refuses a forged %s statement and writes nothing', async (_kind, statement) => {
    // Prepare
    const before = await items();
    // Act
    const error = await read(statement(), select());
    // Assess
    expect(await items()).toBe(before);
    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(/InvalidInputException/);
  });

  it("refuses a SELECT split when passthrough is disabled, and one that is not the request's own statement", async () => {
    const disabled = await read(select(), select(), false);
    expect((disabled as LambdaInvocationError).error.errorMessage).toMatch(
      /OperationNotSupportedException.*enable_query_passthrough=false/,
    );
    const other = await read(`SELECT * FROM "${tableName}" WHERE Region = 'eu'`, select());
    expect((other as LambdaInvocationError).error.errorMessage).toMatch(
      /InvalidInputException.*not the request's passthrough statement/,
    );
    const noArgs = await (async () => {
      const d = driver();
      await d.ping();
      const table = await d.getTable({ schemaName: 'system', tableName: 'query' }, args(select()));
      return d.readSplit(table.tableName, table.schema, forged(select()), makeConstraints()).then(
        () => undefined,
        (e: unknown) => e,
      );
    })();
    expect((noArgs as LambdaInvocationError).error.errorMessage).toMatch(/InvalidInputException/);
  });

  it('refuses a SELECT followed by a second statement', async () => {
    const twice = `${select()}; DELETE FROM "${tableName}" WHERE Id = 'o3'`;
    const before = await items();
    const error = await read(twice, twice);
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(/InvalidInputException.*single/);
    expect(await items()).toBe(before);
  });
});
