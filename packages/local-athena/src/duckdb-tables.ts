/**
 * Loads the rows a federated table scan returned into DuckDB, so the user's SQL runs there
 * unchanged: `catalog.schema.table` exists as an attached in-memory catalog with the same column
 * types. Rows go through DuckDB's Appender as data chunks (extensions cannot be downloaded here).
 */
import {
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBValue,
  dateValue,
  decimalValue,
  listValue,
  mapValue,
  structValue,
  timestampTZValue,
  timestampValue,
} from '@duckdb/node-api';
import { type Data, DataType, type Field, type RecordBatch, type Schema, TimeUnit } from 'apache-arrow';
import { type TimestampWithZone, readValue, toUnscaledDecimal } from '@athena-federation/connector-core';
import duckdb from '@duckdb/node-bindings';
import { CHUNK_ROWS, type ColumnWriter, columnWriter } from './duckdb-vectors.js';

/** A DuckDB identifier, quoted. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The suffix of the companion column that holds each value's zone id next to a zoned column. */
export const ZONE_COLUMN_SUFFIX = '$zone';

/**
 * Whether an Arrow field's values each carry a zone: Timestamp(MILLISECOND, tz), Athena's packed
 * timestamp with time zone. Its DuckDB column holds the instant and a companion VARCHAR column
 * (`name$zone`, right after it) the zone id, so comparisons stay by instant while each value's zone
 * is kept for printing and for the functions that read local fields (see the README's Time zones).
 */
export function isZonedField(field: Field): boolean {
  return DataType.isTimestamp(field.type) && field.type.unit === TimeUnit.MILLISECOND;
}

/** The lower-case names of `schema`'s zoned columns ({@link isZonedField}). */
export function zonedColumnNames(schema: Schema): string[] {
  return schema.fields.filter(isZonedField).map((f) => f.name.toLowerCase());
}

/** The DuckDB column type of an Arrow field. */
export function duckdbType(type: DataType): string {
  if (DataType.isBool(type)) return 'BOOLEAN';
  if (DataType.isInt(type))
    return `${type.isSigned ? '' : 'U'}${({ 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' } as const)[type.bitWidth]}`;
  if (DataType.isFloat(type)) return type.precision === 2 ? 'DOUBLE' : 'FLOAT';
  if (DataType.isDecimal(type)) return `DECIMAL(${type.precision},${type.scale})`;
  if (DataType.isUtf8(type)) return 'VARCHAR';
  if (DataType.isBinary(type)) return 'BLOB';
  if (DataType.isDate(type)) return type.unit === 0 ? 'DATE' : 'TIMESTAMP';
  if (DataType.isTimestamp(type)) return 'TIMESTAMPTZ';
  if (DataType.isList(type)) return `${duckdbType(type.children[0]?.type ?? type)}[]`;
  if (DataType.isStruct(type))
    return `STRUCT(${type.children.map((f: Field) => `${quoteIdentifier(f.name)} ${duckdbType(f.type)}`).join(', ')})`;
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
  if (DataType.isDecimal(type))
    return decimalValue(toUnscaledDecimal(value as string, type.scale), type.precision, type.scale);
  if (DataType.isDate(type))
    return type.unit === 0 ? dateValue(value as number) : timestampValue(BigInt(value as number) * 1000n);
  if (DataType.isTimestamp(type)) {
    const micros =
      type.unit === TimeUnit.MICROSECOND
        ? (value as bigint)
        : BigInt((value as { epochMillis: number }).epochMillis) * 1000n;
    return timestampTZValue(micros);
  }
  if (DataType.isList(type)) {
    const item = type.children[0]?.type ?? type;
    return listValue((value as unknown[]).map((v) => duckdbValue(item, v)));
  }
  if (DataType.isStruct(type)) {
    const record = value as Record<string, unknown>;
    return structValue(
      Object.fromEntries(type.children.map((f: Field) => [f.name, duckdbValue(f.type, record[f.name])])),
    );
  }
  if (DataType.isMap(type)) {
    const [key, val] = type.children[0]?.type.children ?? [];
    return mapValue(
      [...(value as Map<unknown, unknown>)].map(([k, v]) => ({
        key: duckdbValue(key?.type ?? type, k),
        value: duckdbValue(val?.type ?? type, v),
      })),
    );
  }
  return value as DuckDBValue;
}

/** Creates `catalog.schema.table` (attaching the catalog and creating the schema when needed), in one round trip. */
export async function createTable(
  connection: DuckDBConnection,
  catalog: string,
  schemaName: string,
  tableName: string,
  schema: Schema,
): Promise<void> {
  const columns = schema.fields
    .flatMap((f) => [
      `${quoteIdentifier(f.name)} ${duckdbType(f.type)}`,
      ...(isZonedField(f) ? [`${quoteIdentifier(f.name + ZONE_COLUMN_SUFFIX)} VARCHAR`] : []),
    ])
    .join(', ');
  const database = quoteIdentifier(catalog);
  const namespace = `${database}.${quoteIdentifier(schemaName)}`;
  await connection.run(
    `ATTACH IF NOT EXISTS ':memory:' AS ${database}; CREATE SCHEMA IF NOT EXISTS ${namespace}; CREATE OR REPLACE TABLE ${namespace}.${quoteIdentifier(tableName)} (${columns})`,
  );
}

