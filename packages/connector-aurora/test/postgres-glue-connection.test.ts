// Glue connection mode for PostgreSQL catalogs: a POSTGRESQL connection's HOST, PORT, DATABASE and
// JDBC_PARAMS and its secret become Java's `postgres://jdbc:postgresql://…` default, and a handler
// whose only variable is glue_connection reads PostgreSQL through it (moto_server's Glue; see
// support/glue-connection.ts for the connection type moto leaves out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auroraConnectionProperties, postgresConnectionProperties } from '../src/index.js';
import { ensureSpillBucket } from './support/engine.js';
import { glueConnections } from './support/glue-connection.js';
import { POSTGRES, type PostgresTestDatabase, createPostgresTestDatabase } from './support/postgres.js';

const connections = glueConnections();
const run = Date.now().toString(36);
let db: PostgresTestDatabase;

beforeAll(async () => {
  db = await createPostgresTestDatabase();
  await ensureSpillBucket();
  await db.client.query('CREATE TABLE visits (id INT PRIMARY KEY, ward VARCHAR(20))');
  await db.client.query("INSERT INTO visits VALUES (1, 'north'), (2, 'south')");
});

afterAll(async () => {
  await connections.close();
  await db?.drop();
});

describe('postgresConnectionProperties', () => {
  it("builds Java's PostgreSQL default connection string, the secret after JDBC_PARAMS", () => {
    const base = { HOST: 'postgres-endpoint', PORT: '5000', DATABASE: 'testdb' };
    expect(postgresConnectionProperties({ ...base, secret_name: 'postgres-secret' })).toEqual({
      default: 'postgres://jdbc:postgresql://postgres-endpoint:5000/testdb?${postgres-secret}',
    });
    expect(
      postgresConnectionProperties({
        ...base,
        JDBC_PARAMS: 'ssl=true&sslmode=verify-full&connectTimeout=10',
        secret_name: 'postgres-secret',
      }),
    ).toEqual({
      default:
        'postgres://jdbc:postgresql://postgres-endpoint:5000/testdb?ssl=true&sslmode=verify-full&connectTimeout=10&${postgres-secret}',
    });
    expect(postgresConnectionProperties({ ...base, JDBC_PARAMS: 'ssl=true' })).toEqual({
      default: 'postgres://jdbc:postgresql://postgres-endpoint:5000/testdb?ssl=true',
    });
    expect(postgresConnectionProperties({ PORT: '5432' })).toEqual({});
  });

  it("picks the engine by Glue's connection type: POSTGRESQL is PostgreSQL, any other (or none) MySQL", () => {
    const properties = { HOST: 'db', PORT: '1', DATABASE: 'd' };
    expect(auroraConnectionProperties(properties, { connectionType: 'POSTGRESQL' })).toEqual({
      default: 'postgres://jdbc:postgresql://db:1/d?',
    });
    for (const connectionType of ['MYSQL', 'JDBC', undefined])
      expect(auroraConnectionProperties(properties, { connectionType })).toEqual({
        default: 'mysql://jdbc:mysql://db:1/d?',
      });
  });
});

describe('a function configured by a POSTGRESQL Glue connection', () => {
  it('reads PostgreSQL through the connection string the connection properties make', async () => {
    // Prepare
    const name = `postgres-${run}`;
    await connections.create(name, 'POSTGRESQL', {
      HOST: POSTGRES.host,
      PORT: String(POSTGRES.port),
      DATABASE: db.name,
      JDBC_PARAMS: `user=${POSTGRES.user}`,
    });
    // Act
    const result = await connections
      .driverFor({ glue_connection: name })
      .scan({ schemaName: 'public', tableName: 'visits' });
    // Assess
    expect(result.table.getChild('ward')?.toArray()).toEqual(['north', 'south']);
  });
});
