// The conformance suite fails deliberately broken connectors, each in the check that covers its
// fault and in no other: the suite runs programmatically (runConformance) and its results are
// asserted, against a correct connector that passes every check with the same options.
import { Field, Float64, Int32, RecordBatch, Schema, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { type Connector, type RowChunk, StandardFunctionNames, pageOf } from '../src/index.js';
import {
  type ConformanceResult,
  type ConnectorSuiteOptions,
  createReferenceConnector,
  runConformance,
} from '../src/testing/index.js';
import { withPushdown } from './support/pushdown-connector.js';
import { mixedTable } from './support/reference-tables.js';

const glyphs = ['a', 'b-c', null, 'z'];
const reference = createReferenceConnector({
  tables: [
    mixedTable('patients', 300),
    mixedTable('visits', 120, { partitionColumns: ['region'] }),
    mixedTable('readings', 90, { batchRows: 32 }),
    {
      tableName: { schemaName: 'ehr', tableName: 'glyphs' },
      schema: new Schema([new Field('id', new Int32(), false), new Field('glyph', new Utf8(), true)]),
      rowCount: glyphs.length,
      row: (i) => ({ id: i, glyph: glyphs[i] }),
    },
    {
      tableName: { schemaName: 'ehr', tableName: 'floats' },
      schema: new Schema([new Field('x', new Float64(), true)]),
      rowCount: 5,
      row: (i) => ({ x: [1.5, Number.NaN, 3, null, 4][i] }),
    },
  ],
});

const options = (make: () => Connector): ConnectorSuiteOptions => ({
  name: 'broken',
  make,
  table: { schemaName: 'ehr', tableName: 'patients' },
  filterColumn: 'amount',
  rowCount: 300,
  spillBucket: 'conformance-broken-spill',
  passthrough: { arguments: { query: 'ehr.glyphs' }, rows: glyphs.map((glyph, id) => ({ id, glyph })) },
});

const failed = (results: readonly ConformanceResult[]) =>
  Object.fromEntries(results.filter((r) => r.status === 'fail').map((r) => [r.check, r.detail]));

/** `inner` whose reads of ehr.patients lose each split's last row whenever `when` holds. */
function droppingLastRow(inner: Connector, when: (summaryColumns: number) => boolean): Connector {
  return {
    ...inner,
    async *readSplit(ctx, input) {
      const drop = input.tableName.tableName === 'patients' && when(Object.keys(input.constraints.summary).length);
      let held: RowChunk | RecordBatch | undefined;
      for await (const item of inner.readSplit(ctx, input)) {
        if (held !== undefined) yield held;
        held = item;
      }
      if (held === undefined) return;
      if (!drop) yield held;
      else if (held instanceof RecordBatch) yield held.slice(0, held.numRows - 1);
      else yield held.slice(0, -1);
    },
  };
}

describe('the conformance suite against broken connectors', () => {
  it('passes every check of a connector that applies everything it advertises', async () => {
    const results = await runConformance(options(() => withPushdown(reference)));
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(results.map((r) => r.check)).toContain('expressions');
  });

  it('fails `constraints`, and only it, for a connector that drops a row when a filter is pushed', async () => {
    const results = await runConformance(
      options(() => withPushdown(droppingLastRow(reference, (columns) => columns > 0))),
    );
    expect(Object.keys(failed(results))).toEqual(['constraints']);
    expect(failed(results)['constraints']).toMatch(
      /^amount > ‹middle value› returned 133 rows where Athena keeps 135 of 300 \(2 missing, 0 not kept\); .*; and 1 more$/,
    );
  });

  it('fails `row count`, and only it, for a connector that always drops a row (no unpushed answer can show it)', async () => {
    const results = await runConformance(options(() => withPushdown(droppingLastRow(reference, () => true))));
    expect(failed(results)).toEqual({ 'row count': 'a full scan returned 297 rows; the table holds 300' });
  });

  it('fails `top-n`, and only it, for a connector that advertises top-N and returns whole splits', async () => {
    const results = await runConformance(options(() => withPushdown(reference, { ignore: ['top-n'] })));
    expect(Object.keys(failed(results))).toEqual(['top-n']);
    expect(failed(results)['top-n']).toMatch(
      /^split 1 of 3: ORDER BY amount ASC NULLS LAST LIMIT 3 returned 100 rows from a split of 100 \(Athena needs 3\): the advertised top-N pushdown was not applied/,
    );
  });

  it('fails `top-n` for a connector that advertises top-N and returns the first rows unsorted', async () => {
    const results = await runConformance(
      options(() => withPushdown(reference, { ignore: ['top-n'], confirmAnyway: true })),
      ['top-n'],
    );
    expect(failed(results)['top-n']).toMatch(
      /ORDER BY amount DESC NULLS FIRST LIMIT 3: row 1 of the answer is not row 1 of Athena's top 3 \(wrong order, or the top-N was not applied\)/,
    );
  });

  it('fails `top-n` and `expressions` for a connector that advertises top-N and $like_pattern and ignores both', async () => {
    const make = () =>
      withPushdown(reference, { functions: [StandardFunctionNames.likePattern], ignore: ['top-n', 'expressions'] });
    const results = await runConformance(options(make));
    expect(Object.keys(failed(results))).toEqual(['top-n', 'expressions']);
    expect(failed(results)['expressions']).toMatch(
      /name LIKE ‹a text no value has› returned 300 rows where Athena keeps 0 of 300 \(0 missing, 300 not kept\): the advertised expression was not applied/,
    );
  });

  it('fails `table paging`, and only it, for a connector whose ListTables token skips a table', async () => {
    const skipping: Connector = {
      ...withPushdown(reference),
      listTables: async (ctx, input) => {
        const page = await reference
          .listTables(ctx, { ...input, pageSize: -1 })
          .then(({ tables }) => pageOf(tables, input));
        return { ...page, nextToken: page.nextToken === null ? null : String(Number(page.nextToken) + 1) };
      },
    };
    const results = await runConformance(options(() => skipping));
    expect(failed(results)).toEqual({
      'table paging': expect.stringMatching(
        /^ListTables of ehr in pages of 1 differs from one unpaged call: 2 tables missing \(ehr\.visits, ehr\.glyphs\), 0 extra$/,
      ),
    });
  });

  it('fails `table paging` for a connector that ignores pageSize (core refuses the oversized page)', async () => {
    const unpaged: Connector = {
      ...withPushdown(reference),
      listTables: (ctx, input) => reference.listTables(ctx, { ...input, pageSize: -1 }),
    };
    const results = await runConformance(
      options(() => unpaged),
      ['table paging'],
    );
    expect(failed(results)['table paging']).toMatch(
      /InternalServiceException\] The connector returned 5 tables for a page of 1$/,
    );
  });

  it('refuses at setup a filterColumn it cannot filter on, naming the types it takes', async () => {
    const results = await runConformance({ ...options(() => reference), filterColumn: 'tags' }, [
      'ping',
      'constraints',
    ]);
    expect(results.map((r) => r.status)).toEqual(['fail', 'fail']);
    expect(results[0]?.detail).toMatch(
      /^setup failed: filterColumn tags is List<Utf8>, which the suite cannot filter on \(.*\); filterColumn takes tinyint, smallint, integer, bigint, real, double, decimal, varchar/,
    );
  });

  it('refuses a float filter column holding NaN, which Athena and Java compare differently', async () => {
    const results = await runConformance(
      { ...options(() => reference), table: { schemaName: 'ehr', tableName: 'floats' }, filterColumn: 'x' },
      ['constraints'],
    );
    expect(failed(results)['constraints']).toMatch(
      /^filterColumn x holds NaN, which Athena and Java compare differently/,
    );
  });
});
