// TABLE(system.query(query => '…')) through local-athena reaches the Aurora connector's passthrough
// exactly as Athena sends it (GetTable of system.query with SYSTEM.QUERY and the upper-cased
// argument, then layout, splits and reads with queryPassthroughArguments): the MySQL query runs in
// MariaDB and its rows come back through the real bundle, with Athena SQL around them.
// https://docs.aws.amazon.com/athena/latest/ug/federated-query-passthrough.html
import { join } from 'node:path';
import { LocalAthena, athenaText } from '@athena-federation/local-athena';
import { ensureBucket } from '@athena-federation/connector-core/harness';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropMysqlDatabase } from '../src/load.js';

const repo = join(import.meta.dirname, '../../..');
const mysql = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
const database = `passthrough_e2e_${process.pid}`;
const previous = { ...process.env };
let athena: LocalAthena;

beforeAll(async () => {
  const connection = await createConnection({ ...mysql, multipleStatements: true });
  await connection.query(`DROP DATABASE IF EXISTS ${database}; CREATE DATABASE ${database}; USE ${database};
    CREATE TABLE visits (id INT PRIMARY KEY, patient VARCHAR(20), cost DECIMAL(8,2));
    INSERT INTO visits VALUES (1, 'ann', 10.50), (2, 'bob', 20.25), (3, 'cy', 99.99);`);
  await connection.end();
  Object.assign(process.env, {
    default: `mysql://jdbc:mysql://${mysql.host}:${mysql.port}/${database}?user=root`,
    spill_bucket: 'passthrough-spill',
    disable_glue: 'true',
  });
  await ensureBucket('passthrough-spill');
  athena = await LocalAthena.create({
    catalogs: { ehr: { kind: 'bundle', path: join(repo, 'packages/connector-aurora/dist/lambda/index.mjs') } },
  });
}, 120_000);

afterAll(async () => {
  await athena?.close();
  for (const key of Object.keys(process.env)) if (!(key in previous)) delete process.env[key];
  await dropMysqlDatabase(mysql, database);
});

describe('query passthrough through local-athena', () => {
  it('runs the native query in the source and Athena SQL over its rows', async () => {
    const result = await athena.query(
      `SELECT patient, cost * 2 AS doubled FROM TABLE(ehr.system.query(query => 'SELECT patient, cost FROM ${database}.visits WHERE id >= 2')) ORDER BY patient`,
    );
    expect(result.columns).toEqual(['patient', 'doubled']);
    expect(result.rows.map((row) => row.map(athenaText))).toEqual([
      ['bob', '40.50'],
      ['cy', '199.98'],
    ]);
    expect(result.scans.map((s) => s.table)).toEqual(['ehr.system.query']);
    // Nothing is pushed with a passthrough: the native query decides the rows.
    expect(result.scans[0]?.pushed.summary).toEqual({});
  });

  it('takes the only registered catalog when the query names none, as Athena takes the query context', async () => {
    const result = await athena.query(
      `SELECT count(*) FROM TABLE(system.query(query => 'SELECT id FROM ${database}.visits'))`,
    );
    expect(result.rows.map((row) => row.map(athenaText))).toEqual([['3']]);
  });

  it('refuses what the connector refuses, naming the request', async () => {
    await expect(athena.query("SELECT * FROM TABLE(ehr.system.query(query => 'DELETE FROM visits'))")).rejects.toThrow(
      /Catalog ehr, table ehr\.system\.query \(GetTableRequest\)/,
    );
  });
});
