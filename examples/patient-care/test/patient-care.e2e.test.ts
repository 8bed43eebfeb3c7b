// The project's main job, end to end: generated data in MySQL (real MariaDB) and DynamoDB
// (dynalite), the urgent-care query run by local-athena over both connectors' Lambda bundles — and
// the flagged patients and reasons must equal the rule computed directly from the generated rows.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropMysqlDatabase, dropPostgresDatabase } from '../src/load.js';
import { runPatientCare } from '../src/run.js';
import { urgentCareFlags } from '../src/urgent-care.js';

const repo = join(import.meta.dirname, '../../..');
const database = `patient_care_e2e_${process.pid}`;

afterAll(async () => {
  await dropMysqlDatabase({ host: '127.0.0.1', port: 3306, user: 'root', password: '' }, database);
  await dropPostgresDatabase({ host: '127.0.0.1', port: 5432, user: 'postgres', password: '' }, database);
});

beforeAll(() => {
  // The run loads the connectors exactly as Lambda would: from their built bundles.
  for (const connector of ['connector-aurora', 'connector-dynamodb']) {
    const dir = join(repo, 'packages', connector);
    if (!existsSync(join(dir, 'dist/lambda/index.mjs')))
      execFileSync(process.execPath, [join(dir, 'bundle.mjs')], { cwd: dir });
  }
}, 120_000);

describe('patient-care', () => {
  it('flags exactly the patients the rule flags, for the same reasons, over both connectors', async () => {
    const { data, result } = await runPatientCare({ patients: 300, days: 10, ehrDatabase: database });
    const id = result.columns.indexOf('patient_id');
    const reason = result.columns.indexOf('reason');
    const flagged = result.rows.map((row) => ({ patient_id: Number(row[id]), reason: String(row[reason]) }));
    const expected = urgentCareFlags(data);
    expect(expected.length).toBeGreaterThan(2);
    expect(flagged).toEqual(expected);
    const readings = result.scans.find((s) => s.table === 'devices.default.device_readings');
    expect(readings?.rows).toBe(data.readings.length);
    expect(readings?.splits).toBeGreaterThan(1);
    expect(result.scans.reduce((n, s) => n + s.spilledObjects, 0)).toBeGreaterThan(0);
    // The risk-condition filter sits in a CTE; it is still pushed to the conditions scan.
    expect(Object.keys(result.scans.find((s) => s.table.endsWith('.conditions'))?.pushdown ?? {})).toEqual([
      'icd10_code',
    ]);
  }, 300_000);

  it('flags the same patients with the EHR in PostgreSQL, the claims in MySQL and the readings in DynamoDB', async () => {
    const { data, result } = await runPatientCare({
      patients: 300,
      days: 10,
      ehrDatabase: database,
      ehrEngine: 'postgres',
    });
    const id = result.columns.indexOf('patient_id');
    const reason = result.columns.indexOf('reason');
    const flagged = result.rows.map((row) => ({ patient_id: Number(row[id]), reason: String(row[reason]) }));
    const expected = urgentCareFlags(data);
    expect(expected.length).toBeGreaterThan(2);
    expect(flagged).toEqual(expected);
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

  it.each([
    ['--patients', 'abc', 'must be a whole number of at least 1'],
    ['--days', '0', 'must be a whole number of at least 1'],
    ['--days', '1e2', 'must be a whole number of at least 1'],
    ['--ehr-engine', 'oracle', 'must be mysql or postgres'],
  ])('refuses %s %s before loading anything, naming the option', (option, value, why) => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(repo, 'examples/patient-care/src/run.ts'), `${option}=${value}`],
      { encoding: 'utf8', cwd: join(repo, 'examples/patient-care') },
    );
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`patient-care: ${option} ${why}, got ${JSON.stringify(value)}`);
  });
});
