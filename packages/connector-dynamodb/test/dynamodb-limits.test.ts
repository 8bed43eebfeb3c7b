// The test stand-in refuses what real DynamoDB refuses and dynalite does not (support/dynamodb-limits.ts),
// so no test can pass on a request DynamoDB would reject; and the connector stays within those
// limits on wide tables and long IN lists, answering as Athena would (issue #14, finding 6).
import {
  arrowTypeToJson,
  createLambdaHandler,
  loadHandlerConfig,
  readRows,
  makeValueBlock,
  type ValueSet,
} from '@athena-federation/connector-core';
import { EngineDriver, ensureBucket, inProcessTransport } from '@athena-federation/connector-core/testing';
import { QueryCommand, ScanCommand, type AttributeValue, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { Field, type Int64, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbConnector, loadDynamoDbConfig } from '../src/index.js';
import { createTable, startDynalite, type DynaliteServer } from './support/dynalite-server.js';

const config = { ...loadHandlerConfig({}), spillBucket: 'dynamodb-limits-spill' };
let dynamo: DynaliteServer;
let driver: () => EngineDriver;

/** 801 attributes per item: `id` and `a000`…`a799`. */
const WIDE_COLUMNS = 800;
const wideItems: Record<string, AttributeValue>[] = Array.from({ length: 30 }, (_, i) => ({
  id: { N: String(i) },
  ...Object.fromEntries(
    Array.from({ length: WIDE_COLUMNS }, (_, c) => [`a${String(c).padStart(3, '0')}`, { N: String(i * 1000 + c) }]),
  ),
}));
/** Six attributes whose values a 100-value IN list each can pin. */
const listItems: Record<string, AttributeValue>[] = Array.from({ length: 300 }, (_, i) => ({
  id: { N: String(i) },
  ...Object.fromEntries(
    Array.from({ length: 6 }, (_, c) => [`code${c}`, { S: `code-${String(i % 200).padStart(4, '0')}` }]),
  ),
}));

beforeAll(async () => {
  await ensureBucket(config.spillBucket);
  dynamo = await startDynalite();
  const keyed = (TableName: string) => ({
    TableName,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' as const }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
    BillingMode: 'PAY_PER_REQUEST' as const,
  });
  await createTable(dynamo.client, keyed('Wide'), wideItems);
  await createTable(dynamo.client, keyed('Codes'), listItems);
  await createTable(dynamo.client, keyed('Falsy'), [
    { id: { N: '1' }, v: { BOOL: false } },
    { id: { N: '2' }, v: { BOOL: true } },
    { id: { N: '3' }, v: { S: '' } },
    { id: { N: '4' }, v: { S: 'a' } },
  ]);
  const connector = createDynamoDbConnector({
    client: dynamo.client,
    config: { ...loadDynamoDbConfig({}), disableGlue: true },
  });
  const handler = createLambdaHandler(connector, { config });
  driver = () => new EngineDriver({ transport: inProcessTransport(handler) });
});

afterAll(async () => {
  await dynamo.stop();
});

describe("the dynalite stand-in enforces DynamoDB's expression limits", () => {
  it('matches false and the empty string with IN, as DynamoDB does (dynalite alone does not)', async () => {
    const ids = async (FilterExpression: string, values: Record<string, AttributeValue>) =>
      (
        (
          await dynamo.client.send(
            new ScanCommand({
              TableName: 'Falsy',
              FilterExpression,
              ExpressionAttributeNames: { '#v': 'v' },
              ExpressionAttributeValues: values,
            }),
          )
        ).Items ?? []
      )
        .map((i) => i['id']?.N)
        .sort();
    expect(await ids('#v IN (:a, :b)', { ':a': { BOOL: false }, ':b': { S: '' } })).toEqual(['1', '3']);
    expect(await ids('NOT (#v IN (:a, :b))', { ':a': { BOOL: false }, ':b': { S: '' } })).toEqual(['2', '4']);
  });

  const scan = (input: Partial<ScanCommandInput>) =>
    dynamo.client.send(new ScanCommand({ TableName: 'Codes', ...input })).then(
      () => 'ok',
      (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)),
    );
  const names = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`#n${i}`, `code${i % 6}`]));

  it('refuses an expression over 4 KB and takes one of exactly 4 KB', async () => {
    const projection = (bytes: number) => `#n0${' '.repeat(bytes - 3)}`;
    expect(await scan({ ProjectionExpression: projection(4096), ExpressionAttributeNames: names(1) })).toBe('ok');
    expect(await scan({ ProjectionExpression: projection(4097), ExpressionAttributeNames: names(1) })).toMatch(
      /^ValidationException: Invalid ProjectionExpression: Expression size has exceeded the maximum allowed size; expression size: 4097/,
    );
  });

  it('refuses an IN of 101 operands and 301 operators', async () => {
    const values = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`:v${i}`, { S: `x${i}` }]));
    const inList = (n: number) => `#n0 IN (${Array.from({ length: n }, (_, i) => `:v${i}`).join(', ')})`;
    expect(
      await scan({
        FilterExpression: inList(100),
        ExpressionAttributeNames: names(1),
        ExpressionAttributeValues: values(100),
      }),
    ).toBe('ok');
    expect(
      await scan({
        FilterExpression: inList(101),
        ExpressionAttributeNames: names(1),
        ExpressionAttributeValues: values(101),
      }),
    ).toMatch(/ValidationException: .*too many operands; number of operands: 101/);
    // 151 comparisons joined by 150 ORs: 301 operators.
    const ors = (n: number) => Array.from({ length: n }, (_, i) => `#n0 = :v${i}`).join(' OR ');
    expect(
      await scan({
        FilterExpression: ors(150),
        ExpressionAttributeNames: names(1),
        ExpressionAttributeValues: values(150),
      }),
    ).toBe('ok');
    expect(
      await scan({
        FilterExpression: ors(151),
        ExpressionAttributeNames: names(1),
        ExpressionAttributeValues: values(151),
      }),
    ).toMatch(/ValidationException: .*too many operators; operator count: 301/);
  });

  it('refuses a Query for an empty key value', async () => {
    const query = (value: AttributeValue) =>
      dynamo.client
        .send(
          new QueryCommand({
            TableName: 'Falsy',
            KeyConditionExpression: '#k = :k',
            ExpressionAttributeNames: { '#k': 'id' },
            ExpressionAttributeValues: { ':k': value },
          }),
        )
        .then(
          () => 'ok',
          (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)),
        );
    expect(await query({ N: '1' })).toBe('ok');
    expect(await query({ S: '' })).toMatch(
      /^ValidationException: .*key attribute cannot contain an empty string value/,
    );
  });

  it('refuses a placeholder over 255 bytes and substitutions over 2 MB', async () => {
    expect(
      await scan({
        ProjectionExpression: `#${'n'.repeat(255)}`,
        ExpressionAttributeNames: { [`#${'n'.repeat(255)}`]: 'id' },
      }),
    ).toMatch(/ValidationException: ExpressionAttributeNames contains invalid key/);
    const big = { ':big': { S: 'x'.repeat(2 * 1024 * 1024) } };
    expect(
      await scan({
        FilterExpression: '#n0 = :big',
        ExpressionAttributeNames: names(1),
        ExpressionAttributeValues: big,
      }),
    ).toMatch(/ValidationException: .*exceed the maximum size/);
  });
});

