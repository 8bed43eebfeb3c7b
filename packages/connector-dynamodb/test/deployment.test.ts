// The DynamoDB Lambda as it is deployed: the zip bundle.mjs writes (core's bundle smoke test), both
// SAM templates (core's template smoke test), and the unpacked zip serving dynalite. The templates
// keep every parameter name of AWS's athena-dynamodb.yaml and athena-dynamodb-connection.yaml and
// add only their own.
import { fileURLToPath } from 'node:url';
import { invokeLambdaBundle, testLambdaBundle, testSamTemplate } from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynaliteServer, createTable, startDynalite } from './support/dynalite-server.js';
import { ordersTable } from './support/fixtures.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

const bundle = testLambdaBundle({
  packageRoot,
  sourceType: 'dynamodb',
  // Spilling (S3, KMS), Glue connection mode (Glue) and cross-account reads (STS) load on first use.
  lazyPackages: ['@aws-sdk/client-s3', '@aws-sdk/client-kms', '@aws-sdk/client-glue', '@aws-sdk/client-sts'],
});

testSamTemplate({
  packageRoot,
  bundle,
  sourceType: 'dynamodb',
  configSources: ['src/dynamodb-config.ts'],
  ping: { env: {} },
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
    'DynamoDBTableNames',
    'GlueDatabaseNames',
    'CrossAccountRoleArn',
    'LogRetentionInDays',
  ],
});

testSamTemplate({
  packageRoot,
  template: 'template-connection.yaml',
  bundle,
  sourceType: 'dynamodb',
  configSources: ['src/dynamodb-config.ts'],
  ping: { glueConnection: { ConnectionType: 'DYNAMODB', ConnectionProperties: {} } },
  parameters: [
    'LambdaFunctionName',
    'SpillBucket',
    'GlueConnection',
    'LambdaRoleArn',
    'KmsKeyId',
    'LogRetentionInDays',
  ],
});

describe('the unpacked zip against dynalite', () => {
  let dynamo: DynaliteServer;
  beforeAll(async () => {
    dynamo = await startDynalite();
    await createTable(dynamo.client, ordersTable, []);
  }, 60_000);
  afterAll(async () => {
    await dynamo.stop();
  });
  const env = (): Record<string, string> => ({
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ACCESS_KEY_ID: 'fake',
    AWS_SECRET_ACCESS_KEY: 'fake',
  });

  it('serves ListTables', async () => {
    // Act
    const { results } = await invokeLambdaBundle(bundle().directory, {
      env: env(),
      requests: [
        {
          '@type': 'ListTablesRequest',
          queryId: 'q1',
          catalogName: 'ddb',
          schemaName: 'default',
          nextToken: null,
          pageSize: -1,
        },
      ],
    });
    // Assess
    expect(results).toEqual([
      { response: expect.objectContaining({ tables: [expect.objectContaining({ tableName: 'orders' })] }) },
    ]);
  }, 60_000);

  it("logs a failure with its stack, naming the TypeScript sources under --enable-source-maps (the template's SourceMapStackTraces)", async () => {
    // Prepare
    const failedRequest = async (nodeFlags: string[]) => {
      const { output } = await invokeLambdaBundle(bundle().directory, {
        nodeFlags,
        env: { ...env(), POWERTOOLS_LOG_LEVEL: 'ERROR', disable_glue: 'true' },
        requests: [
          {
            '@type': 'GetTableRequest',
            queryId: 'q1',
            catalogName: 'ddb',
            tableName: { schemaName: 'default', tableName: 'no_such_table' },
          },
        ],
      });
      const lines = output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map(
          (line) =>
            JSON.parse(line) as { message?: string; error?: { name?: string; message?: string; stack?: string } },
        );
      return lines.find((record) => record.message === 'request failed')?.error;
    };
    // Act
    const mapped = await failedRequest(['--enable-source-maps']);
    const plain = await failedRequest([]);
    // Assess
    expect(mapped).toMatchObject({ name: 'ConnectorError', reason: 'NotFound' });
    expect(mapped?.message).toMatch(/no_such_table/);
    expect(mapped?.stack).toMatch(/\n\s+at .*src\/dynamodb-[a-z-]+\.ts:\d+/);
    expect(plain?.stack).toMatch(/\n\s+at .*index\.mjs:\d+/);
    expect(plain?.stack).not.toMatch(/\.ts:\d+/);
  }, 60_000);
});
