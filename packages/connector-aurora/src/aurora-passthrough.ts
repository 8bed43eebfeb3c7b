/**
 * Query passthrough, `system.query(query => '…')`: the user's native MySQL query, limited to one
 * query expression that only reads (aurora-read-only.ts), checked at GetTable and again at
 * ReadRecords, where the statement is always the request's own (the split carries none). It is
 * only ever used as a derived table, `SELECT … FROM (\n<query>\n) AS q`, so anything but a
 * SELECT/WITH/VALUES is a syntax error, and prepared statements cannot carry a second statement.
 * It runs in a READ ONLY transaction on a connection closed afterwards; the schema comes from the
 * result metadata.
 */
import { Schema } from 'apache-arrow';
import type { FieldPacket, Pool } from 'mysql2';
import {
  ConnectorError,
  type ConnectorContext,
  type QueryPassthroughSignature,
  type SplitPage,
  type StringMap,
  type TableDefinition,
} from '@athena-federation/connector-core';
import { type AuroraState, type Statement, describeReadOnly, poolFor } from './aurora-client.js';
import { checkReadOnlyQuery } from './aurora-read-only.js';
import { selectExpression } from './aurora-sql.js';
import { type MappedColumn, type MysqlColumn, type TypeMappingOptions, mapColumn } from './aurora-types.js';

/** The signature Athena calls: `system.query(query => '…')`. */
export const PASSTHROUGH_SIGNATURE: QueryPassthroughSignature = {
  schema: 'system',
  name: 'query',
  arguments: ['query'],
};

/** The alias of the derived table. */
const ALIAS = '`athena_passthrough`';

/** The properties of the one split of a passthrough query. */
export const PASSTHROUGH_SPLIT: StringMap = { kind: 'passthrough' };

/**
 * The user's query from passthrough arguments as core hands them over (it checked the function and
 * keyed the arguments by lower-case name), with trailing semicolons and whitespace removed, checked
 * to be one read-only query.
 *
 * @throws {ConnectorError} `InvalidInput` when it is missing or empty, or not one read-only query.
 */
export function passthroughQuery(args: StringMap): string {
  const query = (args['query'] ?? '').replace(/[\s;]+$/u, '');
  if (query.trim() === '')
    throw new ConnectorError('InvalidInput', "system.query needs a non-empty query => 'SELECT …' argument");
  checkReadOnlyQuery(query);
  return query;
}

/**
 * The query of a ReadRecords request's passthrough arguments, re-checked as GetTable checked it:
 * the split must be the passthrough split and the query one read-only query. Core has already
 * checked that the arguments call this connector's function (on every call that carries them).
 *
 * @throws {ConnectorError} `InvalidInput` for anything GetTable and GetSplits would not have issued.
 */
export function requestedQuery(args: StringMap, split: StringMap): string {
  const keys = Object.keys(split);
  if (keys.length !== 1 || split['kind'] !== PASSTHROUGH_SPLIT['kind'])
    throw new ConnectorError('InvalidInput', 'The split was not issued by this connector for a system.query query');
  return passthroughQuery(args);
}

/** True when the constraints carry passthrough arguments. */
export function isPassthrough(args: StringMap): boolean {
  return Object.keys(args).length > 0;
}

/** The statement that describes the query's columns without reading rows. */
export function describeStatement(query: string): Statement {
  return { sql: `SELECT * FROM (\n${query}\n) AS ${ALIAS} LIMIT 0`, params: [] };
}

/** The statement that reads `columns` of the query. */
export function readStatement(query: string, columns: readonly MappedColumn[]): Statement {
  // The derived table is the only source, so unqualified (quoted) column names are unambiguous.
  const select = columns.length === 0 ? 'NULL' : columns.map(selectExpression).join(', ');
  return { sql: `SELECT ${select} FROM (\n${query}\n) AS ${ALIAS}`, params: [] };
}

