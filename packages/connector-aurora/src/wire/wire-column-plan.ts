/**
 * How each result column is decoded: from its mapped kind (what Athena gets) and the wire type the
 * server announced for it (what arrives), one operation of the decoder's loop and its parameters.
 * A wire type the mapping cannot store exactly is refused before any row is read.
 */
import { DataType, DateUnit, Precision } from 'apache-arrow';
import { ConnectorError } from '@athena-federation/connector-core';
import { type MappedColumn, fractionDigitsOf } from '../aurora-types.js';
import { dateTimeTextBytes } from './wire-temporal.js';

/** What a column definition packet says about a result column (mysql2's ColumnDefinition fields). */
export interface WireField {
  readonly name: string;
  /** MySQL `MYSQL_TYPE_*` code. */
  readonly columnType: number;
  readonly flags: number;
  readonly characterSet: number;
}

/** MySQL's `MYSQL_TYPE_*` codes the decoder reads. */
export const WireType = {
  decimal: 0,
  tiny: 1,
  short: 2,
  long: 3,
  float: 4,
  double: 5,
  timestamp: 7,
  longlong: 8,
  int24: 9,
  date: 10,
  time: 11,
  datetime: 12,
  year: 13,
  varchar: 15,
  bit: 16,
  newDecimal: 246,
  varString: 253,
  string: 254,
} as const;

/** The decoder's operations, one per column (a small integer, so its loop is one `switch`). */
export const WireOp = {
  /** The wire bytes are the Arrow slot (same width, same signedness, little-endian). */
  copy1: 0,
  copy2: 1,
  copy4: 2,
  copy8: 3,
  /** A narrower wire integer, sign- or zero-extended into the slot. */
  extend: 4,
  /** An integer's truth (TINYINT(1)) into a Bool. */
  intBool: 5,
  /** A BIT(1)'s truth into a Bool. */
  bitBool: 6,
  /** BIT(n) bytes into an Int64 or decimal(20,0) slot. */
  bits: 7,
  /** DECIMAL digit text into a decimal128 slot. */
  decimal: 8,
  /** DATE into days. */
  days: 9,
  /** DATETIME/TIMESTAMP into epoch milliseconds. */
  millis: 10,
  /** DATETIME(4..6) into its text. */
  dateTimeText: 11,
  /** A length-encoded string copied as it is. */
  bytes: 12,
} as const;
export type WireOp = (typeof WireOp)[keyof typeof WireOp];

/** One column's operation and what it needs. */
export interface ColumnPlan {
  readonly op: WireOp;
  /** Bytes per row of a fixed-width column's values; 0 for Bool and variable-width columns. */
  readonly slotBytes: number;
  /** Bytes of the wire integer (`extend`, `intBool`). */
  readonly wireBytes: number;
  /** `extend`: sign-extend (else zero-extend). */
  readonly signed: boolean;
  /** `decimal`: the column's scale and precision; `dateTimeText`: fraction digits in `scale`. */
  readonly scale: number;
  readonly precision: number;
  /** `bytes`: the copied bytes must be UTF-8 (a Utf8 column). */
  readonly checkUtf8: boolean;
}

const UNSIGNED_FLAG = 32;

/** Bytes and value bits of each wire integer type (INT24 travels in 4 bytes). */
const INTEGERS: Readonly<Record<number, { readonly bytes: number; readonly bits: number }>> = {
  [WireType.tiny]: { bytes: 1, bits: 8 },
  [WireType.short]: { bytes: 2, bits: 16 },
  [WireType.year]: { bytes: 2, bits: 16 },
  [WireType.int24]: { bytes: 4, bits: 24 },
  [WireType.long]: { bytes: 4, bits: 32 },
  [WireType.longlong]: { bytes: 8, bits: 64 },
};

const COPY: Readonly<Record<number, WireOp>> = { 1: WireOp.copy1, 2: WireOp.copy2, 4: WireOp.copy4, 8: WireOp.copy8 };

function unexpected(column: MappedColumn, field: WireField): ConnectorError {
  return new ConnectorError(
    'Unsupported',
    `Column ${JSON.stringify(column.name)} (${column.mysql.columnType}) arrived as MySQL wire type ${field.columnType}, which the wire decoder does not read as ${column.field.type}`,
  );
}

const plan = (op: WireOp, rest: Partial<ColumnPlan> = {}): ColumnPlan => ({
  op,
  slotBytes: 0,
  wireBytes: 0,
  signed: false,
  scale: 0,
  precision: 0,
  checkUtf8: false,
  ...rest,
});

/** An integer wire value into an Int slot of `slotBytes`, when every value of the wire type fits. */
function integerPlan(column: MappedColumn, field: WireField, slotBytes: number): ColumnPlan {
  const wire = INTEGERS[field.columnType];
  const unsigned = (field.flags & UNSIGNED_FLAG) !== 0 || field.columnType === WireType.year;
  // An unsigned value needs a bit more than its width in a signed slot.
  if (wire === undefined || slotBytes * 8 < wire.bits + (unsigned ? 1 : 0) || wire.bytes > slotBytes)
    throw unexpected(column, field);
  if (wire.bytes === slotBytes) return plan(COPY[slotBytes] as WireOp, { slotBytes });
  return plan(WireOp.extend, { slotBytes, wireBytes: wire.bytes, signed: !unsigned });
}

