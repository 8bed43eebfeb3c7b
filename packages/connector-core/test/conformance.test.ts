// Core's own run of the conformance suite, on the in-memory reference connector: once yielding
// rows, once partitioned, once yielding whole Arrow batches (the columnar path), once filtering
// text where code point order (Athena's) and UTF-16 order (Java's, JS `<`) disagree, once on each of
// decimal, date and zoned timestamp columns (where text order and value order disagree), and once
// advertising and applying LIMIT, top-N, expressions and passthrough.
import { Field, Int32, Schema, Utf8 } from 'apache-arrow';
import { createReferenceConnector, describeConnector } from '../src/testing/index.js';
import { withPushdown } from './support/pushdown-connector.js';
import { mixedTable } from './support/reference-tables.js';

/** The suite filters on the middle present value, here U+FF58, which sorts below U+1F389 and U+1F600 by code point only. */
const glyphs = ['a', '🎉', '😀', '\uff58', '\uffff', 'z', null, '\ue000'];

const connector = () =>
  createReferenceConnector({
    tables: [
      mixedTable('patients', 2_000),
      mixedTable('visits', 1_500, { partitionColumns: ['region'], splitsPerPartition: 2 }),
      mixedTable('readings', 1_200, { batchRows: 256 }),
      mixedTable('empty', 0),
      {
        tableName: { schemaName: 'ehr', tableName: 'glyphs' },
        schema: new Schema([new Field('id', new Int32(), false), new Field('glyph', new Utf8(), true)]),
        rowCount: glyphs.length,
        row: (i) => ({ id: i, glyph: glyphs[i] }),
      },
    ],
  });
const patients = { schemaName: 'ehr', tableName: 'patients' };

describeConnector({ name: 'reference (rows)', make: connector, table: patients, rowCount: 2_000 });
describeConnector({
  name: 'reference (partitioned)',
  make: connector,
  table: { schemaName: 'ehr', tableName: 'visits' },
  filterColumn: 'region',
  rowCount: 1_500,
});
describeConnector({
  name: 'reference (batches)',
  make: connector,
  table: { schemaName: 'ehr', tableName: 'readings' },
  filterColumn: 'name',
  rowCount: 1_200,
});
describeConnector({
  name: 'reference (text order)',
  make: connector,
  table: { schemaName: 'ehr', tableName: 'glyphs' },
  filterColumn: 'glyph',
  rowCount: glyphs.length,
});
// Amounts such as '999.00' and '3282.31' sort one way as text and the other as numbers.
describeConnector({
  name: 'reference (decimal)',
  make: connector,
  table: patients,
  filterColumn: 'amount',
  rowCount: 2_000,
});
describeConnector({ name: 'reference (date)', make: connector, table: patients, filterColumn: 'day', rowCount: 2_000 });
describeConnector({
  name: 'reference (timestamp with zone)',
  make: connector,
  table: patients,
  filterColumn: 'seen_at',
  rowCount: 2_000,
});
describeConnector({
  name: 'reference (pushdown)',
  make: () => withPushdown(connector()),
  table: patients,
  filterColumn: 'amount',
  rowCount: 2_000,
  passthrough: { arguments: { query: 'ehr.glyphs' }, rows: glyphs.map((glyph, id) => ({ id, glyph })) },
});
