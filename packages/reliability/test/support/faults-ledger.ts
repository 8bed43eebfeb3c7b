/**
 * The two outcomes a faulted query may have, checked the same way in every fault test: every
 * source row exactly once, or a Lambda function error whose type and text say what happened. A
 * ledger per test file tallies faults injected and rows checked for the README's reliability table.
 */
import { LambdaInvocationError } from '@athena-federation/connector-core/testing';
import type { Table } from 'apache-arrow';
import { expect } from 'vitest';

/** Java exception classes Athena reacts to (the `errorType` of a failed invocation). */
export const ATHENA_CONNECTOR_EXCEPTION = 'com.amazonaws.athena.connector.lambda.exceptions.AthenaConnectorException';
export const FEDERATION_THROTTLE_EXCEPTION =
  'com.amazonaws.athena.connector.lambda.exceptions.FederationThrottleException';

/** Running totals of one test file. */
export interface FaultLedger {
  readonly name: string;
  faults: number;
  rowsChecked: number;
  rowsLost: number;
  rowsDuplicated: number;
}

export function createLedger(name: string): FaultLedger {
  return { name, faults: 0, rowsChecked: 0, rowsLost: 0, rowsDuplicated: 0 };
}

/** One line for the run's output, read off for the README table. */
export function formatLedger(ledger: FaultLedger): string {
  return `[faults] ${ledger.name}: faults injected ${ledger.faults}, rows checked ${ledger.rowsChecked}, rows lost ${ledger.rowsLost}, rows duplicated ${ledger.rowsDuplicated}`;
}

/** The values of `column` as text, so numbers, bigints and strings from either side compare alike. */
export function columnTexts(table: Table, column: string): string[] {
  const vector = table.getChild(column);
  if (vector === null)
    throw new Error(`The result has no column ${column}; it has ${table.schema.fields.map((f) => f.name).join(', ')}`);
  const texts: string[] = [];
  for (const value of vector) texts.push(String(value));
  return texts;
}

/**
 * Asserts the result holds each `expectedKeys` value exactly once in `column` and nothing else,
 * and books the comparison in `ledger` (lost and duplicated rows are booked before the assertion fails).
 */
export function expectEveryRowOnce(
  ledger: FaultLedger,
  result: Table,
  column: string,
  expectedKeys: readonly (string | number | bigint)[],
): void {
  const seen = new Map<string, number>();
  for (const key of columnTexts(result, column)) seen.set(key, (seen.get(key) ?? 0) + 1);
  const missing: string[] = [];
  const duplicated: string[] = [];
  for (const key of expectedKeys.map(String)) {
    const count = seen.get(key) ?? 0;
    if (count === 0) missing.push(key);
    if (count > 1) duplicated.push(key);
    seen.delete(key);
  }
  ledger.rowsChecked += expectedKeys.length;
  ledger.rowsLost += missing.length;
  ledger.rowsDuplicated += duplicated.length;
  expect({ missing: missing.slice(0, 10), missingCount: missing.length }).toEqual({ missing: [], missingCount: 0 });
  expect({ duplicated: duplicated.slice(0, 10), duplicatedCount: duplicated.length }).toEqual({
    duplicated: [],
    duplicatedCount: 0,
  });
  expect({ unexpected: [...seen.keys()].slice(0, 10) }).toEqual({ unexpected: [] });
  expect(result.numRows).toBe(expectedKeys.length);
}

/** Runs `query` and returns the error it must fail with; a result instead fails the test. */
export async function failureOf(query: Promise<unknown>): Promise<LambdaInvocationError> {
  const outcome = await query.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error('The query returned a result although the fault should have failed it');
  if (!(outcome.error instanceof LambdaInvocationError)) throw outcome.error;
  return outcome.error;
}

/** Asserts a failed invocation has the given Java type and a message matching every pattern. */
export function expectClearError(
  error: LambdaInvocationError,
  errorType: string,
  ...patterns: readonly RegExp[]
): void {
  // FAULTS_DEBUG=1 prints what Athena would show for each fault, to judge the messages by eye.
  if (process.env['FAULTS_DEBUG'] !== undefined) console.info(`${error.error.errorType}: ${error.error.errorMessage}`);
  expect(error.error.errorType).toBe(errorType);
  for (const pattern of patterns) expect(error.error.errorMessage).toMatch(pattern);
}

/**
 * For faults whose timing the test cannot pin down (a server shutting down while it may or may not
 * have sent the last row): the query must either return every expected row once or fail with a
 * clear error. Returns which of the two happened.
 */
export async function expectRowsOnceOrClearError(
  ledger: FaultLedger,
  query: Promise<{ readonly table: Table }>,
  expected: { readonly column: string; readonly keys: readonly (string | number | bigint)[] },
  error: { readonly errorType: string; readonly patterns: readonly RegExp[] },
): Promise<'rows' | 'error'> {
  const outcome = await query.then(
    (result) => ({ result }),
    (failure: unknown) => ({ failure }),
  );
  if ('result' in outcome) {
    expectEveryRowOnce(ledger, outcome.result.table, expected.column, expected.keys);
    return 'rows';
  }
  if (!(outcome.failure instanceof LambdaInvocationError)) throw outcome.failure;
  expectClearError(outcome.failure, error.errorType, ...error.patterns);
  return 'error';
}