/** MySQL protocol column types (`MYSQL_TYPE_*`) → information_schema DATA_TYPE names. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'decimal',
  1: 'tinyint',
  2: 'smallint',
  3: 'int',
  4: 'float',
  5: 'double',
  7: 'timestamp',
  8: 'bigint',
  9: 'mediumint',
  10: 'date',
  11: 'time',
  12: 'datetime',
  13: 'year',
  14: 'date',
  15: 'varchar',
  16: 'bit',
  245: 'json',
  246: 'decimal',
  247: 'enum',
  248: 'set',
  249: 'blob',
  250: 'blob',
  251: 'blob',
  252: 'blob',
  253: 'varchar',
  254: 'char',
  255: 'geometry',
};
const UNSIGNED_FLAG = 32;
const BINARY_CHARSET = 63;

/** A result column as information_schema would describe it, from its protocol metadata. */
export function columnFromField(field: FieldPacket): MysqlColumn {
  const code = field.columnType ?? 253;
  const flags = typeof field.flags === 'number' ? field.flags : 0;
  const unsigned = (flags & UNSIGNED_FLAG) !== 0;
  const length = field.columnLength ?? 0;
  let dataType = TYPE_NAMES[code] ?? 'varchar';
  // Strings and blobs in the binary character set are bytes.
  if ((dataType === 'varchar' || dataType === 'char' || dataType === 'blob') && field.characterSet === BINARY_CHARSET)
    dataType = 'varbinary';
  if (dataType === 'blob') dataType = 'text';
  let columnType = dataType;
  let precision: number | null = null;
  let scale: number | null = null;
  if (dataType === 'decimal') {
    scale = field.decimals;
    precision = length - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1);
    columnType = `decimal(${precision},${scale})`;
  } else if (dataType === 'bit') {
    columnType = `bit(${length})`;
  } else if ((dataType === 'datetime' || dataType === 'timestamp') && field.decimals > 0) {
    // Above 6 is the server's "not fixed" marker (computed values): read with every digit it may have.
    columnType = `${dataType}(${Math.min(field.decimals, 6)})`;
  } else if (dataType === 'tinyint' && length === 1) {
    columnType = 'tinyint(1)';
  }
  if (unsigned) columnType += ' unsigned';
  return { name: field.name, dataType, columnType, numericPrecision: precision, numericScale: scale, nullable: true };
}

/**
 * Maps the described columns. Duplicate names cannot be told apart by Athena (nor selected from a
 * derived table), so they are refused with the advice to alias them.
 */
export function passthroughColumns(fields: readonly FieldPacket[], options: TypeMappingOptions): MappedColumn[] {
  const seen = new Set<string>();
  return fields.map((field) => {
    if (seen.has(field.name.toLowerCase()))
      throw new ConnectorError(
        'InvalidInput',
        `system.query returns two columns named ${JSON.stringify(field.name)}; give them distinct aliases`,
      );
    seen.add(field.name.toLowerCase());
    return mapColumn(columnFromField(field), options, 'system.query');
  });
}

/** The query's columns, from the metadata of a LIMIT 0 read (so no row is read). */
export async function describePassthrough(state: AuroraState, pool: Pool, query: string): Promise<MappedColumn[]> {
  const fields = await describeReadOnly(pool, describeStatement(query), 'describing the system.query query');
  return passthroughColumns(fields, { decimalOverflow: state.config.decimalOverflow });
}

/** The connector's `getQueryPassthroughSchema`: the checked query's result columns. */
export async function passthroughSchema(
  state: AuroraState,
  ctx: ConnectorContext,
  args: StringMap,
): Promise<TableDefinition> {
  const pool = await poolFor(state, ctx.catalogName);
  const columns = await describePassthrough(state, pool, passthroughQuery(args));
  return { schema: new Schema(columns.map((c) => c.field)), partitionColumns: [] };
}

/** GetSplits for a passthrough query: one split, as in Java. */
export function passthroughSplits(): SplitPage {
  return { splits: [PASSTHROUGH_SPLIT], continuationToken: null };
}