/** Loads record batches into one DuckDB table as they arrive, in one transaction. */
export interface TableLoader {
  /** Appends every row of `batches` to the Appender; returns how many. */
  append(batches: readonly RecordBatch[]): number;
  /** Inserts what was appended so far into the (still uncommitted) table; nothing once closing or failed. */
  flush(): void;
  /** Fails the load for a reason outside it (its batches could not be had): close() then rolls back and rejects with `error`. */
  fail(error: unknown): void;
  /**
   * Commits the rows, or rolls back when an append failed (and then rejects with that failure).
   * Call it also after a failure; it runs once.
   */
  close(): Promise<void>;
}

/** How one table's columns are written. */
interface ColumnPlan {
  readonly types: readonly DataType[];
  readonly writers: readonly (ColumnWriter | undefined)[];
  /** Per Arrow column, its DuckDB column (zoned columns are followed by their zone's). */
  readonly targets: readonly number[];
  readonly zoned: readonly boolean[];
}

/** Writes rows `start … start + count` of `batch` into `chunk`: memory copies where a column allows, else value by value. */
function writeChunk(
  chunk: DuckDBDataChunk,
  batch: RecordBatch,
  columns: ColumnPlan,
  start: number,
  count: number,
): void {
  columns.types.forEach((type, c) => {
    const vector = batch.getChildAt(c);
    const data = vector?.data.length === 1 ? vector.data[0] : undefined;
    const writer = columns.writers[c];
    const column = columns.targets[c] ?? c;
    if (data && writer?.(duckdb.data_chunk_get_vector(chunk.chunk, column), data as Data, start, count)) return;
    const read = Array.from({ length: count }, (_, i) => (vector === null ? null : readValue(vector, start + i)));
    setItems(
      chunk,
      column,
      read.map((value) => duckdbValue(type, value)),
    );
    if (columns.zoned[c] === true)
      setItems(
        chunk,
        column + 1,
        read.map((value) => (value === null ? null : (value as TimestampWithZone).zoneId)),
      );
  });
}

function setItems(chunk: DuckDBDataChunk, column: number, values: readonly DuckDBValue[]): void {
  const target = chunk.getColumnVector(column);
  // Values first, NULLs last: a DuckDB vector's validity mask only exists once a NULL is set,
  // and after that every value pays for BigInt bit twiddling.
  for (let i = 0; i < values.length; i++) if (values[i] !== null) target.setItem(i, values[i] ?? null);
  for (let i = 0; i < values.length; i++) if (values[i] === null) target.setItem(i, null);
  target.flush();
}

/**
 * A loader into `catalog.schema.table` (created with {@link createTable} from the same `schema`),
 * through DuckDB's Appender, one data chunk at a time. It holds a transaction on `connection`
 * until closed, so give it a connection of its own.
 */
export async function openTableLoader(
  connection: DuckDBConnection,
  catalog: string,
  schemaName: string,
  tableName: string,
  schema: Schema,
): Promise<TableLoader> {
  // Inside a transaction the Appender's flushes only add to the transaction's own storage; without
  // one each flush commits, at several milliseconds each, so rows could only wait for one flush at close.
  await connection.run('BEGIN TRANSACTION');
  const appender = await connection.createAppender(tableName, schemaName, catalog).catch(async (error: unknown) => {
    await connection.run('ROLLBACK');
    throw error;
  });
  // DuckDB's own column types, so empty lists and maps know their item types.
  const zoned = schema.fields.map(isZonedField);
  const columnTypes = Array.from({ length: schema.fields.length + zoned.filter(Boolean).length }, (_, i) =>
    appender.columnType(i),
  );
  const types = schema.fields.map((f) => f.type);
  const targets = zoned.map((_, c) => c + zoned.slice(0, c).filter(Boolean).length);
  const columns: ColumnPlan = {
    types,
    writers: types.map((type, c) => (zoned[c] === true ? undefined : columnWriter(type))),
    targets,
    zoned,
  };
  // One chunk, refilled for every append (the appender copies it): creating one costs a native type per column.
  const chunk = DuckDBDataChunk.create(columnTypes);
  let failure: { readonly error: unknown } | undefined;
  let closing: Promise<void> | undefined;
  const finish = async () => {
    try {
      appender.closeSync();
    } catch (error) {
      failure ??= { error };
    }
    await connection.run(failure === undefined ? 'COMMIT' : 'ROLLBACK');
    if (failure !== undefined) throw failure.error;
  };
  return {
    append(batches) {
      if (failure !== undefined) throw new Error('An earlier append to this table failed', { cause: failure.error });
      try {
        let count = 0;
        for (const batch of batches) {
          for (let start = 0; start < batch.numRows; start += CHUNK_ROWS) {
            const rows = Math.min(CHUNK_ROWS, batch.numRows - start);
            chunk.reset();
            chunk.rowCount = rows;
            writeChunk(chunk, batch, columns, start, rows);
            appender.appendDataChunk(chunk);
          }
          count += batch.numRows;
        }
        return count;
      } catch (error) {
        failure = { error };
        throw error;
      }
    },
    flush() {
      if (closing !== undefined || failure !== undefined) return;
      try {
        appender.flushSync();
      } catch (error) {
        failure = { error };
        throw error;
      }
    },
    fail(error) {
      failure ??= { error };
    },
    close: () => (closing ??= finish()),
  };
}
