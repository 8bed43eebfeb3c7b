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
import { checkError, checkRows } from './fuzz-check.js';

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
