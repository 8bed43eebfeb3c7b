/**
 * How the SQL forged-split suites read: one ReadRecords with forged split properties and
 * passthrough arguments, sent straight to a handler, and the legitimate passthrough flow it is
 * compared with. Each answers the rows read, or the source error code of a clear refusal.
 */
import {
  readRows,
  type GetTableResponse,
  type Split,
  type StringMap,
  type TableName,
} from '@athena-federation/connector-core';
import { type EngineDriver, LambdaInvocationError, makeConstraints } from '@athena-federation/connector-core/testing';
import fc from 'fast-check';
import { expect } from 'vitest';
import { checkError, checkRows } from './fuzz-check.js';
import { HOSTILE_STRINGS } from './request-corpus.js';

/** The function name core's query passthrough answers to. */
export const QUERY_FUNCTION = 'SYSTEM.QUERY';
/** The clear refusals a forged split may get. */
export const REFUSALS = ['InvalidInputException', 'EntityNotFoundException', 'OperationNotSupportedException'];

/** The outcome of one ReadRecords: its rows, or the error code of a clear refusal. */
export type Outcome = { readonly rows: unknown[][] } | { readonly refused: string };

/** A table as planned by the legitimate flow: its definition and the splits GetSplits issued. */
export interface PlannedTable {
  readonly table: GetTableResponse;
  readonly splits: Split[];
}

/**
 * One ReadRecords of `table` through `through` with the first planned split's other members and
 * `properties` forged, and `args` as passthrough arguments. A table read's rows are checked
 * against the fixture; a passthrough read asks for the statement's own columns where `planner`'s
 * GetTable can describe them, so it gets as far as running.
 */
export async function forgedRead(
  drivers: { readonly through: EngineDriver; readonly planner: EngineDriver },
  table: TableName,
  plan: PlannedTable,
  properties: StringMap,
  args: StringMap,
  label: string,
): Promise<Outcome> {
  const split = { ...(plan.splits[0] as Split), properties };
  const passthrough = Object.keys(args).length > 0;
  const schema = !passthrough
    ? plan.table.schema
    : await drivers.planner
        .getTable(
          { schemaName: 'system', tableName: 'query' },
          { schemaFunctionName: QUERY_FUNCTION, QUERY: args['QUERY'] ?? '' },
        )
        .then(
          (t) => t.schema,
          () => plan.table.schema,
        );
  try {
    const { batches } = await drivers.through.readSplit(
      table,
      schema,
      split,
      makeConstraints({ queryPassthroughArguments: args }),
    );
    const rows = batches.flatMap((b) => {
      if (!passthrough) checkRows(b, label);
      return readRows(b);
    });
    return { rows };
  } catch (error) {
    if (!(error instanceof LambdaInvocationError)) throw error;
    const failure = Object.assign(new Error(error.error.errorMessage), { name: error.error.errorType });
    failure.stack = `${failure.name}: ${failure.message}`;
    return { refused: checkError(failure, label) };
  }
}

/** The rows the legitimate flow returns for a passthrough query (GetTable, GetSplits, ReadRecords), or its refusal. */
export async function legitimatePassthrough(driver: EngineDriver, query: string): Promise<Outcome> {
  const args = { schemaFunctionName: QUERY_FUNCTION, QUERY: query };
  try {
    const table = await driver.getTable({ schemaName: 'system', tableName: 'query' }, args);
    const constraints = makeConstraints({ queryPassthroughArguments: args });
    const splits = await driver.getSplits(table, await driver.getTableLayout(table, constraints), constraints);
    const rows: unknown[][] = [];
    for (const split of splits)
      for (const batch of (await driver.readSplit(table.tableName, table.schema, split, constraints)).batches)
        rows.push(...readRows(batch));
    return { rows };
  } catch (error) {
    if (error instanceof LambdaInvocationError)
      return { refused: /^\[(\w+)\]/.exec(error.error.errorMessage)?.[1] ?? 'unclear' };
    throw error;
  }
}

/** What {@link forgeRandomSplits} draws from. */
export interface RandomForgery {
  readonly seed: number;
  readonly runs: number;
  /** The request tables a forged split is sent for. */
  readonly tables: readonly string[];
  /** The issued splits' properties: bases to edit, and values to move between names. */
  readonly issued: readonly StringMap[];
  /** Property names, the issued ones and made-up ones. */
  readonly names: readonly string[];
  /** Other values worth trying: kinds, column, table and partition names, edge integers. */
  readonly values: readonly string[];
  /** Sends one forged split and checks its outcome. */
  check(table: string, properties: StringMap, label: string): Promise<void>;
}

/**
 * Seeded random property maps: an issued split (or none) with up to four properties set to issued
 * values, the given values, hostile strings, short strings or out-of-range integers, and any
 * names dropped. Returns how many ran.
 */
