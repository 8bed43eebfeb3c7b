// The Aurora Lambda as it is deployed: the zip bundle.mjs writes (core's bundle smoke test)
// and both SAM templates (core's template smoke test). The templates keep every parameter name of
// AWS's athena-mysql.yaml (template.yaml also athena-postgresql.yaml's) and
// athena-mysql-connection.yaml, and add only their own.
import { fileURLToPath } from 'node:url';
import { testLambdaBundle, testSamTemplate } from '@athena-federation/connector-core/testing';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
// Read at import; a Ping opens no connection.
const env = { default: 'mysql://jdbc:mysql://127.0.0.1:3306/test?user=root' };

const bundle = testLambdaBundle({
  packageRoot,
  sourceType: 'mysql',
  env,
  // mysql2 colours SQL in its debug output with cardinal when it is installed, loading it in try/catch;
  // pg loads its optional native binding the same way, only when pg.native is asked for.
  optionalExternals: ['cardinal', 'pg-native'],
  // Spilling (S3, KMS), Glue connection mode (Glue) and the database connection load on first use.
  lazyPackages: [
    '@aws-sdk/client-s3',
    '@aws-sdk/client-kms',
    '@aws-sdk/client-glue',
    'mysql2',
    'iconv-lite',
    '@aws-sdk/rds-signer',
    // Only a PostgreSQL catalog loads pg.
    'pg',
  ],
});

testSamTemplate({
  packageRoot,
  bundle,
  sourceType: 'mysql',
  configSources: ['src/aurora-config.ts'],
  ping: { env },
  inVpc: true,
  parameters: [
    'LambdaFunctionName',
    'DefaultConnectionString',
    'SecretNamePrefix',
    'SpillBucket',
    'SpillPrefix',
    'LambdaTimeout',
    'LambdaMemory',
    'LambdaRoleARN',
    'DisableSpillEncryption',
    'SecurityGroupIds',
    'SubnetIds',
    'PermissionsBoundaryARN',
    'KMSKeyId',
    'LogRetentionInDays',
  ],
});

// The same template deployed for PostgreSQL: it keeps every parameter name of athena-postgresql.yaml too.
testSamTemplate({
  packageRoot,
  bundle,
  sourceType: 'mysql',
  configSources: ['src/aurora-config.ts'],
  ping: { env: { default: 'postgres://jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres', default_scale: '2' } },
  inVpc: true,
  parameters: [
    'LambdaFunctionName',
    'DefaultConnectionString',
    'SecretNamePrefix',
    'SpillBucket',
    'SpillPrefix',
    'LambdaTimeout',
    'LambdaMemory',
    'DisableSpillEncryption',
    'LambdaRoleARN',
    'SecurityGroupIds',
    'SubnetIds',
    'CompositeHandler',
    'PermissionsBoundaryARN',
    'DefaultScale',
  ],
});

/**
 * template-connection.yaml for a Glue connection of `connectionType`: it keeps every parameter name
 * of AWS's athena-mysql-connection.yaml, and with `extraParameters` of athena-postgresql-connection.yaml.
 * (moto's GetConnection drops ConnectionType, so the Ping does not show the PostgreSQL string;
 * postgres-glue-connection.test.ts does.)
 */
function testConnectionTemplate(
  connectionType: 'MYSQL' | 'POSTGRESQL',
  ConnectionProperties: Record<string, string>,
  extraParameters: readonly string[],
): void {
  testSamTemplate({
    packageRoot,
    template: 'template-connection.yaml',
    bundle,
    sourceType: 'mysql',
    configSources: ['src/aurora-config.ts'],
    ping: { glueConnection: { ConnectionType: connectionType, ConnectionProperties } },
    inVpc: true,
    parameters: [
      'LambdaFunctionName',
      'SecretName',
      'SpillBucket',
      'GlueConnection',
      'LambdaRoleArn',
      'SecurityGroupIds',
      'SubnetIds',
      'KmsKeyId',
      ...extraParameters,
    ],
  });
}

testConnectionTemplate('MYSQL', { HOST: '127.0.0.1', PORT: '3306', DATABASE: 'test', JDBC_PARAMS: 'user=root' }, [
  'LogRetentionInDays',
]);
testConnectionTemplate(
  'POSTGRESQL',
  { HOST: '127.0.0.1', PORT: '5432', DATABASE: 'postgres', JDBC_PARAMS: 'user=postgres' },
  ['CompositeHandler', 'DefaultScale'],
);
