/**
 * The read path of a PostgreSQL catalog: a split of a relation (re-checked against what GetSplits
 * issues) or of a passthrough query becomes one SELECT built by core's SQL kit with the PostgreSQL
 * dialect, read through a server-side cursor in chunks, each value converted from PostgreSQL's text
 * to what core writes into Arrow. Core batches the chunks, applies the limit and re-checks the summary.
 */
import {
  ConnectorError,
  type ConnectorContext,
  type ReadSplitInput,
  type RowChunk,
} from '@athena-federation/connector-core';
import { buildSelect, columnLookup } from '@athena-federation/connector-core/sql';
import type { Schema } from 'apache-arrow';
import type pg from 'pg';
import { isPassthrough } from '../aurora-passthrough.js';
import { summaryByColumn } from '../catalog-names.js';
import { resolvePostgresTable } from './postgres-catalog.js';
import { type PostgresState, type PostgresStatement, postgresPoolFor, streamPostgresRows } from './postgres-client.js';
import { postgresDialect } from './postgres-dialect.js';
import { describePostgresPassthrough, postgresReadStatement, requestedPostgresQuery } from './postgres-passthrough.js';
import { checkPostgresSplit } from './postgres-splits.js';
import { type PostgresColumn, postgresValueConverter } from './postgres-types.js';

/**
 * The columns for the requested fields, in the request's order (exact name first, else the one
 * case-insensitive match, as Athena lower-cases names).
 *
 * @throws {ConnectorError} `InvalidInput` naming `what` and the field it lacks.
 */
function projectColumns(columns: readonly PostgresColumn[], schema: Schema, what: string): PostgresColumn[] {
  const lookup = columnLookup(columns);
  return schema.fields.map((field) => {
    const column = lookup(field.name);
    if (column === undefined)
      throw new ConnectorError('InvalidInput', `${what} has no column ${JSON.stringify(field.name)}`);
    return column;
  });
}

/** Streams a statement as chunks of rows in `columns` order, each value converted for its Arrow type. */
async function* readRows(
  ctx: ConnectorContext,
  pool: pg.Pool,
  statement: PostgresStatement,
  columns: readonly PostgresColumn[],
  label: string,
  isolated: boolean,
): AsyncGenerator<RowChunk> {
  const converters = columns.map(postgresValueConverter);
  const count = converters.length;
  for await (const rows of streamPostgresRows(pool, statement, ctx.signal, `reading ${label}`, { isolated })) {
    if (count === 0) {
      yield rows.map(() => []);
      continue;
    }
    // pg's row arrays are fresh per row: converted in place rather than copied.
    for (const row of rows) for (let c = 0; c < count; c++) row[c] = (converters[c] as (v: unknown) => unknown)(row[c]);
    yield rows;
  }
}

/**
 * The connector's `readSplit` for a PostgreSQL catalog. Every split property and passthrough
 * argument is the caller's to forge, so what GetTable and GetSplits decided is checked again here.
 */
export async function* readPostgresSplit(
  state: PostgresState,
  ctx: ConnectorContext,
  input: ReadSplitInput,
): AsyncGenerator<RowChunk> {
  const pool = await postgresPoolFor(state, ctx.catalogName);
  const passthroughArgs = input.constraints.queryPassthroughArguments;
  if (isPassthrough(passthroughArgs)) {
    const query = requestedPostgresQuery(passthroughArgs, input.split);
    const columns = projectColumns(await describePostgresPassthrough(state, pool, query), input.schema, 'system.query');
    yield* readRows(ctx, pool, postgresReadStatement(query, columns), columns, 'system.query', true);
    return;
  }
  const label = `${input.tableName.schemaName}.${input.tableName.tableName}`;
  const table = await resolvePostgresTable(state, ctx, pool, input.tableName);
  const columns = projectColumns(table.columns, input.schema, `Table ${label}`);
  const summary = summaryByColumn(table.columns, input.constraints.summary);
  const split = await checkPostgresSplit(pool, table, input.split);
  const statement = buildSelect(postgresDialect, {
    schemaName: split.schemaName,
    tableName: split.tableName,
    columns,
    tableColumns: table.columns,
    constraints: { ...input.constraints, summary },
    splitPredicates: split.predicates,
  });
  if (statement.exactPushdown) input.confirmExactPushdown();
  yield* readRows(ctx, pool, statement, columns, label, false);
}
