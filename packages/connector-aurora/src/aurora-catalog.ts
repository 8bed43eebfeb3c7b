/**
 * The Aurora catalog: schemas and tables from information_schema, names resolved with core's
 * `resolveSourceName` (MySQL names are case-sensitive on Linux, Athena's arrive lower-cased), and
 * each table's columns mapped to Arrow (aurora-types.ts). The read and split paths resolve the
 * request's table here too, so every request sees the same names.
 */
import { Schema } from 'apache-arrow';
import {
  ConnectorError,
  listedName,
  resolveSourceName,
  type ConnectorContext,
  type ListTablesInput,
  type TableDefinition,
  type TablePage,
  type TableName,
} from '@athena-federation/connector-core';
import { columnLookup } from '@athena-federation/connector-core/sql';
import { casingOf } from './catalog-names.js';
import type { Pool } from 'mysql2';
import { type AuroraState, poolFor, queryRows } from './aurora-client.js';
import { type MappedColumn, type MysqlColumn, mapColumn } from './aurora-types.js';
import { tablePage, tablePageWindow } from './table-pages.js';

/** Schemas MySQL uses for itself, never listed (Java drops information_schema; the rest are internal too). */
const SYSTEM_SCHEMAS = ['information_schema', 'mysql', 'performance_schema', 'sys'];

interface ColumnRow {
  readonly name: string;
  readonly dataType: string;
  readonly columnType: string;
  readonly numericPrecision: string | number | null;
  readonly numericScale: string | number | null;
  readonly isNullable: string;
  readonly characterSet: string | null;
  readonly maxChars: string | number | null;
  readonly maxBytes: string | number | null;
}

/** A table resolved to MySQL's real names, with its mapped columns. */
export interface ResolvedTable {
  readonly schemaName: string;
  readonly tableName: string;
  readonly columns: readonly MappedColumn[];
}

/** MySQL's name of the schema Athena asked for. */
export function resolveSchema(ctx: ConnectorContext, pool: Pool, schemaName: string): Promise<string> {
  return resolveSourceName({
    name: schemaName,
    casingMode: casingOf(ctx),
    what: `Schema ${JSON.stringify(schemaName)}`,
    candidates: async (name) =>
      (
        await queryRows<{ name: string }>(
          pool,
          {
            sql: 'SELECT SCHEMA_NAME AS name FROM information_schema.schemata WHERE LOWER(SCHEMA_NAME) = LOWER(?)',
            params: [name],
          },
          `resolving schema ${JSON.stringify(name)}`,
        )
      ).map((r) => r.name),
  });
}

/**
 * MySQL's names of the table Athena asked for, and its columns mapped to Arrow.
 *
 * @throws {ConnectorError} `NotFound` when the schema or table does not exist; `InvalidInput` for a column type that cannot be read.
 */
export async function resolveTable(
  state: AuroraState,
  ctx: ConnectorContext,
  pool: Pool,
  table: TableName,
): Promise<ResolvedTable> {
  const schemaName = await resolveSchema(ctx, pool, table.schemaName);
  const what = `Table ${JSON.stringify(`${table.schemaName}.${table.tableName}`)}`;
  const tableName = await resolveSourceName({
    name: table.tableName,
    casingMode: casingOf(ctx),
    what,
    candidates: async (name) =>
      (
        await queryRows<{ name: string }>(
          pool,
          {
            sql: 'SELECT TABLE_NAME AS name FROM information_schema.tables WHERE TABLE_SCHEMA = ? AND LOWER(TABLE_NAME) = LOWER(?)',
            params: [schemaName, name],
          },
          `resolving table ${what}`,
        )
      ).map((r) => r.name),
  });
  const rows = await queryRows<ColumnRow>(
    pool,
    {
      sql: 'SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, NUMERIC_PRECISION AS numericPrecision, NUMERIC_SCALE AS numericScale, IS_NULLABLE AS isNullable, CHARACTER_SET_NAME AS characterSet, CHARACTER_MAXIMUM_LENGTH AS maxChars, CHARACTER_OCTET_LENGTH AS maxBytes FROM information_schema.columns WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      params: [schemaName, tableName],
    },
    `reading the columns of ${what}`,
  );
  if (rows.length === 0) throw new ConnectorError('NotFound', `${what} does not exist`);
  const label = `${schemaName}.${tableName}`;
  const columns = rows.map((row) => mapColumn(columnOf(row), { decimalOverflow: state.config.decimalOverflow }, label));
  return { schemaName, tableName, columns };
}

