/**
 * The core conformance suite against a real PostgreSQL table, read over the real wire with spill to
 * moto S3, filtering and ordering on an integer, a decimal, a text (in a linguistic collation,
 * where only COLLATE "C" orders as Athena does) and a date column, with a passthrough query and
 * its rows. listSchemas is narrowed to the fixture's schema because other test files create and
 * drop databases concurrently (each in its own database, so PostgreSQL never shows them here, but
 * the narrowing keeps the suite's table scan to this file's tables).
 */
import { describeConnector } from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { type PostgresTestDatabase, createPostgresTestDatabase } from './support/postgres.js';

let db: PostgresTestDatabase;
let connector: AuroraConnector;
const SCHEMA = 'ward';

beforeAll(async () => {
  db = await createPostgresTestDatabase();
  await db.client.query(`CREATE SCHEMA ${SCHEMA}`);
  await db.client.query(
    `CREATE TABLE ${SCHEMA}."Patients" (id int PRIMARY KEY, name text COLLATE "en-x-icu", balance numeric(10,2), born date, active boolean, visits bigint)`,
  );
  await db.client.query(
    `INSERT INTO ${SCHEMA}."Patients" SELECT i + 1, CASE WHEN i % 7 = 0 THEN NULL ELSE 'patient ' || i END,
       ((i * 13) % 1000) + (i % 100) / 100.0, CASE WHEN i % 11 = 0 THEN NULL ELSE make_date(1950 + i % 50, 1 + i % 9, 10 + i % 10) END,
       i % 2 = 1, 9223372036854775807 - i FROM generate_series(0, 499) i`,
  );
  // More tables for ListTables to page through.
  for (const table of ['Wards', 'Visits', 'Beds'])
    await db.client.query(`CREATE TABLE ${SCHEMA}."${table}" (id int PRIMARY KEY)`);
  await db.client.query('ANALYZE');
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

const make = () => {
  // Splits of about 150 rows, so LIMIT and top-N are judged split by split.
  connector ??= createAuroraConnector({
    env: { ...db.env, target_rows_per_split: '150' },
    secrets: () => Promise.reject(new Error('no secrets in this test')),
  });
  const shared = connector;
  return {
    ...shared,
    listSchemas: async (ctx: Parameters<AuroraConnector['listSchemas']>[0]) =>
      (await shared.listSchemas(ctx)).filter((s) => s === SCHEMA),
  };
};

/** The rows `SELECT id, name FROM ward."Patients" WHERE id <= 8` returns, from the fixture above. */
const firstPatients = Array.from({ length: 8 }, (_, i) => ({ id: i + 1, name: i % 7 === 0 ? null : `patient ${i}` }));

for (const filterColumn of ['id', 'balance', 'name', 'born']) {
  describeConnector({
    name: `aurora (PostgreSQL, filtering on ${filterColumn})`,
    make,
    table: { schemaName: SCHEMA, tableName: 'patients' },
    filterColumn,
    rowCount: 500,
    passthrough: {
      arguments: { query: `SELECT id, name FROM ${SCHEMA}."Patients" WHERE id <= 8` },
      rows: firstPatients,
    },
  });
}
