/**
 * The MySQL → Arrow type mapping, exact by design: every MySQL value is either stored without loss
 * or refused at GetTable. Unlike the Java connector (which overflows TINYINT UNSIGNED > 127, …),
 * unsigned integers widen to the next signed type and BIGINT UNSIGNED becomes decimal(20,0).
 * How each kind's values are read from the binary protocol is in wire/wire-row-decoder.ts.
 */
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  Utf8,
} from 'apache-arrow';
import { ConnectorError } from '@athena-federation/connector-core';

/** A row of `information_schema.columns`, as the metadata query selects it. */
export interface MysqlColumn {
  readonly name: string;
  /** `DATA_TYPE`, e.g. `int`. */
  readonly dataType: string;
  /** `COLUMN_TYPE`, e.g. `int(10) unsigned`, `tinyint(1)`, `bit(8)`. */
  readonly columnType: string;
  readonly numericPrecision: number | null;
  readonly numericScale: number | null;
  readonly nullable: boolean;
  /**
   * Character columns: `CHARACTER_SET_NAME` and the longest value in characters and in bytes
   * (`CHARACTER_MAXIMUM_LENGTH`, `CHARACTER_OCTET_LENGTH`). Absent where unknown (query passthrough).
   */
  readonly text?: {
    readonly characterSet: string | null;
    readonly maxChars: number | null;
    readonly maxBytes: number | null;
  };
}

/**
 * How a column is read and pushed down. `exact-int` and friends say which literals can be bound
 * exactly in a WHERE clause (see aurora-sql.ts).
 */
export type ColumnKind =
  | 'integer'
  | 'unsigned-bigint'
  | 'decimal'
  | 'float'
  | 'double'
  | 'bit-bool'
  | 'int-bool'
  | 'bits'
  | 'date'
  | 'datetime'
  | 'datetime-text'
  | 'time'
  | 'year'
  | 'string'
  | 'binary'
  | 'geometry'
  | 'text-fallback';

/** A column mapped for Athena. */
export interface MappedColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly field: Field;
  readonly mysql: MysqlColumn;
}

/** Options for the mapping. */
export interface TypeMappingOptions {
  /** DECIMAL with precision above 38: refuse (`error`) or read as text (`varchar`). */
  readonly decimalOverflow: 'error' | 'varchar';
}

const GEOMETRY = new Set([
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
  'geomcollection',
]);
const STRINGS = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set', 'json']);
const BINARIES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);

function bitWidthOf(columnType: string): number {
  const match = /^bit\((\d+)\)/.exec(columnType);
  return match === null ? 1 : Number(match[1]);
}

/** The fractional-second digits of `datetime(p)` / `timestamp(p)` (0 when absent). */
export function fractionDigitsOf(columnType: string): number {
  const match = /^(?:datetime|timestamp)\((\d+)\)/.exec(columnType);
  return match === null ? 0 : Number(match[1]);
}

function kindAndType(
  column: MysqlColumn,
  options: TypeMappingOptions,
  table: string,
): { kind: ColumnKind; type: DataType } {
  const type = column.dataType.toLowerCase();
  const columnType = column.columnType.toLowerCase();
  const unsigned = columnType.includes('unsigned');
  switch (type) {
    case 'tinyint':
      // Connector/J's tinyInt1isBit: TINYINT(1) is BOOLEAN; Java reads it with getBoolean.
      if (/^tinyint\(1\)/.test(columnType) && !unsigned) return { kind: 'int-bool', type: new Bool() };
      return { kind: 'integer', type: unsigned ? new Int16() : new Int8() };
    case 'smallint':
      return { kind: 'integer', type: unsigned ? new Int32() : new Int16() };
    case 'mediumint':
      return { kind: 'integer', type: new Int32() };
    case 'int':
    case 'integer':
      return { kind: 'integer', type: unsigned ? new Int64() : new Int32() };
    case 'bigint':
      return unsigned
        ? { kind: 'unsigned-bigint', type: new Decimal(0, 20, 128) }
        : { kind: 'integer', type: new Int64() };
    case 'decimal':
    case 'numeric': {
      const precision = column.numericPrecision ?? 10;
      const scale = column.numericScale ?? 0;
      if (precision <= 38) return { kind: 'decimal', type: new Decimal(scale, precision, 128) };
      if (options.decimalOverflow === 'varchar') return { kind: 'text-fallback', type: new Utf8() };
      throw new ConnectorError(
        'Unsupported',
        `Column ${JSON.stringify(column.name)} of ${table} is ${column.columnType}; Athena decimals hold at most 38 digits (set decimal_precision_overflow=varchar to read it as text)`,
      );
    }
    case 'float':
      return { kind: 'float', type: new Float32() };
    case 'double':
    case 'real':
      return { kind: 'double', type: new Float64() };
    case 'bit': {
      const width = bitWidthOf(columnType);
      if (width === 1) return { kind: 'bit-bool', type: new Bool() };
      // BIT(64) holds up to 2^64-1, which no signed bigint can: decimal(20,0), as for BIGINT UNSIGNED.
      return { kind: 'bits', type: width < 64 ? new Int64() : new Decimal(0, 20, 128) };
    }
    case 'date':
      return { kind: 'date', type: new DateDay() };
    case 'datetime':
    case 'timestamp':
      // Athena's timestamp is milliseconds: finer fractions would be truncated, so they are text.
      return fractionDigitsOf(columnType) <= 3
        ? { kind: 'datetime', type: new DateMillisecond() }
        : { kind: 'datetime-text', type: new Utf8() };
    case 'time':
      return { kind: 'time', type: new Utf8() };
    case 'year':
      return { kind: 'year', type: new Int32() };
    default:
      if (STRINGS.has(type)) return { kind: 'string', type: new Utf8() };
      if (BINARIES.has(type)) return { kind: 'binary', type: new Binary() };
      // Java's getBytes returns the stored form: the SRID (4 bytes, little-endian), then the WKB.
      if (GEOMETRY.has(type)) return { kind: 'geometry', type: new Binary() };
      // Java maps unknown types to VARCHAR too; the server's text form is exact for them (inet6, uuid, …).
      return { kind: 'text-fallback', type: new Utf8() };
  }
}

/**
 * Maps one column. Every field is nullable: Athena's engine and the Java connector treat them so,
 * and a NOT NULL date column can still yield NULL for a zero date.
 *
 * @throws {ConnectorError} `Unsupported` for DECIMAL(p > 38) unless `decimalOverflow` is `varchar`.
 */
export function mapColumn(column: MysqlColumn, options: TypeMappingOptions, table: string): MappedColumn {
  const { kind, type } = kindAndType(column, options, table);
  return { name: column.name, kind, field: new Field(column.name, type, true), mysql: column };
}

/** Called once per column and read when a zero date or invalid date becomes NULL. */
export type ZeroDateWarning = (column: string, value: string) => void;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD` of a day count since 1970-01-01, or undefined outside MySQL's years 1–9999. */
export function formatDay(days: number): string | undefined {
  const date = new Date(days * 86_400_000);
  const year = date.getUTCFullYear();
  if (!Number.isFinite(date.getTime()) || year < 1 || year > 9999) return undefined;
  return `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

/** `YYYY-MM-DD HH:MM:SS.fff` (UTC) of epoch milliseconds, or undefined outside years 1–9999. */
export function formatMillis(millis: number): string | undefined {
  const date = new Date(millis);
  const day = formatDay(Math.floor(millis / 86_400_000));
  if (day === undefined || !Number.isFinite(date.getTime())) return undefined;
  return `${day} ${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.${pad(date.getUTCMilliseconds(), 3)}`;
}
