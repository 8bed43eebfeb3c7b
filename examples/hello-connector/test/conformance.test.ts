// Core's conformance suite on the hello connector, reading `retail.orders` (three JSON-lines
// objects) and a second table from moto's S3; spill goes to moto as well. The connector advertises
// LIMIT only, so the top-N, expression and passthrough checks skip, saying so.
import { describeConnector } from '@athena-federation/connector-core/testing';
import { createHelloConnector } from '../src/index.js';
import { orders, ordersObjects, putObjects } from './support/s3-tables.js';

const bucket = 'hello-conformance-data';
const prefix = 'lake/json/';

const make = async () => {
  await putObjects(bucket, `${prefix}retail/orders/`, ordersObjects());
  await putObjects(bucket, `${prefix}web/visits/`, {
    '_schema.json': JSON.stringify({ page: 'varchar', ms: 'int' }),
    'day-1.jsonl': '{"page": "/", "ms": 12}\n{"page": "/about", "ms": 40}\n{"page": "/", "ms": null}\n',
  });
  return createHelloConnector({ bucket, prefix });
};

const table = { schemaName: 'retail', tableName: 'orders' };
const rowCount = orders.length;

describeConnector({ name: 'hello (retail.orders)', make, table, rowCount, spillBucket: 'hello-spill' });
describeConnector({
  name: 'hello (retail.orders, filtering on customer)',
  make,
  table,
  rowCount,
  filterColumn: 'customer',
  spillBucket: 'hello-spill',
});
describeConnector({
  name: 'hello (retail.orders, filtering on the decimal amount)',
  make,
  table,
  rowCount,
  filterColumn: 'amount',
  spillBucket: 'hello-spill',
});
describeConnector({
  name: 'hello (retail.orders, filtering on the timestamp placed)',
  make,
  table,
  rowCount,
  filterColumn: 'placed',
  spillBucket: 'hello-spill',
});
