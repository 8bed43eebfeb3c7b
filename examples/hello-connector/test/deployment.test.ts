// The hello connector as it is deployed: the zip bundle.mjs writes (core's bundle smoke test), its
// SAM template (core's template smoke test, with AWS's connector-template parameters plus the data
// location), and what only this connector has: the unpacked zip reading its settings from the
// environment and serving moto's S3, and a role that reaches only the data prefix (read) and the
// spill prefix (write).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type PolicyStatement,
  type SamTemplate,
  invokeLambdaBundle,
  policyStatements,
  readSamTemplate,
  statementActions,
  testLambdaBundle,
  testSamTemplate,
} from '@athena-federation/connector-core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ordersObjects, putObjects } from './support/s3-tables.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
// Read at import: the Lambda fails to load without data_bucket.
const env = { data_bucket: 'hello-bundle-data', data_prefix: 'json', spill_bucket: 'hello-spill' };

const bundle = testLambdaBundle({ packageRoot, sourceType: 'hello', env });

testSamTemplate({
  packageRoot,
  bundle,
  sourceType: 'hello',
  configSources: ['src/hello-connector.ts'],
  ping: { env },
  parameters: [
    'AthenaCatalogName',
    'SpillBucket',
    'SpillPrefix',
    'LambdaTimeout',
    'LambdaMemory',
    'LambdaRole',
    'DisableSpillEncryption',
    'KMSKeyId',
    'PermissionsBoundaryARN',
    'DataBucket',
    'DataPrefix',
  ],
});

describe('the unpacked zip against moto S3', () => {
  beforeAll(async () => {
    await putObjects('hello-bundle-data', 'json/sales/orders/', ordersObjects());
  }, 60_000);

  it('serves ListSchemas, ListTables and GetTable from the environment', async () => {
    // Act
    const { results } = await invokeLambdaBundle(bundle().directory, {
      env,
      requests: [
        { '@type': 'ListSchemasRequest', catalogName: 'hello', queryId: 'q1' },
        {
          '@type': 'ListTablesRequest',
          queryId: 'q1',
          catalogName: 'hello',
          schemaName: 'sales',
          nextToken: null,
          pageSize: -1,
        },
        {
          '@type': 'GetTableRequest',
          queryId: 'q1',
          catalogName: 'hello',
          tableName: { schemaName: 'sales', tableName: 'orders' },
        },
      ],
    });
    // Assess
    expect(results).toEqual([
      { response: expect.objectContaining({ schemas: ['sales'] }) },
      { response: expect.objectContaining({ tables: [expect.objectContaining({ tableName: 'orders' })] }) },
      { response: expect.objectContaining({ '@type': 'GetTableResponse' }) },
    ]);
  }, 60_000);

  it('fails at load, naming the variable, when data_bucket is missing', async () => {
    await expect(invokeLambdaBundle(bundle().directory, { env: { data_bucket: '' }, requests: [] })).rejects.toThrow(
      'Invalid connector configuration: data_bucket is required',
    );
  }, 60_000);
});

describe('template.yaml, what only this connector grants', () => {
  let template: SamTemplate;
  let statements: PolicyStatement[];
  beforeAll(async () => {
    template = await readSamTemplate(`${packageRoot}template.yaml`);
    statements = policyStatements(template).map(({ statement }) => statement);
  });
  const sub = (text: string) => ({ 'Fn::Sub': text });

  it('deploys the zip bundle.mjs writes, with the handler src/lambda.ts exports', async () => {
    expect(template.Resources['ConnectorFunction']?.Properties['Handler']).toBe('index.handler');
    expect(await readFile(`${packageRoot}bundle.mjs`, 'utf8')).toContain('zip: `${root}dist/lambda.zip`');
    expect(await readFile(`${packageRoot}src/lambda.ts`, 'utf8')).toMatch(/export const handler = /);
  });

  it('lets the role list and read only under the data prefix, and write only under the spill prefix', () => {
    const reads = statements.filter((s) => statementActions(s).includes('s3:GetObject'));
    expect(reads.map((s) => s.Resource)).toEqual([sub('arn:${AWS::Partition}:s3:::${DataBucket}/${DataPrefix}/*')]);
    const dataListing = statements.filter(
      (s) => statementActions(s).includes('s3:ListBucket') && JSON.stringify(s.Resource).includes('DataBucket'),
    );
    expect(dataListing.map((s) => s.Condition)).toEqual([{ StringLike: { 's3:prefix': sub('${DataPrefix}/*') } }]);
    const writes = statements.filter((s) =>
      statementActions(s).some((a) => a.startsWith('s3:Put') || a.startsWith('s3:Delete')),
    );
    expect(writes.map((s) => [statementActions(s), s.Resource])).toEqual([
      [['s3:PutObject'], sub('arn:${AWS::Partition}:s3:::${SpillBucket}/${SpillPrefix}/*')],
    ]);
  });
});
