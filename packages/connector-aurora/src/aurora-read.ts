/**
 * The read path: a split of a table (re-checked against what GetSplits issues) or of a passthrough
 * query becomes one SELECT, streamed as chunks of rows with mysql2's values converted to what core
 * writes into Arrow. Core batches the chunks, applies the limit and re-checks the summary.
 */
import type { ConnectorContext, ReadSplitInput, RowChunk } from '@athena-federation/connector-core';
import type { Pool } from 'mysql2';
import { type AuroraState, type Statement, poolFor, streamRowChunks } from './aurora-client.js';
import { projectColumns, resolveTable, summaryByColumn } from './aurora-catalog.js';
import { describePassthrough, isPassthrough, readStatement, requestedQuery } from './aurora-passthrough.js';
import { checkSplit } from './aurora-splits.js';
import { buildSelect } from './aurora-sql.js';
import { type MappedColumn, valueConverter } from './aurora-types.js';

/**
 * Streams a statement as chunks of rows in `columns` order, one chunk per batch of rows mysql2
 * hands over. With no columns (COUNT(*)), empty rows. `isolated` runs it on a connection of its
 * own in a READ ONLY transaction (passthrough queries).
 */
export async function* readRows(
  ctx: ConnectorContext,
  pool: Pool,
  statement: Statement,
  columns: readonly MappedColumn[],
  table: string,
  isolated: boolean,
): AsyncGenerator<RowChunk> {
  const zeroDates = new Map<string, number>();
  const warn = (name: string) => zeroDates.set(name, (zeroDates.get(name) ?? 0) + 1);
  // Only the columns whose mysql2 values need converting; the rest go in as read.
  const indexes: number[] = [];
  const converters: ((value: unknown) => unknown)[] = [];
  columns.forEach((column, index) => {
    const converter = valueConverter(column, warn);
    if (converter !== undefined) {
      indexes.push(index);
      converters.push(converter);
    }
  });
  const count = indexes.length;
  try {
    for await (const rows of streamRowChunks(pool, statement, ctx.signal, `reading ${table}`, { isolated })) {
      if (columns.length === 0) {
        yield rows.map(() => []);
        continue;
      }
      for (const raw of rows) {
        // The row array is mysql2's own, fresh per row: converted in place rather than copied.
        for (let k = 0; k < count; k++) {
          const index = indexes[k] as number;
          raw[index] = (converters[k] as (value: unknown) => unknown)(raw[index]);
        }
      }
      yield rows;
    }
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
): AsyncGenerator<RowChunk> {
  const passthroughArgs = input.constraints.queryPassthroughArguments;
  if (isPassthrough(passthroughArgs)) {
    const query = requestedQuery(passthroughArgs, input.split);
    const pool = await poolFor(state, ctx.catalogName);
    const described = await describePassthrough(state, pool, query);
    const columns = projectColumns(described, input.schema, 'system.query');
    yield* readRows(ctx, pool, readStatement(query, columns), columns, 'system.query', true);
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
  yield* readRows(ctx, pool, statement, columns, `${input.tableName.schemaName}.${input.tableName.tableName}`, false);
}
