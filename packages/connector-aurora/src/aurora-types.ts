/**
 * The MySQL → Arrow type mapping, exact by design: every MySQL value is either stored without loss
 * or refused at GetTable. Unlike the Java connector (which overflows TINYINT UNSIGNED > 127, …),
 * unsigned integers widen to the next signed type and BIGINT UNSIGNED becomes decimal(20,0).
 * Each column also gets the converter from mysql2's value to what core's RecordBatchWriter takes.
 */
import {
  Binary,
  Bool,
  DataType,
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
import { ConnectorError, MILLIS_PER_DAY, daysFromCivil, isCalendarDate } from '@athena-federation/connector-core';

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

const ZERO_DATE = /^\d{4}-(00-\d\d|\d\d-00)/;
const DATE_TIME = /^(\d{4}-\d\d-\d\d)(?: (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?)?$/;

/** The value of `count` ASCII digits of `text` at `at`, or -1 if any is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * Epoch milliseconds of mysql2's `YYYY-MM-DD[ HH:MM:SS[.f…]]` text (UTC, fraction cut to `maxFraction`
 * ≤ 3 digits), read by position: this runs for every value of a read. Undefined for anything else —
 * zero and invalid dates (`2024-02-30`) included — which the caller handles on a slower path.
 */
export function epochMillisOf(text: string, maxFraction: number): number | undefined {
  const length = text.length;
  if (length !== 10 && length < 19) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 1 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || !isCalendarDate(year, month, day))
    return undefined;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let millis = 0;
  if (length > 10) {
    hour = digits(text, 11, 2);
    minute = digits(text, 14, 2);
    second = digits(text, 17, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
    if (length > 19) {
      const fraction = length - 20;
      if (text.charCodeAt(19) !== 46 || fraction < 1 || fraction > 6) return undefined;
      const kept = Math.min(fraction, maxFraction);
      const value = digits(text, 20, fraction);
      if (value < 0) return undefined;
      // Only zeros can follow the kept digits for columns of at most `maxFraction` digits (mysql2 pads).
      millis = kept === 0 ? 0 : Math.trunc(value / 10 ** (fraction - kept)) * 10 ** (3 - kept);
      if (value % 10 ** (fraction - kept) !== 0) return undefined;
    }
  }
  return daysFromCivil(year, month, day) * MILLIS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

/**
 * The function turning a mysql2 value of `column` into what RecordBatchWriter stores exactly, or
 * undefined when the value goes in as mysql2 reads it. `warn` is told about zero dates
 * (`0000-00-00`, `2024-00-10`), which become NULL, as Connector/J's `zeroDateTimeBehavior=CONVERT_TO_NULL` does.
 */
export function valueConverter(column: MappedColumn, warn: ZeroDateWarning): ((value: unknown) => unknown) | undefined {
  switch (column.kind) {
    case 'float':
      // The binary protocol already delivers the float's exact value; fround makes that explicit.
      return (v) => (typeof v === 'number' ? Math.fround(v) : v);
    case 'bit-bool':
      return (v) => (v instanceof Uint8Array ? v.some((b) => b !== 0) : v === null ? null : Boolean(v));
    case 'int-bool':
      return (v) => (v === null ? null : Number(v) !== 0);
    case 'bits':
      return (v) => {
        if (!(v instanceof Uint8Array)) return v;
        let n = 0n;
        for (const byte of v) n = (n << 8n) | BigInt(byte);
        // BIT(64) is a decimal(20,0) column (see kindAndType): its values go in as exact digit strings.
        return DataType.isDecimal(column.field.type) ? n.toString() : n;
      };
    case 'date':
    case 'datetime': {
      const perDay = column.kind === 'date';
      return (v) => {
        if (typeof v !== 'string') return v;
        const millis = epochMillisOf(v, 3);
        if (millis !== undefined) return perDay ? Math.floor(millis / MILLIS_PER_DAY) : millis;
        if (ZERO_DATE.test(v)) {
          warn(column.name, v);
          return null;
        }
        // Anything else (an invalid date MySQL was allowed to store) goes to the writer, which names it.
        return v;
      };
    }
    case 'datetime-text': {
      const digitCount = fractionDigitsOf(column.mysql.columnType.toLowerCase());
      return (v) => {
        if (typeof v !== 'string') return v;
        if (ZERO_DATE.test(v)) {
          warn(column.name, v);
          return null;
        }
        const match = DATE_TIME.exec(v);
        if (match === null) return v;
        // Every fraction digit the column holds, as MySQL prints it.
        const [, date = '', time = '00:00:00', fraction = ''] = match;
        return `${date} ${time}.${fraction.padEnd(digitCount, '0')}`;
      };
    }
    case 'string':
    case 'text-fallback':
    case 'time':
      return (v) => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8') : v);
    default:
      return undefined;
  }
}

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
