/**
 * Binds the user's SQL before any split is read: the federated tables are created empty, with the
 * schemas GetTable returned, in the main thread's parser database, and DuckDB prepares the query
 * there. A misspelt column or a type error then fails at once, with DuckDB's message about the
 * user's SQL, instead of after every table was scanned (or inside statements of our own).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Schema } from 'apache-arrow';
import { BIND_ERROR_PREFIX, CHECK_ERROR_PREFIX } from './dialect/duckdb-macros.js';
import { createTable, quoteIdentifier } from './duckdb-tables.js';

/** Whether DuckDB's error is a type error of Athena's, raised by the dialect's macros or checks. */
const isAthenaTypeError = (message: string) =>
  message.includes(`"${BIND_ERROR_PREFIX}`) || message.includes(`"${CHECK_ERROR_PREFIX}`);

/** One federated table as the query will see it. */
export interface BoundTable {
  readonly catalog: string;
  readonly schemaName: string;
  readonly tableName: string;
  readonly schema: Schema;
}

/** A query DuckDB cannot bind against the tables' schemas; the message is DuckDB's own. */
export class QueryBindingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'QueryBindingError';
  }
}

/**
 * Prepares `sql` against empty copies of `tables`, then `checkSql` (the same query with Athena's
 * type checks, see `Translation.checkSql`), then detaches the tables, so the parser database holds
 * nothing between queries.
 *
 * @throws {QueryBindingError} when DuckDB cannot bind the query.
 */
export async function bindQuery(
  connection: DuckDBConnection,
  sql: string,
  tables: readonly BoundTable[],
  checkSql?: string,
): Promise<void> {
  const catalogs = [...new Set(tables.map((t) => t.catalog))];
  try {
    for (const table of tables)
      await createTable(connection, table.catalog, table.schemaName, table.tableName, table.schema);
    // The version with Athena's type checks binds whatever the query binds, so it alone is
    // prepared when it succeeds. Its only errors that count are the checks' own; any other means
    // the query itself does not bind (prepared then, so DuckDB's message quotes the SQL as
    // translated) or that DuckDB cannot place a check (an operand outside a grouped expression,
    // say), and then the query goes unchecked rather than failing.
    const prepare = async (text: string) => (await connection.prepare(text)).destroySync();
    const fail = (error: unknown) =>
      new QueryBindingError(error instanceof Error ? error.message : String(error), { cause: error });
    if (checkSql !== undefined && checkSql !== sql) {
      try {
        await prepare(checkSql);
        return;
      } catch (error) {
        if (error instanceof Error && isAthenaTypeError(error.message)) throw fail(error);
      }
    }
    try {
      await prepare(sql);
    } catch (error) {
      throw fail(error);
    }
  } finally {
    for (const catalog of catalogs) await connection.run(`DETACH DATABASE IF EXISTS ${quoteIdentifier(catalog)}`);
  }
}
