/**
 * MySQL binary-protocol result-set rows (COM_STMT_EXECUTE) decoded straight into the Arrow columns
 * of the mapped schema, and cut into RecordBatches near a byte size. Each column gets a sink chosen
 * from its mapped kind and the wire type the server announced for it; the values Athena gets are
 * those of the mysql2 → `valueConverter` → RecordBatchWriter path (see wire-differential.test.ts).
 */
import { DataType, RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
import { ConnectorError } from '@athena-federation/connector-core';
import type { MappedColumn, ZeroDateWarning } from '../aurora-types.js';
import {
  BoolSink,
  BytesSink,
  type ColumnSink,
  FixedSink,
  type FixedReader,
  WireValueError,
  lengthPrefixBytes,
  lengthValue,
} from './wire-column-sinks.js';
import { dateReader, dateTimeText, timeText, writeInt64 } from './wire-temporal.js';

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

/** True for the wire types of text and byte strings (what `CAST(… AS CHAR)` and `AS BINARY` send). */
function isByteString(columnType: number): boolean {
  return columnType === WireType.varString || columnType === WireType.string || columnType === WireType.varchar;
}

const UNSIGNED_FLAG = 32;

/** Writes a safe integer into a 16-byte little-endian two's-complement decimal slot. */
function writeSmallDecimal(view: DataView, slot: number, value: number): void {
  writeInt64(view, slot, value);
  const fill = value < 0 ? -1 : 0;
  view.setInt32(slot + 8, fill, true);
  view.setInt32(slot + 12, fill, true);
}

function writeBigDecimal(view: DataView, slot: number, value: bigint): void {
  const bits = BigInt.asUintN(128, value);
  view.setBigUint64(slot, BigInt.asUintN(64, bits), true);
  view.setBigUint64(slot + 8, bits >> 64n, true);
}

/** Reads a wire integer of `columnType` as a number (at most 4 bytes wide). */
function smallIntReader(
  columnType: number,
  unsigned: boolean,
): { readonly read: (buffer: Buffer, at: number) => number; readonly bytes: number } | undefined {
  switch (columnType) {
    case WireType.tiny:
      return { read: unsigned ? (b, at) => b.readUInt8(at) : (b, at) => b.readInt8(at), bytes: 1 };
    case WireType.short:
    case WireType.year:
      return { read: unsigned ? (b, at) => b.readUInt16LE(at) : (b, at) => b.readInt16LE(at), bytes: 2 };
    case WireType.long:
    case WireType.int24:
      return { read: unsigned ? (b, at) => b.readUInt32LE(at) : (b, at) => b.readInt32LE(at), bytes: 4 };
    default:
      return undefined;
  }
}

/** The big-endian bytes of a BIT(n) value as an unsigned integer (n ≤ 64). */
function bitValue(buffer: Buffer, at: number, size: number): bigint {
  let value = 0n;
  for (let i = 0; i < size; i++) value = (value << 8n) | BigInt(buffer[at + i] as number);
  return value;
}

/**
 * A DECIMAL's digit text (`-123.4500`) as the unscaled value at `scale`, written into a decimal128
 * slot. Up to 15 digits are accumulated in a double (exact); longer ones go through a BigInt.
 */
function decimalReader(scale: number, precision: number): FixedReader {
  return (buffer, at, view, slot) => {
    const size = lengthValue(buffer, at);
    const next = at + lengthPrefixBytes(buffer, at);
    const end = next + size;
    let i = next;
    const negative = buffer[i] === 45;
    if (negative || buffer[i] === 43) i++;
    let unscaled = 0;
    let digitCount = 0;
    let fraction = -1;
    let big: bigint | undefined;
    for (; i < end; i++) {
      const c = buffer[i] as number;
      if (c === 46 && fraction < 0) {
        fraction = 0;
        continue;
      }
      const d = c - 48;
      if (d < 0 || d > 9)
        throw new WireValueError(`${JSON.stringify(buffer.toString('latin1', next, end))} is not a decimal`);
      if (fraction >= 0) {
        if (fraction === scale) {
          if (d !== 0)
            throw new WireValueError(`${buffer.toString('latin1', next, end)} has more than ${scale} fraction digits`);
          continue;
        }
        fraction++;
      }
      if (digitCount > 0 || d !== 0) digitCount++;
      if (big === undefined && digitCount > 15) big = BigInt(unscaled);
      if (big === undefined) unscaled = unscaled * 10 + d;
      else big = big * 10n + BigInt(d);
    }
    const missing = scale - Math.max(fraction, 0);
    digitCount += digitCount > 0 ? missing : 0;
    if (digitCount > precision)
      throw new WireValueError(`${buffer.toString('latin1', next, end)} has more than ${precision} digits`);
    if (big === undefined && digitCount <= 15) {
      const value = unscaled * 10 ** missing;
      writeSmallDecimal(view, slot, negative ? -value : value);
    } else {
      const value = (big ?? BigInt(unscaled)) * 10n ** BigInt(missing);
      writeBigDecimal(view, slot, negative ? -value : value);
    }
    return end;
  };
}

function unexpected(column: MappedColumn, field: WireField): ConnectorError {
  return new ConnectorError(
    'Unsupported',
    `Column ${JSON.stringify(column.name)} (${column.mysql.columnType}) arrived as MySQL wire type ${field.columnType}, which the wire decoder does not read as ${column.field.type}`,
  );
}

function int64Array(buffer: ArrayBuffer, bytes: number): BigInt64Array {
  return new BigInt64Array(buffer, 0, bytes / 8);
}

function wordArray(buffer: ArrayBuffer, bytes: number): Uint32Array {
  return new Uint32Array(buffer, 0, bytes / 4);
}

/** The sink that reads `field`'s wire values into `column`'s Arrow type. */
function sinkFor(column: MappedColumn, field: WireField, warn: ZeroDateWarning): ColumnSink {
  const type = column.field.type;
  const unsigned = (field.flags & UNSIGNED_FLAG) !== 0;
  const small = smallIntReader(field.columnType, unsigned);
  switch (column.kind) {
    case 'integer':
    case 'year': {
      if (DataType.isInt(type) && type.bitWidth === 64) {
        if (field.columnType === WireType.longlong && !unsigned) {
          // Two 32-bit words: the same bytes without a BigInt per value.
          return new FixedSink(
            type,
            8,
            (b, at, view, slot) => {
              view.setInt32(slot, b.readInt32LE(at), true);
              view.setInt32(slot + 4, b.readInt32LE(at + 4), true);
              return at + 8;
            },
            int64Array,
          );
        }
        if (small === undefined) throw unexpected(column, field);
        return new FixedSink(
          type,
          8,
          (b, at, view, slot) => {
            writeInt64(view, slot, small.read(b, at));
            return at + small.bytes;
          },
          int64Array,
        );
      }
      if (small === undefined || !DataType.isInt(type)) throw unexpected(column, field);
      const width = type.bitWidth / 8;
      const [set, make] =
        width === 1
          ? [
              (view: DataView, slot: number, v: number) => view.setInt8(slot, v),
              (buffer: ArrayBuffer, bytes: number) => new Int8Array(buffer, 0, bytes),
            ]
          : width === 2
            ? [
                (view: DataView, slot: number, v: number) => view.setInt16(slot, v, true),
                (buffer: ArrayBuffer, bytes: number) => new Int16Array(buffer, 0, bytes / 2),
              ]
            : [
                (view: DataView, slot: number, v: number) => view.setInt32(slot, v, true),
                (buffer: ArrayBuffer, bytes: number) => new Int32Array(buffer, 0, bytes / 4),
              ];
      return new FixedSink(
        type,
        width,
        (b, at, view, slot) => {
          set(view, slot, small.read(b, at));
          return at + small.bytes;
        },
        make,
      );
    }
    case 'unsigned-bigint':
      if (field.columnType !== WireType.longlong) throw unexpected(column, field);
      return new FixedSink(
        type,
        16,
        (b, at, view, slot) => {
          view.setInt32(slot, b.readInt32LE(at), true);
          view.setInt32(slot + 4, b.readInt32LE(at + 4), true);
          view.setInt32(slot + 8, 0, true);
          view.setInt32(slot + 12, 0, true);
          return at + 8;
        },
        wordArray,
      );
    case 'decimal': {
      if (
        (field.columnType !== WireType.newDecimal && field.columnType !== WireType.decimal) ||
        !DataType.isDecimal(type)
      )
        throw unexpected(column, field);
      return new FixedSink(type, 16, decimalReader(type.scale, type.precision), wordArray);
    }
    case 'float':
      if (field.columnType !== WireType.float) throw unexpected(column, field);
      return new FixedSink(
        type,
        4,
        (b, at, view, slot) => {
          view.setFloat32(slot, b.readFloatLE(at), true);
          return at + 4;
        },
        (buffer, bytes) => new Float32Array(buffer, 0, bytes / 4),
      );
    case 'double':
      if (field.columnType !== WireType.double) throw unexpected(column, field);
      return new FixedSink(
        type,
        8,
        (b, at, view, slot) => {
          view.setFloat64(slot, b.readDoubleLE(at), true);
          return at + 8;
        },
        (buffer, bytes) => new Float64Array(buffer, 0, bytes / 8),
      );
    case 'int-bool':
      if (small === undefined) throw unexpected(column, field);
      return new BoolSink(type, (b, at) => (small.read(b, at) !== 0 ? -(at + small.bytes) - 1 : at + small.bytes));
    case 'bit-bool':
      if (field.columnType !== WireType.bit) throw unexpected(column, field);
      return new BoolSink(type, (b, at) => {
        const size = lengthValue(b, at);
        const next = at + lengthPrefixBytes(b, at);
        let truth = false;
        for (let i = next; i < next + size; i++) truth ||= b[i] !== 0;
        return truth ? -(next + size) - 1 : next + size;
      });
    case 'bits': {
      if (field.columnType !== WireType.bit) throw unexpected(column, field);
      const wide = DataType.isDecimal(type);
      return new FixedSink(
        type,
        wide ? 16 : 8,
        (b, at, view, slot) => {
          const size = lengthValue(b, at);
          const next = at + lengthPrefixBytes(b, at);
          if (size > 8) throw new WireValueError(`BIT value of ${size} bytes`);
          const value = bitValue(b, next, size);
          if (wide) writeBigDecimal(view, slot, value);
          else view.setBigInt64(slot, value, true);
          return next + size;
        },
        wide ? wordArray : int64Array,
      );
    }
    case 'date':
    case 'datetime': {
      const asText = isByteString(field.columnType);
      if (
        !asText &&
        field.columnType !== WireType.date &&
        field.columnType !== WireType.datetime &&
        field.columnType !== WireType.timestamp
      )
        throw unexpected(column, field);
      const perDay = column.kind === 'date';
      return new FixedSink(
        type,
        perDay ? 4 : 8,
        dateReader(column, warn, perDay, asText),
        perDay ? (buffer, bytes) => new Int32Array(buffer, 0, bytes / 4) : int64Array,
      );
    }
    case 'datetime-text':
      if (field.columnType !== WireType.datetime && field.columnType !== WireType.timestamp)
        throw unexpected(column, field);
      return new BytesSink(type, false, dateTimeText(column, warn));
    case 'time':
      // The server's text (`CAST(… AS CHAR)`, as the dialect selects it) is copied as it is.
      if (isByteString(field.columnType)) return new BytesSink(type, true);
      if (field.columnType !== WireType.time) throw unexpected(column, field);
      return new BytesSink(type, false, timeText(column));
    case 'string':
    case 'text-fallback':
    case 'binary':
    case 'geometry':
      // Every other wire type of these columns is a length-encoded byte string.
      if (
        small !== undefined ||
        field.columnType === WireType.longlong ||
        field.columnType === WireType.float ||
        field.columnType === WireType.double
      )
        throw unexpected(column, field);
      if (
        field.columnType === WireType.date ||
        field.columnType === WireType.datetime ||
        field.columnType === WireType.timestamp ||
        field.columnType === WireType.time
      )
        throw unexpected(column, field);
      return new BytesSink(type, DataType.isUtf8(type));
  }
}

/** Options of {@link WireBatchDecoder}. */
export interface WireBatchDecoderOptions {
  /** Told about each zero date read as NULL. */
  readonly warn: ZeroDateWarning;
}

/**
 * Turns binary-protocol row packets into RecordBatches of `columns`' schema. Called once per row
 * packet by the wire command; the caller cuts a batch (with {@link finish}) when {@link byteSize}
 * passes its target.
 */
export class WireBatchDecoder {
  readonly schema: Schema;
  readonly #sinks: readonly ColumnSink[];
  readonly #columns: readonly MappedColumn[];
  readonly #countOnly: boolean;
  #numRows = 0;
  #rowsBefore = 0;

  /** @throws {ConnectorError} `Unsupported` when the server's column types do not match the mapping. */
  constructor(columns: readonly MappedColumn[], fields: readonly WireField[], options: WireBatchDecoderOptions) {
    // No columns asked for: the kit selects `NULL` per row (sql-select.ts), and only the rows count.
    this.#countOnly = columns.length === 0 && fields.length === 1;
    if (fields.length !== columns.length && !this.#countOnly)
      throw new ConnectorError(
        'Internal',
        `The statement returned ${fields.length} columns where ${columns.length} were expected`,
      );
    this.schema = new Schema(columns.map((column) => column.field));
    this.#columns = columns;
    this.#sinks = columns.map((column, index) => sinkFor(column, fields[index] as WireField, options.warn));
  }

  /** Rows decoded since the last {@link finish}. */
  get numRows(): number {
    return this.#numRows;
  }

  /** Bytes of the Arrow buffers built since the last {@link finish}, as core's spill sizing counts them. */
  get byteSize(): number {
    let total = 0;
    for (const sink of this.#sinks) total += sink.byteSize();
    return total;
  }

  /**
   * Decodes the row packet whose payload is `buffer[start, end)`: a 0x00 header, the NULL bitmap
   * (offset 2), then each non-NULL value.
   *
   * @throws {ConnectorError} naming the column and row for a value Athena cannot get exactly.
   */
  appendRow(buffer: Buffer, start: number, end: number): void {
    if (this.#countOnly) {
      this.#numRows++;
      return;
    }
    const sinks = this.#sinks;
    const count = sinks.length;
    if (buffer[start] !== 0)
      throw new ConnectorError(
        'Internal',
        `MySQL sent a row packet starting 0x${(buffer[start] ?? 0).toString(16)} where binary rows start 0x00`,
      );
    const nulls = start + 1;
    let at = nulls + ((count + 9) >> 3);
    let column = 0;
    try {
      for (; column < count; column++) {
        const bit = column + 2;
        const sink = sinks[column] as ColumnSink;
        if (((buffer[nulls + (bit >> 3)] as number) & (1 << (bit & 7))) !== 0) sink.appendNull();
        else at = sink.read(buffer, at);
      }
    } catch (error) {
      // The earlier columns keep this row's values: a failed row ends the read, so no batch has them.
      throw this.#valueError(column, error);
    }
    if (at !== end)
      throw new ConnectorError(
        'Internal',
        `Row ${this.#rowsBefore + this.#numRows} decoded to byte ${at - start} of a ${end - start}-byte packet: the column types do not match the row`,
      );
    this.#numRows++;
  }

  /** The rows decoded so far as a RecordBatch; the decoder starts the next batch empty. */
  finish(): RecordBatch {
    const length = this.#numRows;
    const children = this.#sinks.map((sink) => sink.finish());
    this.#rowsBefore += length;
    this.#numRows = 0;
    return new RecordBatch(
      this.schema,
      makeData({ type: new Struct(this.schema.fields), length, nullCount: 0, children }),
    );
  }

  #valueError(column: number, error: unknown): ConnectorError {
    const mapped = this.#columns[column] as MappedColumn;
    const reason = error instanceof Error ? error.message : String(error);
    return new ConnectorError(
      'Internal',
      `Column ${JSON.stringify(mapped.name)} (${mapped.mysql.columnType}), row ${this.#rowsBefore + this.#numRows}: ${reason}`,
      { cause: error },
    );
  }
}
