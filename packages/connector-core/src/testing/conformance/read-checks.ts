/**
 * The suite's checks of reads that every connector must get right whatever it advertises: the row
 * count, splits, each value-set kind on the filter column, LIMIT per split, spill, and response
 * sizes. Expectations come from the unpushed answer, filtered and limited here with Athena's
 * semantics for the column's type.
 */
import type { Field } from 'apache-arrow';
import { arrowTypeToJson } from '../../arrow/arrow-type-json.js';
import { makeValueBlock } from '../../arrow/value-block.js';
import { makeConstraints } from '../../engine/engine-driver.js';
import { LAMBDA_RESPONSE_LIMIT_BYTES } from '../../handler/lambda-limits.js';
import type { Constraints, Marker, ValueSet } from '../../protocol/types.js';
import { type ProbeRow, athenaOrder, limitVerdict, rowDifference } from '../pushdown-probes.js';
import { CheckSkipped, type SuiteContext, assert, assertNone, rowsOf } from './suite-context.js';

/** Splits a per-split check reads at most (each twice: pushed and unpushed). */
const MAX_SPLITS = 20;

/** The split-by-split comparison of pushed and unpushed reads, for LIMIT and top-N. */
export interface SplitComparison {
  readonly failures: readonly string[];
  readonly splits: number;
  /** Rows of the largest split read: a LIMIT below it is what shows whether one was applied. */
  readonly largest: number;
}

/**
 * Plans the table's splits with `constraints` (as Athena sends them with GetTableLayout and
 * GetSplits too), reads each with and without them, and collects `verdict`'s complaints.
 */
export async function compareSplits(
  suite: SuiteContext,
  constraints: Constraints,
  verdict: (unpushed: readonly ProbeRow[], pushed: readonly ProbeRow[]) => string | undefined,
): Promise<SplitComparison> {
  const d = suite.driver();
  await d.ping();
  const table = suite.definition;
  const splits = (await d.getSplits(table, await d.getTableLayout(table, constraints), constraints)).slice(
    0,
    MAX_SPLITS,
  );
  const failures: string[] = [];
  let largest = 0;
  for (const [index, split] of splits.entries()) {
    const unpushed = await suite.splitRows(d, split);
    const pushed = rowsOf((await d.readSplit(suite.options.table, table.schema, split, constraints)).batches);
    largest = Math.max(largest, unpushed.length);
    const complaint = verdict(unpushed, pushed);
    if (complaint !== undefined) failures.push(`split ${index + 1} of ${splits.length}: ${complaint}`);
  }
  return { failures, splits: splits.length, largest };
}

/** A full scan returns exactly the rows the fixture holds. */
export async function checkRowCount(suite: SuiteContext): Promise<string> {
  const expected = suite.options.rowCount;
  if (expected === undefined) throw new CheckSkipped('the suite options give no rowCount for the table');
  const { rows } = await suite.unpushed();
  assert(rows.length === expected, `a full scan returned ${rows.length} rows; the table holds ${expected}`);
  return `${rows.length} rows`;
}

/** Every split GetSplits made is read back from its properties, without an error. */
export async function checkSplitRoundTrip(suite: SuiteContext): Promise<string> {
  const d = suite.driver();
  const result = await d.scan(suite.options.table);
  assert(result.splits > 0, 'GetSplits returned no split');
  const reads = d.trace.filter((t) => t.requestType === 'ReadRecordsRequest');
  assert(reads.length === result.splits, `${result.splits} splits but ${reads.length} ReadRecords calls`);
  assert(
    reads.every((t) => t.responseType !== 'error'),
    'a split could not be read back',
  );
  return `${result.splits} splits read`;
}

function marker(field: Field, value: unknown, bound: Marker['bound']): Marker {
  return value === undefined
    ? { valueBlock: makeValueBlock(field, []), bound, nullValue: true }
    : { valueBlock: makeValueBlock(field, [value]), bound, nullValue: false };
}

/**
 * Each value-set kind on the filter column (=, >, <= or NULL, IN, NOT IN, IS NULL, IS NOT NULL
 * against its middle value) returns exactly the unpushed rows Athena keeps, compared by the
 * column's type: decimals as exact numbers, varchar by code point, timestamps as instants.
 */
