// The validator passes a correct connector and names what is wrong with a faulty one.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Field, Schema, Uint16 } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { inProcessTransport } from '../src/engine/index.js';
import { type Connector, StandardFunctionNames, createLambdaHandler, loadHandlerConfig } from '../src/index.js';
import { formatChecks, validateConnector } from '../src/validator/index.js';
import { createReferenceConnector } from '../src/testing/index.js';
import { withPushdown } from './support/pushdown-connector.js';
import { mixedTable } from './support/reference-tables.js';

const config = { ...loadHandlerConfig({}), spillBucket: 'validator-spill' };
const good = createReferenceConnector({
  tables: [mixedTable('patients', 3000), mixedTable('visits', 500, { partitionColumns: ['region'] })],
});
const transport = (connector: Connector) => inProcessTransport(createLambdaHandler(connector, { config }));

beforeAll(async () => {
  const s3 = new S3Client({ forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'validator-spill' }));
  s3.destroy();
});

describe('validateConnector', () => {
  it('passes the reference connector, reading splits through spill', async () => {
    const checks = await validateConnector({ transport: transport(good), splits: 'all' });
    expect(
      checks.filter((c) => c.status === 'fail'),
      formatChecks(checks),
    ).toEqual([]);
    expect(checks.map((c) => c.name)).toContain('ehr.patients: read 3 splits inline and with spill forced');
    expect(checks.find((c) => c.name.startsWith('ehr.patients: read'))?.detail).toMatch(
      /3000 rows, [1-9]\d* spilled objects/,
    );
    expect(formatChecks(checks)).toMatch(/\n\d+ passed, 0 failed$/);
  });

  it('names upper-case names, unsupported types and broken paging', async () => {
    const faulty: Connector = {
      ...good,
      listSchemas: () => Promise.resolve(['ehr', 'Billing']),
      listTables: (_ctx, input) =>
        Promise.resolve({
          tables: [
            { schemaName: input.schemaName, tableName: 'patients' },
            { schemaName: input.schemaName, tableName: 'visits' },
          ],
          nextToken: null,
        }),
      getTable: (ctx, table) =>
        table.tableName === 'visits'
          ? Promise.resolve({ schema: new Schema([new Field('code', new Uint16())]) })
          : good.getTable(ctx, table),
    };
    const checks = await validateConnector({
      transport: transport(faulty),
      splits: 'one',
      tables: [{ schemaName: 'ehr', tableName: 'visits' }],
    });
    const failed = Object.fromEntries(checks.filter((c) => c.status === 'fail').map((c) => [c.name, c.detail]));
    expect(failed['schemas and tables (all pages, lower-case)']).toMatch(/lower-case.*Billing|in pages of 2/);
    expect(failed['ehr.visits: schema']).toMatch(/code: unsigned 16-bit/);
  });

  it('checks each advertised pushdown against the unpushed reads, and passes a connector that applies them', async () => {
    const checks = await validateConnector({
      transport: transport(withPushdown(good)),
      splits: 'several',
      tables: [{ schemaName: 'ehr', tableName: 'patients' }],
    });
    expect(
      checks.filter((c) => c.status === 'fail'),
      formatChecks(checks),
    ).toEqual([]);
    const detail = Object.fromEntries(checks.map((c) => [c.name, c.detail]));
    expect(detail['capabilities']).toMatch(
      /^LIMIT; ORDER BY … LIMIT; expressions \(\$equal, .*\$like_pattern\); passthrough system\.query \(not checked: it needs a query of the source\)$/,
    );
    expect(detail['ehr.patients: limit honoured']).toBe('LIMIT 1 on 3 splits');
    expect(detail['ehr.patients: top-N honoured']).toBe('4 orderings on id, LIMIT 3');
    expect(detail['ehr.patients: expressions applied']).toMatch(/^18 expressions over \$equal, .*\$like_pattern$/);
  });

  it('fails a connector that advertises top-N and $like_pattern and ignores both', async () => {
    const ignoring = withPushdown(good, {
      functions: [StandardFunctionNames.likePattern],
      ignore: ['top-n', 'expressions'],
    });
    const checks = await validateConnector({
      transport: transport(ignoring),
      splits: 'several',
      tables: [{ schemaName: 'ehr', tableName: 'patients' }],
    });
    const failed = Object.fromEntries(checks.filter((c) => c.status === 'fail').map((c) => [c.name, c.detail]));
    expect(Object.keys(failed)).toEqual(['ehr.patients: top-N honoured', 'ehr.patients: expressions applied']);
    expect(failed['ehr.patients: top-N honoured']).toMatch(
      /^split 1: ORDER BY id ASC NULLS LAST LIMIT 3 returned 1000 rows from a split of 1000 \(Athena needs 3\): the advertised top-N pushdown was not applied; /,
    );
    expect(failed['ehr.patients: expressions applied']).toBe(
      "split 1: name LIKE '%' returned 1000 rows where Athena keeps 941 of 1000 (0 missing, 59 not kept): the advertised expression was not applied; split 2: name LIKE '%' returned 1000 rows where Athena keeps 941 of 1000 (0 missing, 59 not kept): the advertised expression was not applied; split 3: name LIKE '%' returned 1000 rows where Athena keeps 941 of 1000 (0 missing, 59 not kept): the advertised expression was not applied; and 12 more",
    );
    expect(formatChecks(checks)).toMatch(/\n\d+ passed, 2 failed$/);
  });
});
