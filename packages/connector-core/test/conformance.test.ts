// Core's own run of the conformance suite, on the in-memory reference connector: once yielding
// rows, once partitioned, once yielding whole Arrow batches (the columnar path).
import { createReferenceConnector, describeConnector } from '../src/testing/index.js';
import { mixedTable } from './support/reference-tables.js';

const connector = () =>
  createReferenceConnector({
    tables: [
      mixedTable('patients', 2_000),
      mixedTable('visits', 1_500, { partitionColumns: ['region'], splitsPerPartition: 2 }),
      mixedTable('readings', 1_200, { batchRows: 256 }),
      mixedTable('empty', 0),
    ],
  });

describeConnector({ name: 'reference (rows)', make: connector, table: { schemaName: 'ehr', tableName: 'patients' } });
describeConnector({ name: 'reference (partitioned)', make: connector, table: { schemaName: 'ehr', tableName: 'visits' }, filterColumn: 'region' });
describeConnector({ name: 'reference (batches)', make: connector, table: { schemaName: 'ehr', tableName: 'readings' }, filterColumn: 'name' });
