/**
 * MySQL binary-protocol result-set rows (COM_STMT_EXECUTE) decoded straight into the Arrow columns
 * of the mapped schema. One loop over the row's columns with a `switch` on each column's operation
 * (wire-column-plan.ts) writes bytes into per-column buffers: integers and floats are copied as the
 * little-endian bytes they already are, DECIMAL digits parsed into 128-bit words, dates computed
 * from their fields, text copied as UTF-8. No JavaScript value is made per cell, no call is made
 * through a per-column function (which V8 could not inline), and nothing is allocated per row.
 */
import { isUtf8 } from 'node:buffer';
import { type Data, RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
import { ConnectorError } from '@athena-federation/connector-core';
import type { MappedColumn, ZeroDateWarning } from '../aurora-types.js';
import { type ColumnPlan, type WireField, WireOp, fixedArrayOf, planColumn } from './wire-column-plan.js';
import { binaryDateText, writeDateTimeText, writeDays, writeMillis } from './wire-temporal.js';
import { WireValueError, lengthPrefixBytes, lengthValue, writeBits, writeDecimal } from './wire-values.js';

/** Options of {@link WireBatchDecoder}. */
export interface WireBatchDecoderOptions {
  /** Told about each zero date read as NULL. */
  readonly warn: ZeroDateWarning;
  /**
   * The size at which the caller cuts batches: the per-row buffers are made for the most rows that
   * fit in it at once, instead of doubling from a thousand rows in every read.
   */
  readonly batchBytes?: number;
}

/** Sets `bit` of byte `index` of a bitmap. */
function setBit(bitmap: Uint8Array, index: number, bit: number): void {
  bitmap[index] = (bitmap[index] as number) | bit;
}

/** Rows the buffers are made for at least (a multiple of 8); they double as a batch grows and are reused by the next. */
const INITIAL_ROWS = 1024;
/** Rows the buffers are made for at most before the first row (a multiple of 8). */
const MAX_INITIAL_ROWS = 1 << 20;
const NO_BYTES = new Uint8Array(0);
const NO_WORDS = new Int32Array(0);
/** Values up to this many bytes are copied byte by byte: a subarray per value costs more than the copy. */
const SHORT_COPY = 64;

/**
 * Turns binary-protocol row packets into RecordBatches of `columns`' schema. Called once per row
 * packet by the wire command; the caller cuts a batch (with {@link finish}) when {@link byteSize}
 * passes its target.
 */
export class WireBatchDecoder {
  readonly schema: Schema;
  readonly #columns: readonly MappedColumn[];
  readonly #plans: readonly ColumnPlan[];
  readonly #warn: ZeroDateWarning;
  readonly #countOnly: boolean;
  // Per column, in parallel arrays of one element type each (placeholders where a column has no
  // such buffer), so every access in the row loop sees one hidden class.
  readonly #ops: Int32Array;
  readonly #slotBytes: Int32Array;
  readonly #nullCounts: Int32Array;
  readonly #used: Int32Array;
  /** Fixed-width values (or a Bool's bits), and the same memory as 32-bit words. */
  readonly #fixed: Uint8Array[];
  readonly #words: Int32Array[];
  /** Validity bitmaps, kept all ones and cleared for NULLs, so a value costs no bitmap write. */
  readonly #validity: Uint8Array[];
  /** Variable-width columns: value bytes and offsets. */
  readonly #data: Uint8Array[];
  readonly #offsets: Int32Array[];
  /** Bytes per row of every fixed-width slot together. */
  readonly #fixedRowBytes: number;
  /** Columns with a bitmap per row beyond validity (Bool values). */
  readonly #boolColumns: number;
  readonly #variableColumns: number;
  #capacity: number;
  #numRows = 0;
  #rowsBefore = 0;
  #variableBytes = 0;

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
    this.#warn = options.warn;
    this.#plans = columns.map((column, index) => planColumn(column, fields[index] as WireField));
    const count = columns.length;
    const isBool = (plan: ColumnPlan) => plan.op === WireOp.intBool || plan.op === WireOp.bitBool;
    const isVariable = (plan: ColumnPlan) => plan.op === WireOp.bytes || plan.op === WireOp.dateTimeText;
    this.#fixedRowBytes = this.#plans.reduce((sum, plan) => sum + plan.slotBytes, 0);
    this.#boolColumns = this.#plans.filter(isBool).length;
    this.#variableColumns = this.#plans.filter(isVariable).length;
    // The fewest bytes a row can take: its fixed slots, an offset per string, a bit per bitmap.
    const leastRowBytes = this.#fixedRowBytes + 4 * this.#variableColumns + (count + this.#boolColumns) / 8;
    const fitting = Math.ceil((options.batchBytes ?? 0) / Math.max(leastRowBytes, 1) / 8) * 8;
    const rows = Math.min(Math.max(fitting, INITIAL_ROWS), MAX_INITIAL_ROWS);
    this.#capacity = rows;
    this.#ops = Int32Array.from(this.#plans, (plan) => plan.op);
    this.#slotBytes = Int32Array.from(this.#plans, (plan) => plan.slotBytes);
    this.#nullCounts = new Int32Array(count);
    this.#used = new Int32Array(count);
    this.#fixed = this.#plans.map((plan) => (plan.slotBytes > 0 ? new Uint8Array(rows * plan.slotBytes) : NO_BYTES));
    this.#words = this.#fixed.map((bytes) =>
      bytes.length % 4 === 0 && bytes.length > 0 ? new Int32Array(bytes.buffer) : NO_WORDS,
    );
    this.#validity = this.#plans.map(() => new Uint8Array(rows / 8).fill(0xff));
    this.#plans.forEach((plan, index) => {
      if (isBool(plan)) this.#fixed[index] = new Uint8Array(rows / 8);
    });
    this.#data = this.#plans.map((plan) => (isVariable(plan) ? new Uint8Array(64 * 1024) : NO_BYTES));
    this.#offsets = this.#plans.map((plan) => (isVariable(plan) ? new Int32Array(rows + 1) : NO_WORDS));
  }

  /** Rows decoded since the last {@link finish}. */
  get numRows(): number {
    return this.#numRows;
  }

  /**
   * Bytes of the Arrow buffers built since the last {@link finish}, as core's block sizing counts
   * them (a validity bitmap counted for every column). Kept up to date per row, so reading it costs
   * no pass over the columns.
   */
  get byteSize(): number {
    const rows = this.#numRows;
    const bitmapBytes = (rows + 7) >> 3;
    return (
      rows * this.#fixedRowBytes +
      this.#variableBytes +
      (rows + 1) * 4 * this.#variableColumns +
      bitmapBytes * (this.#columns.length + this.#boolColumns)
    );
  }

  /**
   * Decodes the row packet whose payload is `buffer[start, end)`: a 0x00 header, the NULL bitmap
   * (offset 2), then each non-NULL value.
   *
   * @throws {ConnectorError} naming the column and row for a value Athena cannot get exactly.
   */
  appendRow(buffer: Buffer, start: number, end: number): void {
    const row = this.#numRows;
    if (this.#countOnly) {
      this.#numRows = row + 1;
      return;
    }
    if (buffer[start] !== 0)
      throw new ConnectorError(
        'Internal',
        `MySQL sent a row packet starting 0x${(buffer[start] ?? 0).toString(16)} where binary rows start 0x00`,
      );
    if (row === this.#capacity) this.#growRows();
    const ops = this.#ops;
    const fixed = this.#fixed;
    const words = this.#words;
    const count = ops.length;
    const nulls = start + 1;
    const rowByte = row >> 3;
    const rowBit = 1 << (row & 7);
    let at = nulls + ((count + 9) >> 3);
    let column = 0;
    try {
      for (; column < count; column++) {
        const bit = column + 2;
        if (((buffer[nulls + (bit >> 3)] as number) & (1 << (bit & 7))) !== 0) {
          this.#appendNull(column, row);
          continue;
        }
        let next = at;
        switch (ops[column]) {
          case WireOp.copy1:
            (fixed[column] as Uint8Array)[row] = buffer[at] as number;
            next = at + 1;
            break;
          case WireOp.copy2: {
            const slot = fixed[column] as Uint8Array;
            const to = row * 2;
            slot[to] = buffer[at] as number;
            slot[to + 1] = buffer[at + 1] as number;
            next = at + 2;
            break;
          }
          case WireOp.copy4: {
            const slot = fixed[column] as Uint8Array;
            const to = row * 4;
            slot[to] = buffer[at] as number;
            slot[to + 1] = buffer[at + 1] as number;
            slot[to + 2] = buffer[at + 2] as number;
            slot[to + 3] = buffer[at + 3] as number;
            next = at + 4;
            break;
          }
          case WireOp.copy8: {
            const slot = fixed[column] as Uint8Array;
            const to = row * 8;
            for (let k = 0; k < 8; k++) slot[to + k] = buffer[at + k] as number;
            next = at + 8;
            break;
          }
          case WireOp.extend:
            next = this.#extend(column, row, buffer, at);
            break;
          case WireOp.intBool: {
            const width = (this.#plans[column] as ColumnPlan).wireBytes;
            let truth = 0;
            for (let k = 0; k < width; k++) truth |= buffer[at + k] as number;
            if (truth !== 0) setBit(fixed[column] as Uint8Array, rowByte, rowBit);
            next = at + width;
            break;
          }
          case WireOp.bitBool: {
            const size = lengthValue(buffer, at);
            const from = at + lengthPrefixBytes(buffer, at);
            let truth = 0;
            for (let k = 0; k < size; k++) truth |= buffer[from + k] as number;
            if (truth !== 0) setBit(fixed[column] as Uint8Array, rowByte, rowBit);
            next = from + size;
            break;
          }
          case WireOp.bits:
            next = writeBits(buffer, at, fixed[column] as Uint8Array, row, this.#slotBytes[column] as number);
            break;
          case WireOp.decimal: {
            const plan = this.#plans[column] as ColumnPlan;
            next = writeDecimal(buffer, at, words[column] as Int32Array, row, plan.scale, plan.precision);
            break;
          }
          case WireOp.days:
            next = writeDays(buffer, at, words[column] as Int32Array, row);
            break;
          case WireOp.millis:
            next = writeMillis(buffer, at, words[column] as Int32Array, row);
            break;
          case WireOp.dateTimeText: {
            const size = (this.#plans[column] as ColumnPlan).precision;
            const to = this.#reserve(column, size);
            next = writeDateTimeText(buffer, at, this.#data[column] as Uint8Array, to, size - 20);
            if (next >= 0) this.#commit(column, row, to + size);
            break;
          }
          default: {
            // WireOp.bytes
            let size = buffer[at] as number;
            let from = at + 1;
            if (size >= 0xfb) {
              size = lengthValue(buffer, at);
              from = at + lengthPrefixBytes(buffer, at);
            }
            const to = this.#reserve(column, size);
            const data = this.#data[column] as Uint8Array;
            if (size <= SHORT_COPY) for (let k = 0; k < size; k++) data[to + k] = buffer[from + k] as number;
            else data.set(buffer.subarray(from, from + size), to);
            this.#commit(column, row, to + size);
            next = from + size;
          }
        }
        if (next < 0) {
          // A zero date: NULL to Athena, and counted for the warning.
          this.#warn((this.#columns[column] as MappedColumn).name, binaryDateText(buffer, at));
          this.#appendNull(column, row);
          at = ~next;
          continue;
        }
        at = next;
      }
    } catch (error) {
      // The earlier columns keep this row's values: a failed row ends the read, so no batch has them.
      throw this.#valueError(column, error);
    }
    if (at !== end)
      throw new ConnectorError(
        'Internal',
        `Row ${this.#rowsBefore + row} decoded to byte ${at - start} of a ${end - start}-byte packet: the column types do not match the row`,
      );
    this.#numRows = row + 1;
  }

  /** The rows decoded so far as a RecordBatch; the decoder starts the next batch empty, reusing its buffers. */
  finish(): RecordBatch {
    const length = this.#numRows;
    const children = this.#plans.map((plan, column) => this.#finishColumn(plan, column, length));
    this.#rowsBefore += length;
    this.#numRows = 0;
    this.#variableBytes = 0;
    return new RecordBatch(
      this.schema,
      makeData({ type: new Struct(this.schema.fields), length, nullCount: 0, children }),
    );
  }

  #finishColumn(plan: ColumnPlan, column: number, length: number): Data {
    const type = (this.#columns[column] as MappedColumn).field.type;
    const nullCount = this.#nullCounts[column] as number;
    const bitmapBytes = (length + 7) >> 3;
    const validity = this.#validity[column] as Uint8Array;
    const nullBitmap = nullCount === 0 ? undefined : validity.slice(0, bitmapBytes);
    // Bits past the last row stay clear, as Arrow writers leave them.
    if (nullBitmap !== undefined && (length & 7) !== 0)
      nullBitmap[bitmapBytes - 1] = (nullBitmap[bitmapBytes - 1] as number) & ((1 << (length & 7)) - 1);
    validity.fill(0xff, 0, bitmapBytes);
    this.#nullCounts[column] = 0;
    const common = { type, length, nullCount, nullBitmap };
    if (plan.op === WireOp.bytes || plan.op === WireOp.dateTimeText) {
      const used = this.#used[column] as number;
      const valueOffsets = (this.#offsets[column] as Int32Array).slice(0, length + 1);
      const data = (this.#data[column] as Uint8Array).slice(0, used);
      this.#used[column] = 0;
      if (plan.checkUtf8 && !isUtf8(data)) throw this.#notUtf8(column, valueOffsets, data);
      return makeData({ ...common, data, valueOffsets } as Parameters<typeof makeData>[0]);
    }
    const fixed = this.#fixed[column] as Uint8Array;
    if (plan.op === WireOp.intBool || plan.op === WireOp.bitBool) {
      const data = fixed.slice(0, bitmapBytes);
      fixed.fill(0, 0, bitmapBytes);
      return makeData({ ...common, data } as Parameters<typeof makeData>[0]);
    }
    const data = fixedArrayOf(type, fixed.slice(0, length * plan.slotBytes), length);
    return makeData({ ...common, data } as Parameters<typeof makeData>[0]);
  }

  /** NULL in slot `row`: its value bytes zeroed (buffers are reused), an empty string's offset repeated. */
  #appendNull(column: number, row: number): void {
    this.#nullCounts[column] = (this.#nullCounts[column] as number) + 1;
    const validity = this.#validity[column] as Uint8Array;
    validity[row >> 3] = (validity[row >> 3] as number) & ~(1 << (row & 7));
    const slotBytes = this.#slotBytes[column] as number;
    if (slotBytes > 0) (this.#fixed[column] as Uint8Array).fill(0, row * slotBytes, (row + 1) * slotBytes);
    const op = this.#ops[column];
    if (op === WireOp.bytes || op === WireOp.dateTimeText)
      (this.#offsets[column] as Int32Array)[row + 1] = this.#used[column] as number;
  }

  /** A wire integer of `wireBytes` sign- or zero-extended into its slot; returns where the next value starts. */
  #extend(column: number, row: number, buffer: Buffer, at: number): number {
    const plan = this.#plans[column] as ColumnPlan;
    const slot = this.#fixed[column] as Uint8Array;
    const width = plan.wireBytes;
    const to = row * plan.slotBytes;
    for (let k = 0; k < width; k++) slot[to + k] = buffer[at + k] as number;
    const fill = plan.signed && ((buffer[at + width - 1] as number) & 0x80) !== 0 ? 0xff : 0;
    for (let k = width; k < plan.slotBytes; k++) slot[to + k] = fill;
    return at + width;
  }

  /** Where `size` more bytes of a variable-width column go, its buffer grown first when needed. */
  #reserve(column: number, size: number): number {
    const used = this.#used[column] as number;
    const end = used + size;
    if (end > 0x7fffffff) throw new WireValueError(`the batch's text would pass Arrow's 2 GiB offset limit`);
    const data = this.#data[column] as Uint8Array;
    if (end > data.length) {
      const grown = new Uint8Array(Math.max(end, data.length * 2));
      grown.set(data.subarray(0, used));
      this.#data[column] = grown;
    }
    return used;
  }

  /** Ends row `row`'s value of a variable-width column at byte `end`. */
  #commit(column: number, row: number, end: number): void {
    this.#variableBytes += end - (this.#used[column] as number);
    this.#used[column] = end;
    (this.#offsets[column] as Int32Array)[row + 1] = end;
  }

  /** Doubles every per-row buffer. */
  #growRows(): void {
    const rows = this.#capacity * 2;
    const grow = <T extends Uint8Array | Int32Array>(old: T, size: number, make: (size: number) => T): T => {
      const grown = make(size);
      grown.set(old);
      return grown;
    };
    this.#plans.forEach((plan, column) => {
      this.#validity[column] = grow(this.#validity[column] as Uint8Array, rows / 8, (n) =>
        new Uint8Array(n).fill(0xff),
      );
      if (plan.slotBytes > 0) {
        const fixed = grow(this.#fixed[column] as Uint8Array, rows * plan.slotBytes, (n) => new Uint8Array(n));
        this.#fixed[column] = fixed;
        if ((this.#words[column] as Int32Array).length > 0) this.#words[column] = new Int32Array(fixed.buffer);
      } else if (plan.op === WireOp.intBool || plan.op === WireOp.bitBool) {
        this.#fixed[column] = grow(this.#fixed[column] as Uint8Array, rows / 8, (n) => new Uint8Array(n));
      } else {
        this.#offsets[column] = grow(this.#offsets[column] as Int32Array, rows + 1, (n) => new Int32Array(n));
      }
    });
    this.#capacity = rows;
  }

  /**
   * Names the first value of a finished text column that is not UTF-8 (MySQL converts text columns
   * to the connection's utf8mb4, so only binary-charset bytes read as text can fail).
   */
  #notUtf8(column: number, offsets: Int32Array, data: Uint8Array): ConnectorError {
    const mapped = this.#columns[column] as MappedColumn;
    let row = 0;
    while (row + 1 < offsets.length && isUtf8(data.subarray(offsets[row] as number, offsets[row + 1] as number))) row++;
    const value = data.subarray(offsets[row] as number, offsets[row + 1] as number);
    const reason =
      row + 1 < offsets.length
        ? `not valid UTF-8 (bytes ${Buffer.from(value.subarray(0, 16)).toString('hex')}…)`
        : 'a UTF-8 sequence is split across two values';
    return new ConnectorError(
      'Internal',
      `Column ${JSON.stringify(mapped.name)} (${mapped.mysql.columnType}), row ${this.#rowsBefore + row}: ${reason}`,
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
