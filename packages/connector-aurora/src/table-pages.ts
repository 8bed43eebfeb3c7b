/**
 * ListTables paging shared by the MySQL and PostgreSQL catalogs: both page in the database with
 * `ORDER BY name LIMIT size + 1 OFFSET offset` (Java's paging), the token being the next offset.
 */
import {
  ConnectorError,
  listedName,
  type CasingMode,
  type ListTablesInput,
  type TablePage,
} from '@athena-federation/connector-core';

/** The rows one ListTables page asks the database for: `limit` (one past the page, to tell whether more follow) from `offset`; no limit when unpaged. */
export interface TablePageWindow {
  readonly offset: number;
  readonly limit: number | undefined;
}

/**
 * The window a ListTables request asks for.
 *
 * @throws {ConnectorError} `InvalidInput` for a token this connector did not issue.
 */
export function tablePageWindow(input: ListTablesInput): TablePageWindow {
  const offset = input.nextToken === null ? 0 : Number(input.nextToken);
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new ConnectorError(
      'InvalidInput',
      `ListTables nextToken ${JSON.stringify(input.nextToken)} is not a token this connector issued`,
    );
  return { offset, limit: input.pageSize >= 0 ? Math.max(input.pageSize, 1) + 1 : undefined };
}

/** The page of `names` (the source's, as the window read them), listed in the casing mode, with the next token. */
export function tablePage(
  input: ListTablesInput,
  window: TablePageWindow,
  names: readonly string[],
  casing: CasingMode,
): TablePage {
  const size = window.limit === undefined ? names.length : window.limit - 1;
  return {
    tables: names.slice(0, size).map((name) => ({ schemaName: input.schemaName, tableName: listedName(name, casing) })),
    nextToken: window.limit !== undefined && names.length > size ? String(window.offset + size) : null,
  };
}
