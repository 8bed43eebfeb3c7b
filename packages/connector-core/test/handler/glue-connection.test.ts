// Glue connection mode against moto_server's Glue: a function whose only setting is
// `glue_connection` reads the rest from GetConnection on its first invocation (Athena properties,
// spill_kms_key_id as kms_key_id, connection properties through the connector's mapping), its own
// variables win, and a connection Glue cannot read fails the invocation naming glue_connection.
import { CreateConnectionCommand, GlueClient } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Connector,
  type ConnectorFactory,
  connectionEnvironment,
  createLambdaHandler,
  resolveEnvironment,
  secretNameOfArn,
} from '../../src/index.js';
import {
  EngineDriver,
  LambdaInvocationError,
  createReferenceConnector,
  ensureBucket,
  inProcessTransport,
  makeConstraints,
} from '../../src/testing/index.js';
import { mixedTable } from '../support/reference-tables.js';

const glue = new GlueClient({});
const run = Date.now().toString(36);
const bucket = `glue-connection-spill-${run}`;
const reference = createReferenceConnector({ tables: [mixedTable('patients', 20)] });
const patients = { schemaName: 'ehr', tableName: 'patients' };

async function createConnection(
  name: string,
  properties: { connection?: Record<string, string>; athena?: Record<string, string> },
): Promise<void> {
  await glue.send(
    new CreateConnectionCommand({
      ConnectionInput: {
        Name: name,
        ConnectionType: 'DYNAMODB',
        ConnectionProperties: properties.connection ?? {},
        ...(properties.athena === undefined ? {} : { AthenaProperties: properties.athena }),
      },
    }),
  );
}

/** The spill keys GetSplits hands out, through the handler built for `env`. */
async function spillKeys(target: Connector | ConnectorFactory, env: Record<string, string>): Promise<string[]> {
  const driver = new EngineDriver({ transport: inProcessTransport(createLambdaHandler(target, { env })) });
  const table = await driver.getTable(patients);
  const splits = await driver.getSplits(
    table,
    await driver.getTableLayout(table, makeConstraints()),
    makeConstraints(),
  );
  return splits.map((split) => `${split.spillLocation?.bucket}/${split.spillLocation?.key}`);
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LambdaInvocationError);
  return (error as LambdaInvocationError).error.errorMessage;
}

beforeAll(async () => {
  await ensureBucket(bucket);
});
afterAll(() => glue.destroy());

describe('resolveEnvironment', () => {
  it("merges GetConnection's properties under the function's own variables, spill_kms_key_id becoming kms_key_id", async () => {
    // Prepare
    const name = `settings-${run}`;
    await createConnection(name, {
      connection: { disable_glue: 'true', shared: 'from-connection' },
      athena: { spill_bucket: bucket, spill_prefix: 'from-glue', spill_kms_key_id: 'key-from-glue' },
    });
    // Act
    const env = await resolveEnvironment({ glue_connection: name, shared: 'from-function', AWS_REGION: 'us-east-1' });
    // Assess
    expect(env).toEqual({
      glue_connection: name,
      disable_glue: 'true',
      shared: 'from-function',
      spill_bucket: bucket,
      spill_prefix: 'from-glue',
      kms_key_id: 'key-from-glue',
      AWS_REGION: 'us-east-1',
    });
  });

  it('hands the connection properties to the mapping, which decides what they become', async () => {
    const name = `mapped-${run}`;
    await createConnection(name, { connection: { HOST: 'db.example', PORT: '3306' } });
    const env = await resolveEnvironment(
      { glue_connection: name },
      { mapping: (p) => ({ default: `${p['HOST']}:${p['PORT']}` }) },
    );
    expect(env).toEqual({ glue_connection: name, default: 'db.example:3306' });
  });

  it('returns the environment itself when glue_connection is unset or blank, reading nothing', async () => {
    const env = { spill_bucket: bucket, glue_connection: ' ' };
    const read = () => Promise.reject(new Error('Glue must not be read'));
    expect(await resolveEnvironment(env, { read })).toBe(env);
  });
});

