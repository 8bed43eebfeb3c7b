// Issue #14 on DynamoDB: at Athena's block sizes (16,000,000 / 5,242,880) one Scan split of ~4.9 MB
// of Arrow is under maxInlineBlockSize, so Java's raw rule answers it inline — 6.4 MB once base64 and
// the JSON envelope are added, which Lambda refuses to return. The handler's answer must stay within
// Lambda's 6,291,556-byte response limit and the spilled answer must hold every item.
import { createLambdaHandler, loadHandlerConfig } from '@athena-federation/connector-core';
import {
  ATHENA_BLOCK_SIZES,
  EngineDriver,
  ensureBucket,
  expectSpilledWithinLambdaLimit,
  inProcessTransport,
} from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDynamoDbConnector, loadDynamoDbConfig } from '../src/index.js';
import { createTable, startDynalite, type DynaliteServer } from './support/dynalite-server.js';

const ITEMS = 1000;
const note = (i: number) => `item ${i}: ${'abcdefghijklmnopqrstuvwxyz'.repeat(190)}`.slice(0, 4900);
const handlerConfig = { ...loadHandlerConfig({}), spillBucket: 'dynamodb-response-size-spill' };
let dynamo: DynaliteServer;

beforeAll(async () => {
  await ensureBucket(handlerConfig.spillBucket);
  dynamo = await startDynalite();
  await createTable(
    dynamo.client,
    {
      TableName: 'WideNotes',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
    Array.from({ length: ITEMS }, (_, i) => ({ id: { N: String(i) }, note: { S: note(i) } })),
  );
}, 120_000);

afterAll(async () => {
  await dynamo?.stop();
});

it("answers a 4.9 MB split within Lambda's response limit, with every item", async () => {
  // One Scan segment, so the whole table is one split; Glue off (other files put tables in moto).
  const config = { ...loadDynamoDbConfig({}), disableGlue: true, minScanSegments: 1, maxScanSegments: 1 };
  const connector = createDynamoDbConnector({ client: () => dynamo.client, config });
  const driver = new EngineDriver({
    transport: inProcessTransport(createLambdaHandler(connector, { config: handlerConfig })),
    ...ATHENA_BLOCK_SIZES,
  });

  const result = await driver.scan({ schemaName: 'default', tableName: 'widenotes' });

  const notes = expectSpilledWithinLambdaLimit(driver, result, 'id', 'note');
  expect(notes).toEqual(new Map(Array.from({ length: ITEMS }, (_, i) => [String(i), note(i)])));
}, 120_000);