export async function checkConstraints(suite: SuiteContext): Promise<string> {
  const { rows } = await suite.unpushed();
  const { field, index, pick } = await suite.filterColumn();
  const order = athenaOrder(field.type);
  const type = arrowTypeToJson(field.type);
  const equal = (v: unknown) => v !== null && order(pick, v) === 0;
  const above = (v: unknown) => v !== null && order(pick, v) < 0;
  const range = (low: Marker, high: Marker, nullAllowed: boolean): ValueSet => ({
    '@type': 'SortedRangeSet',
    type,
    ranges: [{ low, high }],
    nullAllowed,
  });
  const name = field.name;
  const cases: { name: string; set: ValueSet; keep: (v: unknown) => boolean }[] = [
    {
      name: `${name} = ‹middle value›`,
      set: range(marker(field, pick, 'EXACTLY'), marker(field, pick, 'EXACTLY'), false),
      keep: equal,
    },
    {
      name: `${name} > ‹middle value›`,
      set: range(marker(field, pick, 'ABOVE'), marker(field, undefined, 'BELOW'), false),
      keep: above,
    },
    {
      name: `${name} <= ‹middle value› OR ${name} IS NULL`,
      set: range(marker(field, undefined, 'ABOVE'), marker(field, pick, 'EXACTLY'), true),
      keep: (v) => v === null || !above(v),
    },
    {
      name: `${name} IN (‹middle value›)`,
      set: {
        '@type': 'EquatableValueSet',
        valueBlock: makeValueBlock(field, [pick]),
        whiteList: true,
        nullAllowed: false,
      },
      keep: equal,
    },
    {
      name: `${name} NOT IN (‹middle value›)`,
      set: {
        '@type': 'EquatableValueSet',
        valueBlock: makeValueBlock(field, [pick]),
        whiteList: false,
        nullAllowed: false,
      },
      keep: (v) => v !== null && !equal(v),
    },
    {
      name: `${name} IS NULL`,
      set: { '@type': 'AllOrNoneValueSet', type, all: false, nullAllowed: true },
      keep: (v) => v === null,
    },
    {
      name: `${name} IS NOT NULL`,
      set: { '@type': 'AllOrNoneValueSet', type, all: true, nullAllowed: false },
      keep: (v) => v !== null,
    },
  ];
  const failures: string[] = [];
  for (const c of cases) {
    const result = await suite.driver().scan(suite.options.table, { constraints: { summary: { [name]: c.set } } });
    const expected = rows.filter((row) => c.keep(row[index]));
    const actual = rowsOf(result.table.batches);
    const { missing, extra } = rowDifference(expected, actual);
    if (missing > 0 || extra > 0)
      failures.push(
        `${c.name} returned ${actual.length} rows where Athena keeps ${expected.length} of ${rows.length} (${missing} missing, ${extra} not kept)`,
      );
  }
  assertNone(failures);
  return `${cases.length} value sets on ${name} (${String(field.type)})`;
}

/**
 * LIMIT 2 on each split returns exactly min(2, the split's rows) of the split's own rows. Athena sends
 * it only to connectors advertising `supports_limit_pushdown`, but core honours it for every one.
 */
export async function checkLimit(suite: SuiteContext): Promise<string> {
  const limit = 2;
  const { failures, splits, largest } = await compareSplits(
    suite,
    makeConstraints({ limit: BigInt(limit) }),
    (unpushed, pushed) => limitVerdict(limit, unpushed, pushed),
  );
  assertNone(failures);
  assert(
    largest > limit,
    `no split holds more than ${limit} rows, so LIMIT ${limit} shows nothing; use a table with more rows`,
  );
  return `LIMIT ${limit} on ${splits} splits`;
}

/** A read with spill forced (tiny blocks, nothing inline) returns the same rows as the inline read. */
export async function checkSpillEqualsInline(suite: SuiteContext): Promise<string> {
  const { rows } = await suite.unpushed();
  const spilled = await suite.driver({ maxBlockSize: 4096, maxInlineBlockSize: 1 }).scan(suite.options.table);
  assert(spilled.spilledObjects > 0, 'nothing spilled with a 1-byte inline limit');
  const { missing, extra } = rowDifference(rows, rowsOf(spilled.table.batches));
  assert(
    missing === 0 && extra === 0,
    `rows read through spill differ from the inline read (${missing} missing, ${extra} extra)`,
  );
  return `${spilled.spilledObjects} spilled objects, ${rows.length} rows as inline`;
}

/** No response of a full scan exceeds Lambda's 6 MB. */
export async function checkResponseSize(suite: SuiteContext): Promise<string> {
  const d = suite.driver();
  await d.scan(suite.options.table);
  const largest = d.trace.reduce((max, t) => (t.responseBytes > max.responseBytes ? t : max));
  assert(
    largest.responseBytes <= LAMBDA_RESPONSE_LIMIT_BYTES,
    `a ${largest.requestType} response of ${largest.responseBytes} bytes exceeds Lambda's ${LAMBDA_RESPONSE_LIMIT_BYTES}`,
  );
  return `largest response ${largest.responseBytes} bytes`;
}
