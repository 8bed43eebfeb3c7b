// Cross-account reads and Glue connection mode for DynamoDB, with real STS and Glue (moto_server)
// and real DynamoDB wire calls (dynalite): with cross_account_role_arn the default client signs with
// the credentials moto's AssumeRole issued for that role under Java's session name, whether the
// setting is the function's own or comes from its Glue connection.
import { ConfigurationError, createLambdaHandler, loadHandlerConfig } from '@athena-federation/connector-core';
import {
  EngineDriver,
  LambdaInvocationError,
  ensureBucket,
  inProcessTransport,
} from '@athena-federation/connector-core/testing';
import { CreateConnectionCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CROSS_ACCOUNT_SESSION_NAME,
  createDynamoDbConnector,
  dynamoDbConnectorFactory,
  loadDynamoDbConfig,
} from '../src/index.js';
import { createTable, startDynalite, type DynaliteServer } from './support/dynalite-server.js';
import { orderItems, ordersTable } from './support/fixtures.js';

const roleArn = 'arn:aws:iam::222233334444:role/athena-reader';
const assumedRoleArn = `arn:aws:sts::222233334444:assumed-role/athena-reader/${CROSS_ACCOUNT_SESSION_NAME}`;
const spillBucket = 'dynamodb-cross-account-spill';
const saved = { dynamodb: process.env['AWS_ENDPOINT_URL_DYNAMODB'], sts: process.env['AWS_ENDPOINT_URL_STS'] };
let dynamo: DynaliteServer;

/** Who moto says an access key id belongs to: the secret is not checked, the key id is looked up. */
async function ownerOf(accessKeyId: string): Promise<string | undefined> {
  const sts = new STSClient({ credentials: { accessKeyId, secretAccessKey: 'unchecked' } });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}

function driverFor(env: Record<string, string>): EngineDriver {
  const connector = createDynamoDbConnector({ config: loadDynamoDbConfig({ disable_glue: 'true', ...env }) });
  return new EngineDriver({
    transport: inProcessTransport(
      createLambdaHandler(connector, { config: { ...loadHandlerConfig({}), spillBucket } }),
    ),
  });
}

beforeAll(async () => {
  await ensureBucket(spillBucket);
  dynamo = await startDynalite();
  await createTable(dynamo.client, ordersTable, orderItems);
  // The connector's own client (no client option), as in Lambda: DynamoDB at dynalite, STS at moto.
  process.env['AWS_ENDPOINT_URL_DYNAMODB'] = dynamo.endpoint;
});

beforeEach(() => {
  dynamo.resetServed();
});

afterAll(async () => {
  for (const [name, value] of [
    ['AWS_ENDPOINT_URL_DYNAMODB', saved.dynamodb],
    ['AWS_ENDPOINT_URL_STS', saved.sts],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await dynamo?.stop();
});

describe('cross_account_role_arn', () => {
  it("signs DynamoDB requests with the role's credentials from STS AssumeRole, under Java's session name", async () => {
    // Act
    const tables = await driverFor({ cross_account_role_arn: roleArn }).listTables('default');
    // Assess
    expect(tables.map((t) => t.tableName)).toContain('orders');
    const keys = [...dynamo.served().accessKeyIds];
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toBe(process.env['AWS_ACCESS_KEY_ID']);
    expect(await ownerOf(keys[0] ?? '')).toBe(assumedRoleArn);
  });

  it("without it, signs with the function's own credentials", async () => {
    await driverFor({}).listTables('default');
    expect([...dynamo.served().accessKeyIds]).toEqual([process.env['AWS_ACCESS_KEY_ID']]);
  });

  it('fails the request naming the setting and the role when STS cannot be reached', async () => {
    // Prepare: nothing listens on the discard port.
    process.env['AWS_ENDPOINT_URL_STS'] = 'http://127.0.0.1:9';
    try {
      // Act
      const error = await driverFor({ cross_account_role_arn: roleArn })
        .listTables('default')
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      // Assess
      expect(error).toBeInstanceOf(LambdaInvocationError);
      expect((error as LambdaInvocationError).error.errorMessage).toMatch(
        /^\[AccessDeniedException\] Could not assume the role cross_account_role_arn names \(arn:aws:iam::222233334444:role\/athena-reader\): /,
      );
      expect(dynamo.served().operations.size).toBe(0);
    } finally {
      if (saved.sts === undefined) delete process.env['AWS_ENDPOINT_URL_STS'];
      else process.env['AWS_ENDPOINT_URL_STS'] = saved.sts;
    }
  });

  it('refuses a value that is not an IAM role ARN at cold start, naming the variable', () => {
    expect(() => loadDynamoDbConfig({ cross_account_role_arn: 'athena-reader' })).toThrow(ConfigurationError);
    expect(() => loadDynamoDbConfig({ cross_account_role_arn: 'arn:aws:iam::2222:role/x' })).toThrow(
      /cross_account_role_arn must be an IAM role ARN/,
    );
  });
});

describe('Glue connection mode', () => {
  it("takes the connector's settings from the connection's properties, as they are named", async () => {
    // Prepare
    const glue = new GlueClient({});
    const name = `dynamodb-${Date.now().toString(36)}`;
    // Java's base mapping keeps the names of both kinds of property; the SDK types connection
    // properties by Glue's own keys, hence the plain record.
    const properties: Record<string, string> = { cross_account_role_arn: roleArn };
    await glue.send(
      new CreateConnectionCommand({
        ConnectionInput: {
          Name: name,
          ConnectionType: 'DYNAMODB',
          ConnectionProperties: properties,
          AthenaProperties: { spill_bucket: spillBucket, disable_glue: 'true' },
        },
      }),
    );
    glue.destroy();
    const driver = new EngineDriver({
      transport: inProcessTransport(
        createLambdaHandler(dynamoDbConnectorFactory(), { env: { glue_connection: name } }),
      ),
    });
    // Act
    const schemas = await driver.listSchemas();
    const tables = await driver.listTables('default');
    // Assess: Glue off and DynamoDB read as the connection's role.
    expect(schemas).toEqual(['default']);
    expect(tables.map((t) => t.tableName)).toContain('orders');
    expect(await ownerOf([...dynamo.served().accessKeyIds][0] ?? '')).toBe(assumedRoleArn);
  });
});
