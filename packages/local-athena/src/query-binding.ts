/**
 * Binds the user's SQL before any split is read: the federated tables are created empty, with the
 * schemas GetTable returned, in the main thread's parser database, and DuckDB prepares the query
 * there. A misspelt column or a type error then fails at once, with DuckDB's message about the
 * user's SQL, instead of after every table was scanned (or inside statements of our own).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Schema } from 'apache-arrow';
import { createTable, quoteIdentifier } from './duckdb-tables.js';

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
 * Prepares `sql` against empty copies of `tables`, then detaches them, so the parser database holds
 * nothing between queries.
 *
 * @throws {QueryBindingError} when DuckDB cannot bind the query.
 */
export async function bindQuery(connection: DuckDBConnection, sql: string, tables: readonly BoundTable[]): Promise<void> {
  const catalogs = [...new Set(tables.map((t) => t.catalog))];
  try {
    for (const table of tables) await createTable(connection, table.catalog, table.schemaName, table.tableName, table.schema);
    try {
      const prepared = await connection.prepare(sql);
      prepared.destroySync();
    } catch (error) {
      throw new QueryBindingError(error instanceof Error ? error.message : String(error), { cause: error });
    }
  } finally {
    for (const catalog of catalogs) await connection.run(`DETACH DATABASE IF EXISTS ${quoteIdentifier(catalog)}`);
  }
}
