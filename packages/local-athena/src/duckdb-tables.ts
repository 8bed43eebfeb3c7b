/**
 * Loads the rows a federated table scan returned into DuckDB, so the user's SQL runs there
 * unchanged: `catalog.schema.table` exists as an attached in-memory catalog with the same column
 * types. Values go through DuckDB's Appender (extensions cannot be downloaded here).
 */
import { type DuckDBConnection, type DuckDBValue, dateValue, decimalValue, listValue, mapValue, structValue, timestampTZValue, timestampValue } from '@duckdb/node-api';
import { DataType, type Field, type RecordBatch, type Schema, TimeUnit } from 'apache-arrow';
import { readRows, toUnscaledDecimal } from '@athena-federation/connector-core';

/** A DuckDB identifier, quoted. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The DuckDB column type of an Arrow field. */
export function duckdbType(type: DataType): string {
  if (DataType.isBool(type)) return 'BOOLEAN';
  if (DataType.isInt(type)) return ({ 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' } as const)[type.bitWidth];
  if (DataType.isFloat(type)) return type.precision === 2 ? 'DOUBLE' : 'FLOAT';
  if (DataType.isDecimal(type)) return `DECIMAL(${type.precision},${type.scale})`;
  if (DataType.isUtf8(type)) return 'VARCHAR';
  if (DataType.isBinary(type)) return 'BLOB';
  if (DataType.isDate(type)) return type.unit === 0 ? 'DATE' : 'TIMESTAMP';
  if (DataType.isTimestamp(type)) return 'TIMESTAMPTZ';
  if (DataType.isList(type)) return `${duckdbType(type.children[0]?.type ?? type)}[]`;
  if (DataType.isStruct(type)) return `STRUCT(${type.children.map((f: Field) => `${quoteIdentifier(f.name)} ${duckdbType(f.type)}`).join(', ')})`;
  if (DataType.isMap(type)) {
    const [key, value] = type.children[0]?.type.children ?? [];
    if (key === undefined || value === undefined) throw new Error('Map type without key/value');
    return `MAP(${duckdbType(key.type)}, ${duckdbType(value.type)})`;
  }
  throw new Error(`Arrow type ${String(type)} has no DuckDB column type here`);
}

/** Converts one value from core's block reader into the DuckDB value of `type`. */
export function duckdbValue(type: DataType, value: unknown): DuckDBValue {
  if (value === null || value === undefined) return null;
  if (DataType.isDecimal(type)) return decimalValue(toUnscaledDecimal(value as string, type.scale), type.precision, type.scale);
  if (DataType.isDate(type)) return type.unit === 0 ? dateValue(value as number) : timestampValue(BigInt(value as number) * 1000n);
  if (DataType.isTimestamp(type)) {
    const micros = type.unit === TimeUnit.MICROSECOND ? (value as bigint) : BigInt((value as { epochMillis: number }).epochMillis) * 1000n;
    return timestampTZValue(micros);
  }
  if (DataType.isList(type)) {
    const item = type.children[0]?.type ?? type;
    return listValue((value as unknown[]).map((v) => duckdbValue(item, v)));
  }
  if (DataType.isStruct(type)) {
    const record = value as Record<string, unknown>;
    return structValue(Object.fromEntries(type.children.map((f: Field) => [f.name, duckdbValue(f.type, record[f.name])])));
  }
  if (DataType.isMap(type)) {
    const [key, val] = type.children[0]?.type.children ?? [];
    return mapValue([...(value as Map<unknown, unknown>)].map(([k, v]) => ({ key: duckdbValue(key?.type ?? type, k), value: duckdbValue(val?.type ?? type, v) })));
  }
  return value as DuckDBValue;
}

/** Creates `catalog.schema.table` (attaching the catalog and creating the schema when needed). */
export async function createTable(connection: DuckDBConnection, catalog: string, schemaName: string, tableName: string, schema: Schema): Promise<void> {
  const attached = await connection.runAndReadAll(`SELECT 1 FROM duckdb_databases() WHERE database_name = '${catalog.replaceAll("'", "''")}'`);
  if (attached.getRows().length === 0) await connection.run(`ATTACH ':memory:' AS ${quoteIdentifier(catalog)}`);
  await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(catalog)}.${quoteIdentifier(schemaName)}`);
  const columns = schema.fields.map((f) => `${quoteIdentifier(f.name)} ${duckdbType(f.type)}`).join(', ');
  await connection.run(`CREATE OR REPLACE TABLE ${quoteIdentifier(catalog)}.${quoteIdentifier(schemaName)}.${quoteIdentifier(tableName)} (${columns})`);
}

/** Appends every row of `batches` to the table; returns the row count. */
export async function appendBatches(connection: DuckDBConnection, catalog: string, schemaName: string, tableName: string, schema: Schema, batches: Iterable<RecordBatch>): Promise<number> {
  const appender = await connection.createAppender(tableName, schemaName, catalog);
  const types = schema.fields.map((f) => f.type);
  // DuckDB's own column types, so empty lists and maps know their item types.
  const columnTypes = schema.fields.map((_, i) => appender.columnType(i));
  let rows = 0;
  try {
    for (const batch of batches) {
      for (const row of readRows(batch)) {
        row.forEach((value, i) => appender.appendValue(duckdbValue(types[i] as DataType, value), columnTypes[i]));
        appender.endRow();
        rows++;
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return rows;
}
