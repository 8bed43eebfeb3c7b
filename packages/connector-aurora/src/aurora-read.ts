/**
 * The read path: a split of a table (re-checked against what GetSplits issues) or of a passthrough
 * query becomes one SELECT, whose binary-protocol rows are decoded straight into Arrow
 * RecordBatches (wire/), cut at core's block size. Core applies the limit, re-checks the summary
 * and spills each batch as a block.
 */
import type { ConnectorContext, ReadSplitInput } from '@athena-federation/connector-core';
import type { RecordBatch } from 'apache-arrow';
import type { Pool } from 'mysql2';
import { type AuroraState, type Statement, poolFor, readConnection } from './aurora-client.js';
import { projectColumns, resolveTable } from './aurora-catalog.js';
import { summaryByColumn } from './catalog-names.js';
import { describePassthrough, isPassthrough, readStatement, requestedQuery } from './aurora-passthrough.js';
import { checkSplit } from './aurora-splits.js';
import { buildSelect } from './aurora-sql.js';
import type { MappedColumn } from './aurora-types.js';
import { streamWireBatches } from './wire/wire-execute.js';

/** How one statement is read: where its rows go, and on what kind of connection. */
interface ReadTarget {
  readonly columns: readonly MappedColumn[];
  /** Goes into error messages and the zero-date warning's context. */
  readonly table: string;
  /** Core's block size, asked again per batch (it grows after many spilled blocks): each batch ends with the row that passes it. */
  readonly maxBlockSize: () => number;
  /** Runs on a connection of its own in a READ ONLY transaction, closed afterwards (passthrough queries). */
  readonly isolated: boolean;
}

/**
 * Streams a statement as RecordBatches of `target.columns`, decoded from the wire. With no
 * columns (COUNT(*)), batches of rows without columns. Zero dates are read as NULL and logged
 * once per column with their count.
 */
export async function* readRows(
  ctx: ConnectorContext,
  pool: Pool,
  statement: Statement,
  target: ReadTarget,
): AsyncGenerator<RecordBatch> {
  const action = `reading ${target.table}`;
  const zeroDates = new Map<string, number>();
  const connection = await readConnection(pool, action, target.isolated);
  try {
    yield* streamWireBatches(connection, statement, target.columns, {
      signal: ctx.signal,
      targetBatchBytes: target.maxBlockSize,
      warn: (name) => zeroDates.set(name, (zeroDates.get(name) ?? 0) + 1),
      action,
      isolated: target.isolated,
    });
  } finally {
    // Counts and column names only: the values themselves are row data.
    for (const [column, zeroCount] of zeroDates)
      ctx.logger.warn('Zero dates read as NULL', { column, count: zeroCount });
  }
}

/**
 * The connector's `readSplit`. Every split property and passthrough argument is the caller's to
 * forge, so everything GetTable and GetSplits decided is checked again here (aurora-passthrough.ts,
 * `checkSplit`).
 */
export async function* readSplit(
  state: AuroraState,
  ctx: ConnectorContext,
  input: ReadSplitInput,
): AsyncGenerator<RecordBatch> {
  const passthroughArgs = input.constraints.queryPassthroughArguments;
  if (isPassthrough(passthroughArgs)) {
    const query = requestedQuery(passthroughArgs, input.split);
    const pool = await poolFor(state, ctx.catalogName);
    const described = await describePassthrough(state, pool, query);
    const columns = projectColumns(described, input.schema, 'system.query');
    yield* readRows(ctx, pool, readStatement(query, columns), {
      columns,
      table: 'system.query',
      maxBlockSize: () => input.maxBlockSize,
      isolated: true,
    });
    return;
  }
  const pool = await poolFor(state, ctx.catalogName);
  const resolved = await resolveTable(state, ctx, pool, input.tableName);
  const columns = projectColumns(
    resolved.columns,
    input.schema,
    `Table ${input.tableName.schemaName}.${input.tableName.tableName}`,
  );
  const summary = summaryByColumn(resolved.columns, input.constraints.summary);
  const split = await checkSplit(pool, resolved.schemaName, resolved.tableName, resolved.columns, input.split);
  const statement = buildSelect({
    ...(split.partition === undefined ? {} : { partition: split.partition }),
    schemaName: resolved.schemaName,
    tableName: resolved.tableName,
    columns,
    tableColumns: resolved.columns,
    constraints: { ...input.constraints, summary },
    splitPredicates: split.predicates,
  });
  if (statement.exactPushdown) input.confirmExactPushdown();
  yield* readRows(ctx, pool, statement, {
    columns,
    table: `${input.tableName.schemaName}.${input.tableName.tableName}`,
    maxBlockSize: () => input.maxBlockSize,
    isolated: false,
  });
}
