// Core's own run of the conformance suite, on the in-memory reference connector: once yielding
// rows, once partitioned, once yielding whole Arrow batches (the columnar path), and once filtering
// text where code point order (Athena's) and UTF-16 order (Java's, JS `<`) disagree.
import { Field, Int32, Schema, Utf8 } from 'apache-arrow';
import { createReferenceConnector, describeConnector } from '../src/testing/index.js';
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

describeConnector({ name: 'reference (rows)', make: connector, table: { schemaName: 'ehr', tableName: 'patients' } });
describeConnector({ name: 'reference (partitioned)', make: connector, table: { schemaName: 'ehr', tableName: 'visits' }, filterColumn: 'region' });
describeConnector({ name: 'reference (batches)', make: connector, table: { schemaName: 'ehr', tableName: 'readings' }, filterColumn: 'name' });
describeConnector({ name: 'reference (text order)', make: connector, table: { schemaName: 'ehr', tableName: 'glyphs' }, filterColumn: 'glyph' });
