// The project's main job, end to end: generated data in MySQL (real MariaDB) and DynamoDB
// (dynalite), the urgent-care query run by local-athena over both connectors' Lambda bundles — and
// the flagged patients and reasons must equal the rule computed directly from the generated rows.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropMysqlDatabase } from '../src/load.js';
import { runPatientCare } from '../src/run.js';
import { ensureBundles, expectRuleFlags, repo } from './e2e-support.js';

const database = `patient_care_e2e_${process.pid}`;

afterAll(() => dropMysqlDatabase({ host: '127.0.0.1', port: 3306, user: 'root', password: '' }, database));

beforeAll(ensureBundles, 120_000);

describe('patient-care', () => {
  it('flags exactly the patients the rule flags, for the same reasons, over both connectors', async () => {
    const run = await runPatientCare({ patients: 300, days: 10, ehrDatabase: database });
    expectRuleFlags(run);
    const { data, result } = run;
    const readings = result.scans.find((s) => s.table === 'devices.default.device_readings');
    expect(readings?.rows).toBe(data.readings.length);
    expect(readings?.splits).toBeGreaterThan(1);
    expect(result.scans.reduce((n, s) => n + s.spilledObjects, 0)).toBeGreaterThan(0);
    // The risk-condition filter sits in a CTE; it is still pushed to the conditions scan.
    expect(Object.keys(result.scans.find((s) => s.table.endsWith('.conditions'))?.pushdown ?? {})).toEqual([
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