function columnOf(row: ColumnRow): MysqlColumn {
  return {
    name: row.name,
    dataType: row.dataType,
    columnType: row.columnType,
    numericPrecision: row.numericPrecision === null ? null : Number(row.numericPrecision),
    numericScale: row.numericScale === null ? null : Number(row.numericScale),
    nullable: row.isNullable === 'YES',
    text: {
      characterSet: row.characterSet,
      maxChars: row.maxChars === null ? null : Number(row.maxChars),
      maxBytes: row.maxBytes === null ? null : Number(row.maxBytes),
    },
  };
}

/**
 * The table's columns for the requested fields, in the request's order.
 *
 * @throws {ConnectorError} `InvalidInput` naming `what` and the field the table lacks.
 */
export function projectColumns(columns: readonly MappedColumn[], schema: Schema, what: string): MappedColumn[] {
  // Athena may lower-case column names: the exact name wins, else the one case-insensitive match.
  const find = columnLookup(columns);
  return schema.fields.map((field) => {
    const column = find(field.name);
    if (column === undefined)
      throw new ConnectorError('InvalidInput', `${what} has no column ${JSON.stringify(field.name)}`);
    return column;
  });
}

/** Every schema but MySQL's own, named as the casing mode lists them. */
export async function listSchemas(state: AuroraState, ctx: ConnectorContext): Promise<string[]> {
  const pool = await poolFor(state, ctx.catalogName);
  const rows = await queryRows<{ name: string }>(
    pool,
    {
      sql: `SELECT SCHEMA_NAME AS name FROM information_schema.schemata WHERE LOWER(SCHEMA_NAME) NOT IN (${SYSTEM_SCHEMAS.map(() => '?').join(', ')}) ORDER BY SCHEMA_NAME`,
      params: SYSTEM_SCHEMAS,
    },
    'listing schemas',
  );
  return [...new Set(rows.map((r) => listedName(r.name, casingOf(ctx))))];
}

/**
 * One page of a schema's tables. The token is the offset of the next page.
 *
 * @throws {ConnectorError} `InvalidInput` for a token this connector did not issue.
 */
export async function listTables(
  state: AuroraState,
  ctx: ConnectorContext,
  input: ListTablesInput,
): Promise<TablePage> {
  const pool = await poolFor(state, ctx.catalogName);
  const schemaName = await resolveSchema(ctx, pool, input.schemaName);
  const window = tablePageWindow(input);
  // Real paging in MySQL (Java: ORDER BY table_name LIMIT offset, size); one extra row tells whether more follow.
  const rows = await queryRows<{ name: string }>(
    pool,
    {
      sql: `SELECT TABLE_NAME AS name FROM information_schema.tables WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME${window.limit === undefined ? '' : ' LIMIT ? OFFSET ?'}`,
      params: window.limit === undefined ? [schemaName] : [schemaName, String(window.limit), String(window.offset)],
    },
    `listing the tables of schema ${JSON.stringify(input.schemaName)}`,
  );
  return tablePage(
    input,
    window,
    rows.map((r) => r.name),
    casingOf(ctx),
  );
}

/** The table's Arrow schema; MySQL partitions are read by split, never exposed as partition columns. */
export async function getTable(state: AuroraState, ctx: ConnectorContext, table: TableName): Promise<TableDefinition> {
  const pool = await poolFor(state, ctx.catalogName);
  const resolved = await resolveTable(state, ctx, pool, table);
  return { schema: new Schema(resolved.columns.map((c) => c.field)), partitionColumns: [] };
}
