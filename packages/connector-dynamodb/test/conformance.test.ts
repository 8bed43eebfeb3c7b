// Core's conformance suite on the DynamoDB connector, reading the `Orders` and `Readings` fixtures
// from dynalite, and once a table in moto_server's DynamoDB, which (unlike dynalite) runs PartiQL, so
// the passthrough check has a source to run against. Spill goes to moto's S3 (the suite creates its
// bucket). The connector does not advertise top-N, so that check skips, saying so.
import { describeConnector } from '@athena-federation/connector-core/testing';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll } from 'vitest';
import { createDynamoDbConnector, loadDynamoDbConfig } from '../src/index.js';
import { createTable, startDynalite, type DynaliteServer } from './support/dynalite-server.js';
import { orderItems, ordersTable, readingItems, readingsTable } from './support/fixtures.js';

let dynamo: DynaliteServer | undefined;
// A region of its own: moto keeps tables per region, and other test files create and drop theirs
// concurrently, which the ListTables paging check would see.
const moto = new DynamoDBClient({ region: 'ap-southeast-2' });
let motoReady: Promise<void> | undefined;

afterAll(async () => {
  await dynamo?.stop();
  moto.destroy();
});

const make = async () => {
  if (dynamo === undefined) {
    dynamo = await startDynalite();
    await createTable(dynamo.client, ordersTable, orderItems);
    await createTable(dynamo.client, readingsTable, readingItems);
  }
  return createDynamoDbConnector({ client: dynamo.client, config: loadDynamoDbConfig({}) });
};

const noPartiql = 'dynalite has no PartiQL (ExecuteStatement); the moto run of this file checks passthrough';

describeConnector({
  name: 'dynamodb (orders, string hash key)',
  make,
  table: { schemaName: 'default', tableName: 'orders' },
  rowCount: orderItems.length,
  skip: { 'query passthrough': noPartiql },
});
describeConnector({
  name: 'dynamodb (readings, numeric hash key)',
  make,
  table: { schemaName: 'default', tableName: 'readings' },
  filterColumn: 'bpm',
  rowCount: readingItems.length,
  skip: { 'query passthrough': noPartiql },
});

// Unique per run, so a moto_server kept between runs does not already hold it.
const visitsTable = `ConformanceVisits${Date.now()}`;
const visits = Array.from({ length: 9 }, (_, i) => ({
  Id: `v${i}`,
  Ward: i % 3 === 0 ? 'north-east' : 'south',
  Cost: `${i * 12}.5`,
}));

describeConnector({
  name: 'dynamodb on moto (visits, passthrough)',
  make: async () => {
    motoReady ??= createTable(
      moto,
      {
        TableName: visitsTable,
        AttributeDefinitions: [{ AttributeName: 'Id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'Id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      },
      visits.map((v) => ({ Id: { S: v.Id }, Ward: { S: v.Ward }, Cost: { N: v.Cost } })),
    );
    await motoReady;
    return createDynamoDbConnector({ client: moto, config: loadDynamoDbConfig({}) });
  },
  table: { schemaName: 'default', tableName: visitsTable.toLowerCase() },
  rowCount: visits.length,
  passthrough: {
    arguments: { query: `SELECT * FROM "${visitsTable}" WHERE Ward = 'south'` },
    rows: visits.filter((v) => v.Ward === 'south'),
  },
});