export async function forgeRandomSplits(forgery: RandomForgery): Promise<number> {
  const values = fc.oneof(
    fc.constantFrom(...new Set(forgery.issued.flatMap((p) => Object.values(p)))),
    fc.constantFrom(...forgery.values),
    fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length < 1000)),
    fc.string({ maxLength: 12 }),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  );
  const forged = fc.record({
    table: fc.constantFrom(...forgery.tables),
    base: fc.constantFrom(...forgery.issued, {}),
    edits: fc.dictionary(fc.constantFrom(...forgery.names), values, { maxKeys: 4 }),
    drop: fc.subarray([...forgery.names]),
  });
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(forged, async ({ table, base, edits, drop }) => {
      const properties: Record<string, string> = { ...base, ...edits };
      for (const name of drop) delete properties[name];
      const label = `seed ${forgery.seed} run ${runs++} ${table} ${JSON.stringify(properties).slice(0, 300)}`;
      await forgery.check(table, properties, label);
    }),
    { seed: forgery.seed, numRuns: forgery.runs, endOnFailure: true },
  );
  return runs;
}

/** What {@link forgedSplitChecker} checks against. */
export interface CheckerSetup {
  /** The driver of the legitimate flow (GetTable for a passthrough statement's columns, and its reads). */
  readonly planner: EngineDriver;
  /** Athena's schema name of the request tables, and each table's legitimate plan (the first is the fallback). */
  readonly schemaName: string;
  readonly plans: ReadonlyMap<string, PlannedTable>;
  /** The ids a table read may return. */
  readonly allowedIds: ReadonlySet<number>;
  /** Text every row of another relation holds. */
  readonly otherMark: string;
  /** Asserts nothing a passthrough statement took in its session (a lock) is still held; `label` names the read. */
  sessionReleased(label: string): Promise<void>;
}

/**
 * The oracle of the SQL forged-split suites: a forged read is refused clearly, or (unless it must
 * be refused) reads no more than the legitimate request — a table read only the table's own ids,
 * each once, no other relation's rows; a passthrough read the rows the legitimate flow reads for
 * the same statement, with nothing left held in the session. `counts` tallies the outcomes.
 */
export function forgedSplitChecker(setup: CheckerSetup): {
  /**
   * Sends `properties` and `args` as a ReadRecords of `table` through `through`; `mustRefuse`: no
   * rows may come back; `legitimateFailure`: the legitimate flow's own failure of the same
   * statement (a server error), accepted as a refusal too.
   */
  check(
    through: EngineDriver,
    table: string,
    properties: StringMap,
    args: StringMap,
    label: string,
    mustRefuse: boolean,
    legitimateFailure?: string,
  ): Promise<void>;
  readonly counts: Map<string, number>;
} {
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const fallback = [...setup.plans.values()][0];
  return {
    counts,
    async check(through, table, properties, args, label, mustRefuse, legitimateFailure) {
      const plan = setup.plans.get(table) ?? fallback;
      if (plan === undefined) throw new Error('no plan');
      const outcome = await forgedRead(
        { through: through, planner: setup.planner },
        { schemaName: setup.schemaName, tableName: table },
        plan,
        properties,
        args,
        label,
      );
      if ('refused' in outcome) {
        expect([...REFUSALS, legitimateFailure], `${label}: refused, but not as a clear refusal`).toContain(
          outcome.refused,
        );
        count(`refused ${outcome.refused}`);
        return;
      }
      expect(mustRefuse, `${label}: read ${outcome.rows.length} rows instead of being refused`).toBe(false);
      if (Object.keys(args).length > 0) {
        // Nothing the statement did to its session survives the read: not even a DBA's function's lock.
        await setup.sessionReleased(label);
        // A passthrough read may return what the same statement returns through the legitimate flow, nothing else.
        const legit = await legitimatePassthrough(setup.planner, args['QUERY'] ?? '');
        await setup.sessionReleased(`${label} (the legitimate read)`);
        expect(
          'rows' in legit,
          `${label}: the legitimate flow refuses this statement (${'refused' in legit ? legit.refused : ''}), the forged split read it`,
        ).toBe(true);
        if ('rows' in legit) expect(outcome.rows, label).toEqual(legit.rows);
      } else {
        const ids = outcome.rows.map((r) => Number(r[0]));
        expect(
          ids.filter((id) => !setup.allowedIds.has(id)),
          `${label}: rows outside the table`,
        ).toEqual([]);
        expect(new Set(ids).size, `${label}: a row read twice`).toBe(ids.length);
        expect(
          JSON.stringify(outcome.rows, (_, v) => (typeof v === 'bigint' ? String(v) : v)),
          `${label}: another relation's rows`,
        ).not.toContain(setup.otherMark);
      }
      count('read no more than legitimate');
    },
  };
}
