// Type drift that schema inference missed (issue #14, finding 5): an attribute inferred as a string
// from 400 items but stored as the number 5 in one more. The item reader shows that item as '5', so
// core's re-check keeps it for `code = '5'`; DynamoDB compares types strictly and would drop it from
// a pushed filter. Pushdown must keep every item the reader converts, for every pushed form.
import {
  arrowTypeToJson,
  createLambdaHandler,
  loadHandlerConfig,
  makeValueBlock,
  readRows,
  type FederationExpression,
  type ValueSet,
} from '@athena-federation/connector-core';
import { EngineDriver, ensureBucket, inProcessTransport } from '@athena-federation/connector-core/testing';
import { PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { Field, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbConnector, loadDynamoDbConfig } from '../src/index.js';
import { createTable, startDynalite, type DynaliteServer } from './support/dynalite-server.js';
import { likeExpression } from './support/like-expression.js';

const config = { ...loadHandlerConfig({}), spillBucket: 'dynamodb-drift-spill' };
const table = { schemaName: 'default', tableName: 'drift' };
let dynamo: DynaliteServer;
let driver: () => EngineDriver;

/** 400 items whose `code` is a string; the drifted ones are written after the schema was inferred. */
const items: Record<string, AttributeValue>[] = Array.from({ length: 400 }, (_, i) => ({
  id: { N: String(i) },
  code: { S: `c${i % 20}` },
  flag: { BOOL: i % 2 === 0 },
}));
const drifted: Record<string, AttributeValue>[] = [
  { id: { N: '1000' }, code: { N: '5' } },
  { id: { N: '1001' }, code: { BOOL: true } },
  { id: { N: '1002' }, code: { SS: ['a', 'b'] } },
  { id: { N: '1003' }, code: { N: '50' } },
];

beforeAll(async () => {
  await ensureBucket(config.spillBucket);
  dynamo = await startDynalite();
  await createTable(
    dynamo.client,
    {
      TableName: 'Drift',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
    items,
  );
  const connector = createDynamoDbConnector({
    client: dynamo.client,
    config: { ...loadDynamoDbConfig({}), disableGlue: true },
  });
  const handler = createLambdaHandler(connector, { config });
  driver = () => new EngineDriver({ transport: inProcessTransport(handler) });
  // Inference sees only strings (and the schema is cached); then the drift arrives, as items written later would.
  const schema = (await driver().getTable(table)).schema;
  expect(schema.fields.find((f) => f.name === 'code')?.metadata.get('dynamodb.type')).toBe('S');
  for (const Item of drifted) await dynamo.client.send(new PutItemCommand({ TableName: 'Drift', Item }));
});

afterAll(async () => {
  await dynamo.stop();
});

const text = (value: string) => makeValueBlock(new Field('v', new Utf8()), [value]);
const point = (value: string) => ({
  low: { valueBlock: text(value), bound: 'EXACTLY' as const, nullValue: false },
  high: { valueBlock: text(value), bound: 'EXACTLY' as const, nullValue: false },
});
const utf8 = arrowTypeToJson(new Utf8());

const like = (pattern: string): FederationExpression => likeExpression('code', pattern);

/** The ids a read returns, with `code` as the reader shows it. */
async function read(options: { summary?: Record<string, ValueSet>; expression?: FederationExpression[] }) {
  const result = await driver().scan(table, {
    columns: ['id', 'code'],
    constraints: { summary: options.summary ?? {}, expression: options.expression ?? [] },
  });
  return result.table.batches
    .flatMap((b) => readRows(b))
    .map((r) => `${String(r[0])}:${String(r[1])}`)
    .sort();
}

describe('pushdown keeps items whose type drifted from the inferred one', () => {
  it('a full read shows the drifted items as text', async () => {
    const all = await read({});
    expect(all).toEqual(expect.arrayContaining(['1000:5', '1001:true', '1002:["a","b"]', '1003:50']));
  });

  it.each<[string, { summary?: Record<string, ValueSet>; expression?: FederationExpression[] }, readonly string[]]>([
    [
      "code = '5'",
      { summary: { code: { '@type': 'SortedRangeSet', type: utf8, ranges: [point('5')], nullAllowed: false } } },
      ['1000:5'],
    ],
    [
      "code IN ('5', 'true')",
      {
        summary: {
          code: {
            '@type': 'EquatableValueSet',
            valueBlock: makeValueBlock(new Field('v', new Utf8()), ['5', 'true']),
            whiteList: true,
            nullAllowed: false,
          },
        },
      },
      ['1000:5', '1001:true'],
    ],
    [
      "code BETWEEN '4' AND '6'",
      {
        summary: {
          code: {
            '@type': 'SortedRangeSet',
            type: utf8,
            ranges: [{ low: point('4').low, high: point('6').high }],
            nullAllowed: false,
          },
        },
      },
      ['1000:5', '1003:50'],
    ],
    ["code LIKE '5%'", { expression: [like('5%')] }, ['1000:5', '1003:50']],
    ["code LIKE '[%'", { expression: [like('[%')] }, ['1002:["a","b"]']],
  ])('%s keeps them', async (_label, constraints, expected) => {
    expect(await read(constraints)).toEqual([...expected].sort());
  });
});

describe('the guard narrows reads still', () => {
  it("code = 'c3' returns only the matching strings and the items that hold no string", async () => {
    await driver().getTable(table);
    dynamo.resetServed();
    expect(
      await read({
        summary: { code: { '@type': 'SortedRangeSet', type: utf8, ranges: [point('c3')], nullAllowed: false } },
      }),
    ).toHaveLength(20);
    expect(dynamo.served().scannedItems).toBe(items.length + drifted.length);
    expect(dynamo.served().returnedItems).toBe(20 + drifted.length);
  });
});