describe('the secret of the authentication configuration', () => {
  // moto's GetConnection leaves AuthenticationConfiguration out of its answer, so this part of the
  // mapping is shown on the SDK's Connection shape directly.
  it('becomes secret_name, without the six characters Secrets Manager appends to the ARN', () => {
    expect(
      secretNameOfArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:AthenaMySQLFederation/sales-AbCdEf'),
    ).toBe('AthenaMySQLFederation/sales');
    expect(secretNameOfArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:my-db-secret-x1Y2z3')).toBe(
      'my-db-secret',
    );
    const env = connectionEnvironment('c', {
      ConnectionProperties: { HOST: 'h' },
      AuthenticationConfiguration: { SecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf' },
    });
    expect(env).toEqual({ glue_connection: 'c', HOST: 'h', secret_name: 'db' });
  });
});

describe("Glue's connection type", () => {
  // moto's GetConnection leaves ConnectionType out of its answer too, hence the SDK's shape again.
  it('reaches the mapping beside the properties, undefined when Glue gives none', () => {
    const seen: (string | undefined)[] = [];
    const mapping = (
      properties: Readonly<Record<string, string>>,
      connection: { connectionType: string | undefined },
    ) => {
      seen.push(connection.connectionType);
      return { default: `${connection.connectionType ?? 'none'}:${properties['HOST']}` };
    };
    expect(
      connectionEnvironment('c', { ConnectionType: 'POSTGRESQL', ConnectionProperties: { HOST: 'h' } }, mapping),
    ).toEqual({
      glue_connection: 'c',
      default: 'POSTGRESQL:h',
    });
    expect(connectionEnvironment('c', { ConnectionProperties: { HOST: 'h' } }, mapping)).toEqual({
      glue_connection: 'c',
      default: 'none:h',
    });
    expect(seen).toEqual(['POSTGRESQL', undefined]);
  });
});

describe('the Lambda handler in Glue connection mode', () => {
  it("spills where the connection's Athena properties say, unless the function sets its own prefix", async () => {
    // Prepare
    const name = `spill-${run}`;
    await createConnection(name, { athena: { spill_bucket: bucket, spill_prefix: 'glue-prefix' } });
    // Act
    const fromGlue = await spillKeys(reference, { glue_connection: name });
    const overridden = await spillKeys(reference, { glue_connection: name, spill_prefix: 'function-prefix' });
    // Assess
    expect(fromGlue.length).toBeGreaterThan(0);
    for (const key of fromGlue) expect(key.startsWith(`${bucket}/glue-prefix/`)).toBe(true);
    for (const key of overridden) expect(key.startsWith(`${bucket}/function-prefix/`)).toBe(true);
  });

  it('builds a factory-made connector from the merged environment, once for the life of the handler', async () => {
    // Prepare
    const name = `factory-${run}`;
    await createConnection(name, { connection: { tables: 'patients' }, athena: { spill_bucket: bucket } });
    const seen: Record<string, string | undefined>[] = [];
    const factory: ConnectorFactory = {
      sourceType: 'reference',
      create: (env) => {
        seen.push({ ...env });
        return reference;
      },
    };
    const driver = new EngineDriver({
      transport: inProcessTransport(createLambdaHandler(factory, { env: { glue_connection: name } })),
    });
    // Act
    await driver.ping();
    await driver.listSchemas();
    // Assess
    expect(seen).toEqual([{ glue_connection: name, tables: 'patients', spill_bucket: bucket }]);
  });

  it('fails the invocation naming glue_connection and Glue’s error, and reads Glue again on the next one', async () => {
    // Prepare
    const name = `late-${run}`;
    const driver = new EngineDriver({
      transport: inProcessTransport(createLambdaHandler(reference, { env: { glue_connection: name } })),
    });
    // Act
    const message = await failure(driver.ping());
    await createConnection(name, { athena: { spill_bucket: bucket } });
    // Assess
    expect(message).toMatch(
      /^\[InvalidInputException\] Invalid connector configuration: glue_connection names "late-[a-z0-9]+", which Glue GetConnection could not read \(EntityNotFoundException: .*not found\)/,
    );
    expect(await driver.ping()).toMatchObject({ '@type': 'PingResponse' });
  });

  it('names the variable of a bad setting and the connection it came from, at the first invocation instead of at import', async () => {
    // Prepare
    const name = `bad-${run}`;
    await createConnection(name, { athena: { spill_bucket: bucket, spill_prefix: '/rooted' } });
    // Act: creating the handler reads nothing yet.
    const handler = createLambdaHandler(reference, { env: { glue_connection: name } });
    const message = await failure(new EngineDriver({ transport: inProcessTransport(handler) }).ping());
    // Assess
    expect(message).toBe(
      `[InvalidInputException] Invalid connector configuration: spill_prefix must not start or end with "/", got "/rooted" (the value comes from Glue connection "${name}")`,
    );
  });

  it('without glue_connection, still fails at import for a bad variable', () => {
    expect(() => createLambdaHandler(reference, { env: { spill_prefix: '/rooted' } })).toThrow(
      /spill_prefix must not start or end/,
    );
  });
});
