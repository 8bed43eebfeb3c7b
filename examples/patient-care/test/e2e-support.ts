// What both end-to-end runs share: the connectors' bundles built, and the answer compared with the
// rule computed directly from the generated rows.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { PatientCareRun } from '../src/run.js';
import { urgentCareFlags } from '../src/urgent-care.js';

export const repo = join(import.meta.dirname, '../../..');

/** The run loads the connectors exactly as Lambda would: from their built bundles. */
export function ensureBundles(): void {
  for (const connector of ['connector-aurora', 'connector-dynamodb']) {
    const dir = join(repo, 'packages', connector);
    if (!existsSync(join(dir, 'dist/lambda/index.mjs')))
      execFileSync(process.execPath, [join(dir, 'bundle.mjs')], { cwd: dir });
  }
}

/** Expects the query's flagged patients and reasons to be exactly the rule's (and more than a couple). */
export function expectRuleFlags({ data, result }: PatientCareRun): void {
  const id = result.columns.indexOf('patient_id');
  const reason = result.columns.indexOf('reason');
  const flagged = result.rows.map((row) => ({ patient_id: Number(row[id]), reason: String(row[reason]) }));
  const expected = urgentCareFlags(data);
  expect(expected.length).toBeGreaterThan(2);
  expect(flagged).toEqual(expected);
}
