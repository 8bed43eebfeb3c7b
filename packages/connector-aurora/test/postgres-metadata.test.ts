/**
 * PostgreSQL metadata against the real server: schemas without PostgreSQL's own, tables, views,
 * materialized views and partitioned tables (their partitions not listed), real paging, mixed-case
 * names resolved from Athena's lower-case ones, clear errors for missing and ambiguous names — and
 * one connector serving a MariaDB catalog and a PostgreSQL catalog side by side.
 */
import { LambdaInvocationError } from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';
import { type PostgresTestDatabase, createPostgresTestDatabase } from './support/postgres.js';

let pg: PostgresTestDatabase;
let maria: TestDatabase;
let connector: AuroraConnector;
let both: AuroraConnector;

beforeAll(async () => {
  pg = await createPostgresTestDatabase();
  maria = await createTestDatabase();
  await ensureSpillBucket();
  const statements = [
    'CREATE SCHEMA "Clinic"',
    'CREATE TABLE "Clinic"."Patients" ("Id" int PRIMARY KEY, "FullName" text)',
    `INSERT INTO "Clinic"."Patients" VALUES (1, 'Ada'), (2, 'Grace'), (3, NULL)`,
    'CREATE VIEW "Clinic".named AS SELECT "Id" FROM "Clinic"."Patients" WHERE "FullName" IS NOT NULL',
    'CREATE MATERIALIZED VIEW "Clinic".counted AS SELECT count(*) AS n FROM "Clinic"."Patients"',
    'CREATE TABLE "Clinic".visits (id int, day date) PARTITION BY RANGE (day)',
    `CREATE TABLE "Clinic".visits_2024 PARTITION OF "Clinic".visits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`,
    `CREATE TABLE "Clinic".visits_2025 PARTITION OF "Clinic".visits FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')`,
    'CREATE TABLE "Clinic"."Twin" (id int)',
    'CREATE TABLE "Clinic"."TWIN" (id int)',
    'CREATE TABLE "Clinic".exact (id int)',
    'CREATE TABLE "Clinic"."EXACT" (id int)',
  ];
  for (const sql of statements) await pg.client.query(sql);
  await maria.pool.query('CREATE TABLE claims (id INT PRIMARY KEY, amount DECIMAL(10,2))');
  await maria.pool.query("INSERT INTO claims VALUES (1, '10.50'), (2, '20.00')");
  connector = createAuroraConnector({ env: pg.env });
  both = createAuroraConnector({
    env: { default: maria.env['default'] as string, ehr_connection_string: pg.connectionString },
  });
});

afterAll(async () => {
  await connector?.close();
  await both?.close();
  await pg?.drop();
  await maria?.drop();
});

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LambdaInvocationError);
  return (error as LambdaInvocationError).error.errorMessage;
}

describe('PostgreSQL metadata', () => {
  it("lists schemas lower-cased, without PostgreSQL's own", async () => {
    const schemas = await engineFor(connector).listSchemas();
    expect(schemas).toContain('clinic');
    expect(schemas).toContain('public');
    for (const system of ['information_schema', 'pg_catalog', 'pg_toast']) expect(schemas).not.toContain(system);
  });

  it('pages tables, views, materialized views and partitioned tables, leaving out partitions', async () => {
    const d = engineFor(connector);
    const all = await d.listTables('clinic');
    expect(await d.listTables('clinic', 2)).toEqual(all);
    expect(all.map((t) => t.tableName).sort()).toEqual(
      ['counted', 'exact', 'exact', 'named', 'patients', 'twin', 'twin', 'visits'].sort(),
    );
    expect(d.trace.filter((t) => t.requestType === 'ListTablesRequest').length).toBe(1 + 4);
  });

  it('resolves lower-case names to mixed-case PostgreSQL names and reads views and materialized views', async () => {
    const d = engineFor(connector);
    const table = await d.getTable({ schemaName: 'clinic', tableName: 'patients' });
    expect(table.schema.fields.map((f) => f.name)).toEqual(['Id', 'FullName']);
    expect((await d.scan({ schemaName: 'clinic', tableName: 'patients' })).table.numRows).toBe(3);
    expect((await d.scan({ schemaName: 'clinic', tableName: 'named' })).table.numRows).toBe(2);
    const counted = await d.scan({ schemaName: 'CLINIC', tableName: 'counted' });
    expect(counted.table.getChild('n')?.get(0)).toBe(3n);
  });

  it('prefers the exact name, and refuses a name two relations share ignoring case', async () => {
    const d = engineFor(connector);
    expect((await d.getTable({ schemaName: 'clinic', tableName: 'exact' })).schema.fields.length).toBe(1);
    const message = await failure(d.getTable({ schemaName: 'clinic', tableName: 'twin' }));
    expect(message).toMatch(/twin/i);
    expect(message).toMatch(/Twin|TWIN/);
  });

  it('reports a missing table as EntityNotFoundException naming it', async () => {
    const message = await failure(engineFor(connector).getTable({ schemaName: 'clinic', tableName: 'nope' }));
    expect(message).toMatch(/EntityNotFoundException/);
    expect(message).toContain('nope');
  });

  it('serves a MariaDB catalog and a PostgreSQL catalog from one connector', async () => {
    const mysqlSide = engineFor(both, { catalogName: 'default' });
    const postgresSide = engineFor(both, { catalogName: 'ehr' });
    expect(await mysqlSide.listSchemas()).toContain(maria.name);
    expect(await postgresSide.listSchemas()).toContain('clinic');
    const claims = await mysqlSide.scan({ schemaName: maria.name, tableName: 'claims' });
    const patients = await postgresSide.scan({ schemaName: 'clinic', tableName: 'patients' });
    expect(claims.table.numRows).toBe(2);
    expect(patients.table.numRows).toBe(3);
    const message = await failure(engineFor(both, { catalogName: 'elsewhere' }).listSchemas());
    expect(message).toContain('elsewhere_connection_string');
  });
});
