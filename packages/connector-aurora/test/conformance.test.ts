/**
 * The core conformance suite against a real MariaDB table, read over the real wire with spill to
 * moto S3, filtering and ordering on an integer, a decimal, a text and a date column, with a
 * passthrough query and its rows. listSchemas is narrowed to this file's database only because
 * other test files create and drop their own databases concurrently; metadata.test.ts covers the
 * unfiltered listing.
 */
import { describeConnector } from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';

let db: TestDatabase;
let connector: AuroraConnector;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(
    'CREATE TABLE Patients (id INT PRIMARY KEY, name VARCHAR(40), balance DECIMAL(10,2), born DATE, active TINYINT(1), visits BIGINT UNSIGNED)',
  );
  const rows = Array.from({ length: 500 }, (_, i) => [
    i + 1,
    i % 7 === 0 ? null : `patient ${i}`,
    `${(i * 13) % 1000}.${String(i % 100).padStart(2, '0')}`,
    i % 11 === 0 ? null : `19${String(50 + (i % 50))}-0${1 + (i % 9)}-1${i % 10}`,
    i % 2,
    String(18446744073709551615n - BigInt(i)),
  ]);
  await db.pool.query('INSERT INTO Patients VALUES ?', [rows]);
  // More tables for ListTables to page through.
  for (const table of ['Wards', 'Visits', 'Beds']) await db.pool.query(`CREATE TABLE ${table} (id INT PRIMARY KEY)`);
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
      (await shared.listSchemas(ctx)).filter((s) => s === db.name),
  };
};

/** The rows `SELECT id, name FROM Patients WHERE id <= 8` returns, from the fixture above. */
const firstPatients = Array.from({ length: 8 }, (_, i) => ({ id: i + 1, name: i % 7 === 0 ? null : `patient ${i}` }));

for (const filterColumn of ['id', 'balance', 'name', 'born']) {
  describeConnector({
    name: `aurora (MariaDB, filtering on ${filterColumn})`,
    make,
    get table() {
      return { schemaName: db.name, tableName: 'patients' };
    },
    filterColumn,
    rowCount: 500,
    get passthrough() {
      return {
        arguments: { query: `SELECT id, name FROM \`${db.name}\`.Patients WHERE id <= 8` },
        rows: firstPatients,
      };
    },
  });
}
