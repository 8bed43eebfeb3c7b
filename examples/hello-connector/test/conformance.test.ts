// Core's conformance suite on the hello connector, reading `retail.orders` (three JSON-lines
// objects) and a second table from moto's S3; spill goes to moto as well.
import { describeConnector } from '@athena-federation/connector-core/testing';
import { createHelloConnector } from '../src/index.js';
import { ordersObjects, putObjects } from './support/s3-tables.js';

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

describeConnector({ name: 'hello (retail.orders)', make, table: { schemaName: 'retail', tableName: 'orders' }, spillBucket: 'hello-spill' });
describeConnector({ name: 'hello (retail.orders, filtering on customer)', make, table: { schemaName: 'retail', tableName: 'orders' }, filterColumn: 'customer', spillBucket: 'hello-spill' });