const isTemporal = (columnType: number) =>
  columnType === WireType.date ||
  columnType === WireType.datetime ||
  columnType === WireType.timestamp ||
  columnType === WireType.time;

const isByteString = (columnType: number) =>
  columnType === WireType.varString || columnType === WireType.string || columnType === WireType.varchar;

/**
 * The plan that reads `field`'s wire values into `column`'s Arrow type.
 *
 * @throws {ConnectorError} `Unsupported` when the wire type cannot be read exactly as the column's type.
 */
export function planColumn(column: MappedColumn, field: WireField): ColumnPlan {
  const type = column.field.type;
  switch (column.kind) {
    case 'integer':
    case 'year':
      if (!DataType.isInt(type)) throw unexpected(column, field);
      return integerPlan(column, field, type.bitWidth / 8);
    case 'unsigned-bigint':
      if (field.columnType !== WireType.longlong) throw unexpected(column, field);
      return plan(WireOp.extend, { slotBytes: 16, wireBytes: 8, signed: false });
    case 'decimal':
      if (
        (field.columnType !== WireType.newDecimal && field.columnType !== WireType.decimal) ||
        !DataType.isDecimal(type)
      )
        throw unexpected(column, field);
      return plan(WireOp.decimal, { slotBytes: 16, scale: type.scale, precision: type.precision });
    case 'float':
      if (field.columnType !== WireType.float) throw unexpected(column, field);
      return plan(WireOp.copy4, { slotBytes: 4 });
    case 'double':
      if (field.columnType !== WireType.double) throw unexpected(column, field);
      return plan(WireOp.copy8, { slotBytes: 8 });
    case 'int-bool': {
      const wire = INTEGERS[field.columnType];
      if (wire === undefined) throw unexpected(column, field);
      return plan(WireOp.intBool, { wireBytes: wire.bytes });
    }
    case 'bit-bool':
      if (field.columnType !== WireType.bit) throw unexpected(column, field);
      return plan(WireOp.bitBool);
    case 'bits':
      if (field.columnType !== WireType.bit) throw unexpected(column, field);
      return plan(WireOp.bits, { slotBytes: DataType.isDecimal(type) ? 16 : 8 });
    case 'date':
      if (field.columnType !== WireType.date) throw unexpected(column, field);
      return plan(WireOp.days, { slotBytes: 4 });
    case 'datetime':
      if (field.columnType !== WireType.datetime && field.columnType !== WireType.timestamp)
        throw unexpected(column, field);
      return plan(WireOp.millis, { slotBytes: 8 });
    case 'datetime-text': {
      if (field.columnType !== WireType.datetime && field.columnType !== WireType.timestamp)
        throw unexpected(column, field);
      const digits = fractionDigitsOf(column.mysql.columnType.toLowerCase());
      return plan(WireOp.dateTimeText, { scale: digits, precision: dateTimeTextBytes(digits) });
    }
    case 'time':
      // The dialect selects TIME as the server's text (`CAST(… AS CHAR)`), copied as it is.
      if (!isByteString(field.columnType)) throw unexpected(column, field);
      return plan(WireOp.bytes, { checkUtf8: true });
    case 'string':
    case 'text-fallback':
    case 'binary':
    case 'geometry':
      // Every other wire type of these columns is a length-encoded byte string.
      if (INTEGERS[field.columnType] !== undefined || isTemporal(field.columnType)) throw unexpected(column, field);
      if (field.columnType === WireType.float || field.columnType === WireType.double) throw unexpected(column, field);
      return plan(WireOp.bytes, { checkUtf8: DataType.isUtf8(type) });
  }
}

type FixedArray = Int8Array | Int16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array;

/** `bytes` (a finished fixed-width column of `rows` rows) as the array Arrow keeps for `type`. */
export function fixedArrayOf(type: DataType, bytes: Uint8Array, rows: number): FixedArray {
  const buffer = bytes.buffer;
  if (DataType.isInt(type)) {
    if (type.bitWidth === 8) return new Int8Array(buffer, 0, rows);
    if (type.bitWidth === 16) return new Int16Array(buffer, 0, rows);
    if (type.bitWidth === 32) return new Int32Array(buffer, 0, rows);
    return new BigInt64Array(buffer, 0, rows);
  }
  if (DataType.isFloat(type))
    return type.precision === Precision.SINGLE ? new Float32Array(buffer, 0, rows) : new Float64Array(buffer, 0, rows);
  if (DataType.isDecimal(type)) return new Uint32Array(buffer, 0, rows * 4);
  if (DataType.isDate(type))
    return type.unit === DateUnit.DAY ? new Int32Array(buffer, 0, rows) : new BigInt64Array(buffer, 0, rows);
  throw new ConnectorError('Internal', `The wire decoder has no fixed-width layout for ${String(type)}`);
}
