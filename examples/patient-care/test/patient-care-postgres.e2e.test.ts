// The main job with the EHR tables in PostgreSQL: patients, conditions and encounters in a real
// PostgreSQL, claims in MariaDB, readings in dynalite, one query over the Aurora bundle (both engines,
// two catalogs) and the DynamoDB bundle. A file of its own: a bundle reads its configuration when it
// is first imported, as a Lambda does at cold start, so the MySQL-only run must not load it first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropMysqlDatabase, dropPostgresDatabase } from '../src/load.js';
import { runPatientCare } from '../src/run.js';
import { ensureBundles, expectRuleFlags } from './e2e-support.js';

const database = `patient_care_pg_e2e_${process.pid}`;

afterAll(async () => {
  await dropMysqlDatabase({ host: '127.0.0.1', port: 3306, user: 'root', password: '' }, database);
  await dropPostgresDatabase({ host: '127.0.0.1', port: 5432, user: 'postgres', password: '' }, database);
});

beforeAll(ensureBundles, 120_000);

describe('patient-care with the EHR in PostgreSQL', () => {
  it('flags exactly the patients the rule flags, joining PostgreSQL, MySQL and DynamoDB', async () => {
    const run = await runPatientCare({ patients: 300, days: 10, ehrDatabase: database, ehrEngine: 'postgres' });
    expectRuleFlags(run);
    const { data, result } = run;
    // Three sources in one query: the EHR tables from PostgreSQL's schema `ehr`, the claims from
    // MySQL, both through the one Aurora function under two catalog names.
    const tables = result.scans.map((s) => s.table).sort();
    expect(tables).toEqual([
      `claims.${database}.claim_lines`,
      'devices.default.device_readings',
      'ehr.ehr.conditions',
      'ehr.ehr.patients',
    ]);
    expect(result.scans.find((s) => s.table === 'ehr.ehr.patients')?.rows).toBe(data.patients.length);
    expect(Object.keys(result.scans.find((s) => s.table === 'ehr.ehr.conditions')?.pushdown ?? {})).toEqual([
      'icd10_code',
    ]);
  }, 300_000);
});
