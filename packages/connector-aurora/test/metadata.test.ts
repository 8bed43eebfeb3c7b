/**
 * Metadata against real MariaDB: schemas without the system ones, real table paging (views
 * included), case-insensitive resolution of mixed-case names from Athena's lower-case world, clear
 * errors for missing and ambiguous names, and catalog routing for multiplexed connection strings.
 */
import { LambdaInvocationError } from '@athena-federation/connector-core/testing';
import { Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';
import { equals } from './support/value-sets.js';

let db: TestDatabase;
let connector: AuroraConnector;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  for (const name of ['Alpha', 'beta', 'Gamma_Table', 'delta', 'Twin', 'twin'])
    await db.pool.query(`CREATE TABLE \`${name}\` (Id INT PRIMARY KEY, Label VARCHAR(20) COLLATE utf8mb4_general_ci)`);
  await db.pool.query('CREATE VIEW EpsilonView AS SELECT Id, Label FROM Alpha');
  await db.pool.query("INSERT INTO Alpha VALUES (1, 'one'), (2, 'ONE'), (3, 'two')");
  connector = createAuroraConnector({ env: db.env });
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LambdaInvocationError);
  return (error as LambdaInvocationError).error.errorMessage;
}

describe('metadata', () => {
  it('lists schemas lower-cased, without information_schema, mysql, performance_schema and sys', async () => {
    const schemas = await engineFor(connector).listSchemas();
    expect(schemas).toContain(db.name);
    for (const system of ['information_schema', 'mysql', 'performance_schema', 'sys'])
      expect(schemas).not.toContain(system);
  });

  it('pages tables and views with real LIMIT/OFFSET paging', async () => {
    const d = engineFor(connector);
    const all = await d.listTables(db.name);
    const paged = await d.listTables(db.name, 2);
    expect(paged).toEqual(all);
    expect(all.map((t) => t.tableName).sort()).toEqual(
      ['alpha', 'beta', 'delta', 'epsilonview', 'gamma_table', 'twin', 'twin'].sort(),
    );
    expect(d.trace.filter((t) => t.requestType === 'ListTablesRequest').length).toBe(1 + 4);
  });

  it('resolves lower-case schema, table and column names to mixed-case MySQL names', async () => {
    const d = engineFor(connector);
    const table = await d.getTable({ schemaName: db.name.toUpperCase(), tableName: 'gamma_table' });
    expect(table.schema.fields.map((f) => f.name)).toEqual(['Id', 'Label']);
    const view = await d.scan({ schemaName: db.name, tableName: 'epsilonview' });
    expect(view.table.numRows).toBe(3);
  });

  it('filters through a case-insensitive collation without losing or adding rows', async () => {
    const result = await engineFor(connector).scan(
      { schemaName: db.name, tableName: 'alpha' },
      { constraints: { summary: { Label: equals(new Utf8(), 'one') } } },
    );
    expect(result.table.numRows).toBe(1);
  });

  it('reports a missing table as EntityNotFoundException naming it', async () => {
    const message = await failure(engineFor(connector).getTable({ schemaName: db.name, tableName: 'nope' }));
    expect(message).toMatch(/EntityNotFoundException/);
    expect(message).toContain('nope');
  });

  it('refuses an ambiguous case-insensitive name; an exact-case match wins', async () => {
    expect(await failure(engineFor(connector).getTable({ schemaName: db.name, tableName: 'TWIN' }))).toMatch(
      /InvalidInputException.*is ambiguous: 2 names differ only by case \(twin, Twin\)/,
    );
    expect((await engineFor(connector).getTable({ schemaName: db.name, tableName: 'twin' })).schema.fields.length).toBe(
      2,
    );
  });

  it('routes multiplexed catalogs and explains an unknown one', async () => {
    const mux = createAuroraConnector({
      env: {
        default: 'mysql://jdbc:mysql://192.0.2.1:1/none?user=x',
        sales_connection_string: db.env['default'] ?? '',
      },
    });
    try {
      expect(await engineFor(mux, { catalogName: 'sales' }).listSchemas()).toContain(db.name);
      expect(await failure(engineFor(mux, { catalogName: 'other' }).listSchemas())).toContain(
        'other_connection_string',
      );
    } finally {
      await mux.close();
    }
  });
});
