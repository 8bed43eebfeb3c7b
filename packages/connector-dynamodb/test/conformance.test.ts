// Core's conformance suite on the DynamoDB connector, reading the `Orders` fixture from dynalite;
// spill goes to moto's S3 (the suite creates its bucket).
import { describeConnector } from '@athena-federation/connector-core/testing';
import { afterAll } from 'vitest';
import { createDynamoDbConnector, loadDynamoDbConfig } from '../src/index.js';
import { createTable, startDynalite, type DynaliteServer } from './support/dynalite-server.js';
import { orderItems, ordersTable, readingItems, readingsTable } from './support/fixtures.js';

let dynamo: DynaliteServer | undefined;

afterAll(async () => {
  await dynamo?.stop();
});

const make = async () => {
  if (dynamo === undefined) {
    dynamo = await startDynalite();
    await createTable(dynamo.client, ordersTable, orderItems);
    await createTable(dynamo.client, readingsTable, readingItems);
  }
  return createDynamoDbConnector({ client: dynamo.client, config: loadDynamoDbConfig({}) });
};

describeConnector({ name: 'dynamodb (orders, string hash key)', make, table: { schemaName: 'default', tableName: 'orders' } });
describeConnector({ name: 'dynamodb (readings, numeric hash key)', make, table: { schemaName: 'default', tableName: 'readings' }, filterColumn: 'bpm' });
