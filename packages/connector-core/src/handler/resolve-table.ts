/**
 * Where core asks a connector for a table's real name: Athena lower-cases identifiers, sources
 * like MySQL or DynamoDB may not, so every call that names a table goes through here first.
 */
import type { Connector, ConnectorContext } from '../connector.js';
import type { TableName } from '../protocol/types.js';

/** The source's name for a table Athena named (see `Connector.resolveTableName`); as sent when the connector has no resolver. */
export function resolveTable(connector: Connector, ctx: ConnectorContext, table: TableName): Promise<TableName> {
  return connector.resolveTableName === undefined ? Promise.resolve(table) : connector.resolveTableName(ctx, table);
}
