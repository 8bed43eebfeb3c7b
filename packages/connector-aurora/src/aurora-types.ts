/**
 * The MySQL → Arrow type mapping, exact by design: every MySQL value is either stored without loss
 * or refused at GetTable. Unlike the Java connector (which overflows TINYINT UNSIGNED > 127, …),
 * unsigned integers widen to the next signed type and BIGINT UNSIGNED becomes decimal(20,0).
 * Each column also gets the converter from mysql2's value to what core's RecordBatchWriter takes.
 */
import { Binary, Bool, DateDay, DateMillisecond, Decimal, Field, Float32, Float64, Int16, Int32, Int64, Int8, Utf8, type DataType } from 'apache-arrow';
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
  | 'time'
  | 'year'
  | 'string'
  | 'binary'
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

const GEOMETRY = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection', 'geomcollection']);
const STRINGS = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set', 'json']);
const BINARIES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);

function bitWidthOf(columnType: string): number {
  const match = /^bit\((\d+)\)/.exec(columnType);
  return match === null ? 1 : Number(match[1]);
}

function kindAndType(column: MysqlColumn, options: TypeMappingOptions, table: string): { kind: ColumnKind; type: DataType } {
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
      return unsigned ? { kind: 'unsigned-bigint', type: new Decimal(0, 20, 128) } : { kind: 'integer', type: new Int64() };
    case 'decimal':
    case 'numeric': {
      const precision = column.numericPrecision ?? 10;
      const scale = column.numericScale ?? 0;
      if (precision <= 38) return { kind: 'decimal', type: new Decimal(scale, precision, 128) };
      if (options.decimalOverflow === 'varchar') return { kind: 'text-fallback', type: new Utf8() };
      throw new ConnectorError('Unsupported', `Column ${JSON.stringify(column.name)} of ${table} is ${column.columnType}; Athena decimals hold at most 38 digits (set decimal_precision_overflow=varchar to read it as text)`);
    }
    case 'float':
      return { kind: 'float', type: new Float32() };
    case 'double':
    case 'real':
      return { kind: 'double', type: new Float64() };
    case 'bit':
      return bitWidthOf(columnType) === 1 ? { kind: 'bit-bool', type: new Bool() } : { kind: 'bits', type: new Int64() };
    case 'date':
      return { kind: 'date', type: new DateDay() };
    case 'datetime':
    case 'timestamp':
      return { kind: 'datetime', type: new DateMillisecond() };
    case 'time':
      return { kind: 'time', type: new Utf8() };
    case 'year':
      return { kind: 'year', type: new Int32() };
    default:
      if (STRINGS.has(type)) return { kind: 'string', type: new Utf8() };
      if (BINARIES.has(type) || GEOMETRY.has(type)) return { kind: 'binary', type: new Binary() };
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

/**
 * The function turning a mysql2 value of `column` into what RecordBatchWriter stores exactly.
 * `warn` is told about zero dates (`0000-00-00`, `2024-00-10`), which become NULL, as Connector/J's
 * `zeroDateTimeBehavior=CONVERT_TO_NULL` does.
 */
export function valueConverter(column: MappedColumn, warn: ZeroDateWarning): (value: unknown) => unknown {
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
        // BIT(64) values above 2^63-1 wrap as Java's getLong does; the bit pattern is kept.
        return BigInt.asIntN(64, n);
      };
    case 'date':
      return (v) => {
        if (typeof v !== 'string') return v;
        if (ZERO_DATE.test(v)) {
          warn(column.name, v);
          return null;
        }
        return v;
      };
    case 'datetime':
      return (v) => {
        if (typeof v !== 'string') return v;
        if (ZERO_DATE.test(v)) {
          warn(column.name, v);
          return null;
        }
        const match = DATE_TIME.exec(v);
        if (match === null) return v;
        // Athena's timestamp is milliseconds; Java's getTimestamp().getTime() truncates microseconds the same way.
        const [, date = '', time = '00:00:00', fraction = ''] = match;
        return `${date}T${time}.${fraction.padEnd(3, '0').slice(0, 3)}`;
      };
    case 'string':
    case 'text-fallback':
    case 'time':
      return (v) => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8') : v);
    default:
      return (v) => v;
  }
}
