// Glue connection mode for Aurora MySQL: the connection's HOST, PORT, DATABASE and JDBC_PARAMS and
// its secret become the `default` connection string in Java's format, and a handler whose only
// variable is glue_connection reads MariaDB through it (moto_server's Glue and Secrets Manager).
import { LambdaInvocationError } from '@athena-federation/connector-core/testing';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlConnectionProperties } from '../src/index.js';
import { ensureSpillBucket } from './support/engine.js';
import { glueConnections } from './support/glue-connection.js';
import { MARIADB, type TestDatabase, createTestDatabase } from './support/mariadb.js';

const connections = glueConnections();
const secrets = new SecretsManagerClient({});
const run = Date.now().toString(36);
let db: TestDatabase;

/** A MYSQL connection with `properties`. */
function createConnection(name: string, properties: Record<string, string>): Promise<void> {
  return connections.create(name, 'MYSQL', properties);
}

/** The handler for a function whose variables are `env`. */
function driverFor(env: Record<string, string>) {
  return connections.driverFor(env);
}

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  await db.pool.query('CREATE TABLE visits (id INT PRIMARY KEY, ward VARCHAR(20))');
  await db.pool.query("INSERT INTO visits VALUES (1, 'north'), (2, 'south')");
});

afterAll(async () => {
  await connections.close();
  await db?.drop();
  secrets.destroy();
});

describe('mysqlConnectionProperties', () => {
  it("builds Java's default connection string, the secret after JDBC_PARAMS", () => {
    expect(
      mysqlConnectionProperties({
        HOST: 'db.example',
        PORT: '3306',
        DATABASE: 'sales',
        JDBC_PARAMS: 'sslMode=REQUIRED',
        secret_name: 'AthenaMySQLFederation/sales',
        other: 'x',
      }),
    ).toEqual({
      default: 'mysql://jdbc:mysql://db.example:3306/sales?sslMode=REQUIRED&${AthenaMySQLFederation/sales}',
    });
    expect(
      mysqlConnectionProperties({ HOST: 'db.example', PORT: '3307', DATABASE: 'sales', secret_name: 's' }),
    ).toEqual({ default: 'mysql://jdbc:mysql://db.example:3307/sales?${s}' });
    expect(
      mysqlConnectionProperties({ HOST: 'db.example', PORT: '3306', DATABASE: 'sales', JDBC_PARAMS: 'user=app' }),
    ).toEqual({ default: 'mysql://jdbc:mysql://db.example:3306/sales?user=app' });
  });

  it('builds no default without HOST, and leaves out a missing port or database instead of writing null', () => {
    expect(mysqlConnectionProperties({ PORT: '3306', DATABASE: 'sales' })).toEqual({});
    expect(mysqlConnectionProperties({ HOST: 'db.example', JDBC_PARAMS: 'user=app' })).toEqual({
      default: 'mysql://jdbc:mysql://db.example?user=app',
    });
  });
});

describe('a function configured by a Glue connection', () => {
  it('reads MariaDB through the connection string the connection properties make', async () => {
    // Prepare
    const name = `mysql-${run}`;
    await createConnection(name, {
      HOST: MARIADB.host,
      PORT: String(MARIADB.port),
      DATABASE: db.name,
      JDBC_PARAMS: 'user=root',
    });
    // Act
    const driver = driverFor({ glue_connection: name });
    const result = await driver.scan({ schemaName: db.name, tableName: 'visits' });
    // Assess
    expect(result.table.getChild('ward')?.toArray()).toEqual(['north', 'south']);
  });

  it("logs in with the secret the connection names (here a secret_name property: moto's GetConnection drops AuthenticationConfiguration)", async () => {
    // Prepare
    const name = `mysql-secret-${run}`;
    const secret = `AthenaMySQLFederation/glue-${run}`;
    await secrets.send(
      new CreateSecretCommand({ Name: secret, SecretString: JSON.stringify({ username: MARIADB.user, password: '' }) }),
    );
    await createConnection(name, {
      HOST: MARIADB.host,
      PORT: String(MARIADB.port),
      DATABASE: db.name,
      secret_name: secret,
    });
    // Act
    const tables = await driverFor({ glue_connection: name }).listTables(db.name);
    // Assess
    expect(tables.map((t) => t.tableName)).toEqual(['visits']);
  });

  it('says the connection sets no default when it has no HOST and the function none either', async () => {
    const name = `mysql-nohost-${run}`;
    await createConnection(name, { PORT: '3306' });
    const error = await driverFor({ glue_connection: name })
      .ping()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(
      new RegExp(
        `Invalid connector configuration: default is required.*\\(neither the function nor Glue connection "${name}" sets it\\)`,
      ),
    );
  });
});
