/**
 * The engine interface aurora-connector.ts routes each Athena catalog to: MySQL's functions or
 * PostgreSQL's (src/postgres/), chosen by the catalog's connection string. Each member is the
 * Connector member of the same name for that engine's catalogs; core has done what the Connector
 * contract says before calling it.
 */
import type { Connector, ConnectorContext, StringMap, TableDefinition } from '@athena-federation/connector-core';

/** What serves the catalogs of one engine. */
export interface CatalogEngine
  extends Pick<Connector, 'listSchemas' | 'listTables' | 'getTable' | 'getSplits' | 'readSplit'> {
  /** GetTable for `system.query(…)`: the query's result schema. */
  getQueryPassthroughSchema(ctx: ConnectorContext, args: StringMap): Promise<TableDefinition>;
  /** Ends the engine's pools (tests, graceful shutdown). */
  close(): Promise<void>;
}