function inList(type: Utf8 | Int64, values: readonly unknown[]): ValueSet {
  return {
    '@type': 'EquatableValueSet',
    valueBlock: makeValueBlock(new Field('col1', type, true), values),
    whiteList: true,
    nullAllowed: false,
  };
}

describe('wide reads and long IN lists stay within the limits and answer exactly', () => {
  it('reads 800 of 801 columns: every value of every item', async () => {
    const d = driver();
    const columns = Array.from({ length: WIDE_COLUMNS }, (_, c) => `a${String(c).padStart(3, '0')}`);
    const result = await d.scan({ schemaName: 'default', tableName: 'wide' }, { columns });
    const rows = result.table.batches.flatMap((b) => readRows(b));
    expect(rows).toHaveLength(wideItems.length);
    const expected = wideItems
      .map((item) => columns.map((c) => Number(item[c]?.N)))
      .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    expect(rows.map((r) => r.map(Number)).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))).toEqual(expected);
  });

  it('answers six 100-value IN lists with exactly the matching items', async () => {
    const d = driver();
    // Overlapping windows: the items in all six are those with i % 200 in 50..99.
    const lists = Array.from({ length: 6 }, (_, c) =>
      Array.from({ length: 100 }, (_, k) => `code-${String(c * 10 + k).padStart(4, '0')}`),
    );
    const summary = Object.fromEntries(lists.map((values, c) => [`code${c}`, inList(new Utf8(), values)]));
    await d.getTable({ schemaName: 'default', tableName: 'codes' });
    dynamo.resetServed();
    const result = await d.scan(
      { schemaName: 'default', tableName: 'codes' },
      { columns: ['id', ...lists.map((_, c) => `code${c}`)], constraints: { summary } },
    );
    const ids = result.table.batches.flatMap((b) => readRows(b).map((r) => Number(r[0]))).sort((a, b) => a - b);
    const expected = listItems
      .filter((item) => lists.every((values, c) => values.includes(item[`code${c}`]?.S ?? '')))
      .map((item) => Number(item['id']?.N))
      .sort((a, b) => a - b);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids).toEqual(expected);
    // Less is pushed, not nothing: the IN lists that fit still keep most items in DynamoDB.
    const served = dynamo.served();
    expect(served.scannedItems).toBe(listItems.length);
    expect(served.returnedItems).toBeLessThan(listItems.length / 2);
  });
});

describe('placeholders', () => {
  it('leaves no placeholder behind for a clause it could not push (DynamoDB refuses unused names and values)', async () => {
    // Two ranges on a string column, the second bounded above U+D800 (not pushable): the first range's placeholders must go too.
    const marker = (value: string) => ({
      valueBlock: makeValueBlock(new Field('v', new Utf8()), [value]),
      bound: 'EXACTLY' as const,
      nullValue: false,
    });
    const ranges: ValueSet = {
      '@type': 'SortedRangeSet',
      type: arrowTypeToJson(new Utf8()),
      ranges: [
        { low: marker('code-0010'), high: marker('code-0020') },
        { low: marker('code-0100'), high: marker('code-\uFFFF') },
      ],
      nullAllowed: false,
    };
    const result = await driver().scan(
      { schemaName: 'default', tableName: 'codes' },
      { columns: ['id', 'code0'], constraints: { summary: { code0: ranges } } },
    );
    const expected = listItems.filter((item) => {
      const v = item['code0']?.S ?? '';
      return (v >= 'code-0010' && v <= 'code-0020') || v >= 'code-0100';
    });
    expect(result.table.numRows).toBe(expected.length);
  });
});
