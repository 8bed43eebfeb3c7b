// Turns the plain JS rows connector plugins yield into Arrow RecordBatches. It is the hot path of
// every ReadRecords call, so it fills Arrow buffers itself (one writer per column, growable typed
// arrays) and calls apache-arrow only at finish. It owns the value conventions: a value is stored
// exactly or rejected with a ValueCoercionError; the only rounding is Java's HALF_UP decimal rescale.

import { DataType, DateUnit, Precision, RecordBatch, Struct, TimeUnit, makeData, type Data, type Field, type Schema } from 'apache-arrow';

import { MAX_DECIMAL128_PRECISION, decimalDigitCount, powerOfTen, safeUnscaledOfNumber, safeUnscaledOfString, toUnscaledDecimal, writeDecimal128, writeSafeDecimal128 } from './decimal.js';
import { packTimestampWithZone, zoneIdOf, zoneKeyOf } from './time-zone-key.js';

/** A row as plugins yield it: values in schema order, or an object keyed by field name. */
export type Row = readonly unknown[] | Readonly<Record<string, unknown>>;

/** What went wrong, for {@link ValueCoercionError}. */
export interface ValueCoercionDetails {
  /** Dotted path of the column: `vitals.readings[].bpm`; map entries end in `[].key` / `[].value`. */
  readonly column: string;
  /** 0-based index of the row in the batch being built. */
  readonly row: number;
  /** The JS type of the rejected value: `number`, `string`, `null`, `Date`, `Map`, `object`, … */
  readonly valueType: string;
  /** The Arrow type of the column, e.g. `Decimal(10, 2)`. */
  readonly arrowType: string;
  /** Why the value cannot be written, e.g. `not an integer`. */
  readonly reason: string;
  /** A short rendering of the value (primitives and dates only), or `''`. */
  readonly preview?: string;
}

/**
 * A row value that cannot be stored in its column exactly: wrong JS type, integer out of range,
 * fraction in an integer column, decimal over its precision, null in a non-nullable field, …
 * The row it belongs to is not added; the writer stays usable.
 */
export class ValueCoercionError extends Error {
  /** Dotted column path (`vitals.readings[].bpm`). */
  readonly column: string;
  /** 0-based row index within the batch being built. */
  readonly row: number;
  /** JS type of the rejected value. */
  readonly valueType: string;
  /** Arrow type of the column. */
  readonly arrowType: string;
  /** Why the value was rejected, without the column/row context. */
  readonly reason: string;

  constructor(details: ValueCoercionDetails, options?: ErrorOptions) {
    const shown = details.preview === undefined || details.preview === '' ? details.valueType : `${details.valueType} ${details.preview}`;
    super(`Cannot write ${shown} to column ${JSON.stringify(details.column)} (${details.arrowType}) at row ${details.row}: ${details.reason}`, options);
    this.name = 'ValueCoercionError';
    this.column = details.column;
    this.row = details.row;
    this.valueType = details.valueType;
    this.arrowType = details.arrowType;
    this.reason = details.reason;
  }
}

/**
 * Appends rows to per-column Arrow buffers and hands them over as one RecordBatch.
 *
 * A row that fails (see {@link ValueCoercionError}) is rolled back from every column, so the
 * writer can keep going. After {@link finish} the writer is empty and can build the next batch.
 */
export class RecordBatchWriter {
  readonly schema: Schema;
  readonly #columns: readonly ColumnWriter[];
  readonly #names: readonly string[];
  /** Shared with every column writer so errors can name the row without threading it through. */
  readonly #cursor: RowCursor = { row: 0, buffers: new BufferPool() };
  readonly #readOwnOnly: boolean;
  #numRows = 0;

  /**
   * @throws {TypeError} if a field's type is not one Athena connectors support (Java `SupportedTypes`).
   * @throws {RangeError} if a Timestamp(MILLISECOND) field's time zone has no Athena zone key.
   */
  constructor(schema: Schema) {
    this.schema = schema;
    this.#columns = schema.fields.map((field) => createColumnWriter(field, field.name, field.nullable, this.#cursor));
    this.#names = schema.fields.map((field) => field.name);
    this.#readOwnOnly = this.#names.includes('__proto__');
  }

  /**
   * Appends one row: an array holds the values in schema order (its length must match), an object
   * holds them by field name (absent = null; extra properties are ignored).
   *
   * @throws {ValueCoercionError} if a value cannot be stored exactly; the row is then not added.
   * @throws {TypeError} if the row is neither an array nor an object, or an array of the wrong length.
   */
  appendRow(row: Row): void {
    const columns = this.#columns;
    const count = columns.length;
    this.#cursor.row = this.#numRows;
    try {
      if (Array.isArray(row)) {
        if (row.length !== count) {
          throw new TypeError(`Row ${this.#numRows} has ${row.length} values but the schema has ${count} fields`);
        }
        for (let c = 0; c < count; c++) (columns[c] as ColumnWriter).append(row[c]);
      } else if (typeof row === 'object' && row !== null) {
        const names = this.#names;
        const record = row as Readonly<Record<string, unknown>>;
        for (let c = 0; c < count; c++) {
          const name = names[c] as string;
          (columns[c] as ColumnWriter).append(this.#readOwnOnly ? ownProperty(record, name) : record[name]);
        }
      } else {
        throw new TypeError(`Row ${this.#numRows} is ${describeJsType(row)}, not an array or an object`);
      }
    } catch (error) {
      for (const column of columns) column.truncate(this.#numRows);
      throw error;
    }
    this.#numRows++;
  }

  /** Rows appended since construction or the last {@link finish}. */
  get numRows(): number {
    return this.#numRows;
  }

  /**
   * Bytes of the raw Arrow buffers written so far — values, offsets, variable-width data and a
   * validity bitmap per vector — i.e. what Java's `Block.getSize()` reports and spill decisions use.
   * Computed from lengths in O(number of vectors), so it is cheap to read after every row.
   */
  get byteSize(): number {
    let total = 0;
    for (const column of this.#columns) total += column.byteSize();
    return total;
  }

  /** Hands the rows over as a RecordBatch of {@link schema} and empties the writer for reuse. */
  finish(): RecordBatch {
    const length = this.#numRows;
    this.#cursor.buffers.forgetLent();
    const children = this.#columns.map((column) => column.finish());
    this.#numRows = 0;
    const data = makeData({ type: new Struct(this.schema.fields), length, nullCount: 0, children });
    return new RecordBatch(this.schema, data);
  }

  /**
   * Declares that nothing references the batch the last {@link finish} returned any more (it has
   * been encrypted or copied into a spill object, say), so the next batches may overwrite its
   * buffers instead of allocating new ones. Using that batch afterwards reads the next block's data.
   */
  recycle(): void {
    this.#cursor.buffers.recycle();
  }
}

/**
 * Builds one RecordBatch from `rows` (arrays in schema order or objects by field name).
 *
 * @throws {ValueCoercionError} on the first value that cannot be stored exactly.
 */
export function buildRecordBatch(schema: Schema, rows: Iterable<Row>): RecordBatch {
  const writer = new RecordBatchWriter(schema);
  for (const row of rows) writer.appendRow(row);
  return writer.finish();
}

// ----------------------------------------------------------------------------------------------
// Column writers. Each leaf class implements its own complete `append` so every property access
// and typed-array store inside it stays monomorphic; shared behaviour lives in the base class and
// in plain functions.

interface RowCursor {
  row: number;
  /** The writer's buffer pool, shared by every column writer like the row number. */
  readonly buffers: BufferPool;
}

/**
 * Recycles the writer's large buffers so that a long read does not leave a trail of garbage blocks
 * for the collector: buffers outgrown while filling a block, and — once the caller has said it no
 * longer needs the last finished batch ({@link RecordBatchWriter.recycle}) — that batch's buffers.
 * Pooled buffers are not zeroed; every writer that takes one writes each slot it exposes.
 */
class BufferPool {
  #spare: ArrayBuffer[] = [];
  /** Buffers inside the most recently finished batch; reusable only after `recycle()`. */
  #lent: ArrayBuffer[] = [];

  /** A buffer of at least `byteLength` bytes: the smallest spare that fits, or a new one. */
  take(byteLength: number): ArrayBuffer {
    const spare = this.#spare;
    let best: ArrayBuffer | undefined;
    let bestIndex = -1;
    for (let i = 0; i < spare.length; i++) {
      const candidate = spare[i] as ArrayBuffer;
      if (candidate.byteLength >= byteLength && (best === undefined || candidate.byteLength < best.byteLength)) {
        best = candidate;
        bestIndex = i;
      }
    }
    if (best !== undefined) {
      spare.splice(bestIndex, 1);
      return best;
    }
    // Nothing fits: spares smaller than this request have been outgrown and would only be held.
    this.#spare = spare.filter((candidate) => candidate.byteLength >= byteLength);
    // allocUnsafeSlow: unpooled and not zeroed (each slot is written before it is exposed).
    return Buffer.allocUnsafeSlow(byteLength).buffer as ArrayBuffer;
  }

  /** A buffer the writer has outgrown while filling a block; nothing else references it. */
  giveBack(buffer: ArrayBuffer): void {
    if (buffer.byteLength >= MIN_POOLED_BYTES) this.#spare.push(buffer);
  }

  /** A buffer now inside the batch being finished. */
  lend(buffer: ArrayBuffer): void {
    if (buffer.byteLength >= MIN_POOLED_BYTES) this.#lent.push(buffer);
  }

  /** Called as a new batch is finished: the previous batch's buffers stay with whoever holds it. */
  forgetLent(): void {
    this.#lent = [];
  }

  /** The caller is done with the last finished batch: its buffers become spares. */
  recycle(): void {
    this.#spare.push(...this.#lent);
    this.#lent = [];
  }
}

/** Buffers below this size are left to the garbage collector; pooling them saves nothing. */
const MIN_POOLED_BYTES = 64 * 1024;

/** First allocation, in slots; a multiple of 8 so validity bitmaps always cover whole bytes. */
const MIN_CAPACITY = 64;
/** Largest offset an int32 offset buffer can hold. */
const MAX_OFFSET = 0x7fffffff;

const TWO_POW_20 = 1048576;
const TWO_POW_32 = 4294967296;
const INT64_MIN_NUMBER = -9223372036854775808;
const INT64_LIMIT_NUMBER = 9223372036854775808;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Epoch millis that survive `<< 12` in an int64, the packed Timestamp(MILLISECOND, tz) layout. */
const MIN_PACKABLE_MILLIS = -(2 ** 51);
const MAX_PACKABLE_MILLIS = 2 ** 51 - 1;
const MILLIS_PER_DAY = 86_400_000;
/** Epoch millis whose × 1000 is still an exact double. */
const MAX_EXACT_MICROS_MILLIS = 9_007_199_254_740;

/** Strings up to this many UTF-16 units are copied by a JS loop when they are ASCII. */
const SHORT_STRING = 48;

const EMPTY_BYTES = new Uint8Array(0);
const EMPTY_OFFSETS = new Int32Array(0);

const INTEGER_STRING = /^[+-]?\d+$/;
const FLOAT_STRING = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE_FLOAT_STRING = /^(?:NaN|[+-]?Infinity)$/;
const NONZERO_DIGIT = /[1-9]/;

abstract class ColumnWriter {
  readonly path: string;
  readonly field: Field;
  readonly nullable: boolean;
  readonly arrowType: string;
  protected readonly cursor: RowCursor;
  length = 0;
  nullCount = 0;
  capacity = 0;
  /** Created at the first null, so columns without nulls never pay for bitmap writes. */
  validity: Uint8Array | null = null;
  /**
   * Capacity of the first allocation after a finish: the last batch's length plus headroom. Blocks
   * end at a byte size, so the next one holds about as many rows; without headroom a block a few
   * rows longer than the last would double every buffer (and copy it) just before it ends.
   */
  protected initialCapacity = MIN_CAPACITY;

  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor) {
    this.field = field;
    this.path = path;
    this.nullable = nullable;
    this.cursor = cursor;
    this.arrowType = describeType(field.type);
  }

  /** Appends one value, or throws {@link ValueCoercionError} leaving this vector unchanged. */
  abstract append(value: unknown): void;

  /** Reallocates the value buffers (not validity) to hold `capacity` slots. */
  protected abstract resize(capacity: number): void;

  /** Fills slot `index` with the placeholder of a null or empty value (zero, empty string/list). */
  protected abstract clearSlot(index: number): void;

  /** Bytes of the buffers other than validity. */
  protected abstract valueBytes(): number;

  /** Builds the Data of the current contents; `nullBitmap` is set only when there are nulls. */
  protected abstract buildData(nullBitmap: Uint8Array | undefined): Data;

  /** Drops everything past `length` in buffers that extend beyond this vector's slots. */
  protected abstract truncateValues(length: number): void;

  /** Forgets the value buffers (they now belong to a Data) so the next append allocates anew. */
  protected abstract releaseValues(): void;

  /** Appends a null (`value` only tells the error which kind), or throws if the field is not nullable. */
  appendNull(value: null | undefined): void {
    if (!this.nullable) {
      this.fail(value, 'the field is not nullable');
    }
    this.appendPlaceholder();
  }

  /**
   * Appends the slot a child needs under a null parent: null if the child is nullable, otherwise an
   * empty/zero value, because Arrow children must stay as long as their struct.
   */
  appendPlaceholder(): void {
    const index = this.length;
    if (index === this.capacity) this.grow();
    this.clearSlot(index);
    if (this.nullable) {
      markNull(this, index);
    } else {
      markValid(this, index);
    }
    this.length = index + 1;
  }

  /** Rolls back to `length` slots (and the child values those slots reference). */
  truncate(length: number): void {
    const validity = this.validity;
    if (validity !== null) {
      for (let index = length; index < this.length; index++) {
        if (((validity[index >> 3] ?? 0) & (1 << (index & 7))) === 0) this.nullCount--;
      }
    }
    if (length < this.length) this.length = length;
    this.truncateValues(length);
  }

  byteSize(): number {
    return this.length === 0 ? 0 : this.valueBytes() + bitmapBytes(this.length);
  }

  /** Returns the Data of everything appended and empties this writer. */
  finish(): Data {
    const length = this.length;
    const nullBitmap = this.nullCount > 0 && this.validity !== null ? this.validity.subarray(0, bitmapBytes(length)) : undefined;
    const data = this.buildData(nullBitmap);
    this.initialCapacity = roundUpToByte(Math.max(MIN_CAPACITY, withHeadroom(length)));
    this.length = 0;
    this.nullCount = 0;
    this.capacity = 0;
    this.validity = null;
    this.releaseValues();
    return data;
  }

  protected grow(): void {
    const capacity = this.capacity === 0 ? this.initialCapacity : this.capacity * 2;
    this.resize(capacity);
    if (this.validity !== null) {
      const validity = new Uint8Array(capacity >> 3);
      validity.set(this.validity);
      this.validity = validity;
    }
    this.capacity = capacity;
  }

  /** Throws the {@link ValueCoercionError} for `value` in this column. */
  fail(value: unknown, reason: string, cause?: unknown): never {
    const details: ValueCoercionDetails = {
      column: this.path,
      row: this.cursor.row,
      valueType: describeJsType(value),
      arrowType: this.arrowType,
      reason,
      preview: previewValue(value),
    };
    throw cause === undefined ? new ValueCoercionError(details) : new ValueCoercionError(details, { cause });
  }

  failType(value: unknown, accepted: string): never {
    return this.fail(value, `expected ${accepted}`);
  }
}

function markValid(writer: ColumnWriter, index: number): void {
  const validity = writer.validity;
  if (validity !== null) validity[index >> 3] = (validity[index >> 3] ?? 0) | (1 << (index & 7));
}

function markNull(writer: ColumnWriter, index: number): void {
  let validity = writer.validity;
  if (validity === null) {
    // Everything before the first null is valid.
    validity = new Uint8Array(writer.capacity >> 3);
    validity.fill(0xff, 0, index >> 3);
    validity[index >> 3] = (1 << (index & 7)) - 1;
    writer.validity = validity;
  }
  validity[index >> 3] = (validity[index >> 3] ?? 0) & ~(1 << (index & 7));
  writer.nullCount++;
}

function bitmapBytes(length: number): number {
  return (length + 7) >> 3;
}

/** Next block's first allocation for a block that needed `size`: an eighth more. */
function withHeadroom(size: number): number {
  return size + Math.ceil(size / 8);
}

function roundUpToByte(length: number): number {
  return (length + 7) & ~7;
}

// --- Bool ---------------------------------------------------------------------------------------

class BoolWriter extends ColumnWriter {
  bits: Uint8Array = EMPTY_BYTES;

  append(value: unknown): void {
    if (value === null || value === undefined) return this.appendNull(value);
    if (typeof value !== 'boolean') this.failType(value, 'a boolean');
    const index = this.length;
    if (index === this.capacity) this.grow();
    const mask = 1 << (index & 7);
    const byte = this.bits[index >> 3] ?? 0;
    this.bits[index >> 3] = value ? byte | mask : byte & ~mask;
    markValid(this, index);
    this.length = index + 1;
  }

  protected resize(capacity: number): void {
    const bits = new Uint8Array(capacity >> 3);
    bits.set(this.bits);
    this.bits = bits;
  }

  protected clearSlot(index: number): void {
    this.bits[index >> 3] = (this.bits[index >> 3] ?? 0) & ~(1 << (index & 7));
  }

  protected valueBytes(): number {
    return bitmapBytes(this.length);
  }

  protected buildData(nullBitmap: Uint8Array | undefined): Data {
    const data = this.bits.subarray(0, bitmapBytes(this.length));
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, data, nullBitmap });
  }

  protected truncateValues(): void {}

  protected releaseValues(): void {
    this.bits = EMPTY_BYTES;
  }
}

// --- Int8/16/32 and DateDay: one 32-bit-or-narrower number per slot -----------------------------

type SmallIntArray = Int8Array | Int16Array | Int32Array;

class SmallIntWriter extends ColumnWriter {
  values: SmallIntArray;
  readonly min: number;
  readonly max: number;
  readonly #ArrayType: { new (length: number): SmallIntArray; new (buffer: ArrayBuffer, byteOffset: number, length: number): SmallIntArray };

  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor, bitWidth: 8 | 16 | 32) {
    super(field, path, nullable, cursor);
    this.#ArrayType = bitWidth === 8 ? Int8Array : bitWidth === 16 ? Int16Array : Int32Array;
    this.values = new this.#ArrayType(0);
    this.max = 2 ** (bitWidth - 1) - 1;
    this.min = -this.max - 1;
  }

  append(value: unknown): void {
    if (value === null || value === undefined) return this.appendNull(value);
    const index = this.length;
    if (index === this.capacity) this.grow();
    if (typeof value === 'number' && Number.isInteger(value) && value >= this.min && value <= this.max) {
      this.values[index] = value;
    } else {
      this.values[index] = this.coerce(value);
    }
    markValid(this, index);
    this.length = index + 1;
  }

  /** Everything but an in-range integer number: the rare path, kept out of `append`. */
  coerce(value: unknown): number {
    const integer = integerOf(this, value);
    if (integer < this.min || integer > this.max) this.fail(value, `out of range [${this.min}, ${this.max}]`);
    return Number(integer);
  }

  protected resize(capacity: number): void {
    const previous = this.values;
    const buffers = this.cursor.buffers;
    const values = new this.#ArrayType(buffers.take(capacity * previous.BYTES_PER_ELEMENT), 0, capacity);
    values.set(previous);
    buffers.giveBack(previous.buffer as ArrayBuffer);
    this.values = values;
  }

  protected clearSlot(index: number): void {
    this.values[index] = 0;
  }

  protected valueBytes(): number {
    return this.length * this.values.BYTES_PER_ELEMENT;
  }

  protected buildData(nullBitmap: Uint8Array | undefined): Data {
    const data = this.values.subarray(0, this.length);
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, data, nullBitmap } as Parameters<typeof makeData>[0]);
  }

  protected truncateValues(): void {}

  protected releaseValues(): void {
    this.cursor.buffers.lend(this.values.buffer as ArrayBuffer);
    this.values = new this.#ArrayType(0);
  }
}

/**
 * The integer a number, bigint or decimal-integer string denotes, or a ValueCoercionError. A number
 * comes back as a number (any integer double is exact), the rest as bigint.
 */
function integerOf(writer: ColumnWriter, value: unknown): number | bigint {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) writer.fail(value, 'not an integer');
    return value;
  }
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string') {
    if (!INTEGER_STRING.test(value)) writer.fail(value, 'not a decimal integer string');
    return BigInt(value);
  }
  return writer.failType(value, 'an integer number, bigint or decimal-integer string');
}

class DateDayWriter extends SmallIntWriter {
  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor) {
    super(field, path, nullable, cursor, 32);
  }

  override append(value: unknown): void {
    if (value === null || value === undefined) return this.appendNull(value);
    const index = this.length;
    if (index === this.capacity) this.grow();
    if (typeof value === 'number' && Number.isInteger(value) && value >= this.min && value <= this.max) {
      this.values[index] = value;
    } else if (value instanceof Date) {
      this.values[index] = utcDayOf(this, value);
    } else {
      this.values[index] = this.coerce(value);
    }
    markValid(this, index);
    this.length = index + 1;
  }

  override coerce(value: unknown): number {
    if (typeof value === 'string') {
      const parsed = parseIsoDateTime(value);
      if (parsed === undefined || parsed.hasTime) this.fail(value, 'not a valid YYYY-MM-DD date');
      return parsed.days;
    }
    if (typeof value === 'number' || typeof value === 'bigint') return super.coerce(value);
    return this.failType(value, 'a Date, an integer number of days or a YYYY-MM-DD string');
  }
}

function utcDayOf(writer: ColumnWriter, date: Date): number {
  const millis = date.getTime();
  if (Number.isNaN(millis)) writer.fail(date, 'invalid Date');
  // Floor division without a rounded float quotient: remainder first, then an exact division.
  const remainder = millis % MILLIS_PER_DAY;
  return (millis - remainder) / MILLIS_PER_DAY - (remainder < 0 ? 1 : 0);
}

// --- Float32/64 ---------------------------------------------------------------------------------

class FloatWriter extends ColumnWriter {
  values: Float32Array | Float64Array;
  readonly single: boolean;

  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor, single: boolean) {
    super(field, path, nullable, cursor);
    this.single = single;
    this.values = single ? new Float32Array(0) : new Float64Array(0);
  }

  append(value: unknown): void {
    if (value === null || value === undefined) return this.appendNull(value);
    const index = this.length;
    if (index === this.capacity) this.grow();
    // NaN !== NaN, so NaN takes the coerce path, which accepts it.
    if (typeof value === 'number' && (!this.single || Math.fround(value) === value)) {
      this.values[index] = value;
    } else {
      this.values[index] = this.coerce(value);
    }
    markValid(this, index);
    this.length = index + 1;
  }

  coerce(value: unknown): number {
    let number: number;
    if (typeof value === 'number') {
      number = value;
    } else if (typeof value === 'bigint') {
      number = Number(value);
      if (!Number.isFinite(number) || BigInt(number) !== value) this.fail(value, 'not exactly representable as a double');
    } else if (typeof value === 'string') {
      number = parseFloatString(this, value);
    } else {
      return this.failType(value, 'a number, bigint or numeric string');
    }
    if (this.single && Math.fround(number) !== number && !Number.isNaN(number)) {
      this.fail(value, 'not exactly representable as a 32-bit float (round it with Math.fround first if that is intended)');
    }
    return number;
  }

  protected resize(capacity: number): void {
    const buffers = this.cursor.buffers;
    const buffer = buffers.take(capacity * (this.single ? 4 : 8));
    const values = this.single ? new Float32Array(buffer, 0, capacity) : new Float64Array(buffer, 0, capacity);
    values.set(this.values);
    buffers.giveBack(this.values.buffer as ArrayBuffer);
    this.values = values;
  }

  protected clearSlot(index: number): void {
    this.values[index] = 0;
  }

  protected valueBytes(): number {
    return this.length * (this.single ? 4 : 8);
  }

  protected buildData(nullBitmap: Uint8Array | undefined): Data {
    const data = this.values.subarray(0, this.length);
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, data, nullBitmap } as Parameters<typeof makeData>[0]);
  }

  protected truncateValues(): void {}

  protected releaseValues(): void {
    this.cursor.buffers.lend(this.values.buffer as ArrayBuffer);
    this.values = this.single ? new Float32Array(0) : new Float64Array(0);
  }
}

function parseFloatString(writer: ColumnWriter, text: string): number {
  if (NON_FINITE_FLOAT_STRING.test(text)) return Number(text);
  if (!FLOAT_STRING.test(text)) writer.fail(text, 'not a numeric string');
  const number = Number(text);
  if (!Number.isFinite(number)) writer.fail(text, 'overflows a double');
  if (number === 0 && NONZERO_DIGIT.test(text.split(/[eE]/)[0] ?? '')) writer.fail(text, 'underflows a double to zero');
  return number;
}

// --- 64-bit integers: Int64, DateMillisecond, Timestamp(MILLISECOND, tz) packed, Timestamp(MICROSECOND) ---

/**
 * Holds int64 slots in one buffer seen two ways: int32 halves, so number inputs are stored with two
 * exact double operations instead of a BigInt allocation, and int64s for bigint inputs.
 */
abstract class Int64Writer extends ColumnWriter {
  words: Int32Array = new Int32Array(0);
  longs: BigInt64Array = new BigInt64Array(0);

  /** Stores an integer double in [-2^63, 2^63); `| 0` keeps the low 32 bits exactly. */
  storeNumber(index: number, value: number): void {
    const high = Math.floor(value / TWO_POW_32);
    this.words[2 * index] = value | 0;
    this.words[2 * index + 1] = high;
  }

  /** Stores an int64 given as a number or bigint, rejecting anything else. */
  storeInteger(index: number, value: unknown, integer: number | bigint): void {
    if (typeof integer === 'number') {
      if (!(integer >= INT64_MIN_NUMBER && integer < INT64_LIMIT_NUMBER)) this.fail(value, 'out of the int64 range');
      this.storeNumber(index, integer);
    } else {
      if (integer < INT64_MIN || integer > INT64_MAX) this.fail(value, 'out of the int64 range');
      this.longs[index] = integer;
    }
  }

  protected resize(capacity: number): void {
    const buffers = this.cursor.buffers;
    const buffer = buffers.take(capacity * 8);
    const longs = new BigInt64Array(buffer, 0, capacity);
    longs.set(this.longs);
    buffers.giveBack(this.longs.buffer as ArrayBuffer);
    this.longs = longs;
    this.words = new Int32Array(buffer, 0, capacity * 2);
  }

  protected clearSlot(index: number): void {
    this.words[2 * index] = 0;
    this.words[2 * index + 1] = 0;
  }

  protected valueBytes(): number {
    return this.length * 8;
  }

  protected buildData(nullBitmap: Uint8Array | undefined): Data {
    const data = this.longs.subarray(0, this.length);
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, data, nullBitmap } as Parameters<typeof makeData>[0]);
  }

  protected truncateValues(): void {}

  protected releaseValues(): void {
    this.cursor.buffers.lend(this.longs.buffer as ArrayBuffer);
    this.longs = new BigInt64Array(0);
    this.words = new Int32Array(0);
  }
}

class BigIntWriter extends Int64Writer {
  append(value: unknown): void {
    if (value === null || value === undefined) return this.appendNull(value);
    const index = this.length;
    if (index === this.capacity) this.grow();
    if (typeof value === 'bigint') {
      if (value < INT64_MIN || value > INT64_MAX) this.fail(value, 'out of the int64 range');
      this.longs[index] = value;
    } else if (typeof value === 'number' && Number.isInteger(value) && value >= INT64_MIN_NUMBER && value < INT64_LIMIT_NUMBER) {
      this.storeNumber(index, value);
    } else {
      this.storeInteger(index, value, integerOf(this, value));
    }
    markValid(this, index);
    this.length = index + 1;
  }
}

class DateMillisecondWriter extends Int64Writer {
  append(value: unknown): void {
    if (value === null || value === undefined) return this.appendNull(value);
    const index = this.length;
    if (index === this.capacity) this.grow();
    if (value instanceof Date) {
      const millis = value.getTime();
      if (Number.isNaN(millis)) this.fail(value, 'invalid Date');
      this.storeNumber(index, millis);
    } else if (typeof value === 'string') {
      this.storeNumber(index, isoMillisOf(this, value, false));
    } else if (typeof value === 'number' || typeof value === 'bigint') {
      this.storeInteger(index, value, integerOf(this, value));
    } else {
      this.failType(value, 'a Date, integer epoch millis (number or bigint) or an ISO-8601 string');
    }
    markValid(this, index);
    this.length = index + 1;
  }
}

/**
 * Timestamp(MILLISECOND, tz): each int64 is `(epochMillisUtc << 12) | zoneKey`. Plain instants get
 * the field's zone; `{ epochMillis, zone }` values keep their own, as Java's holders do.
 */
class TimestampMillisecondWriter extends Int64Writer {
  readonly fieldZoneKey: number;
  readonly #zoneKeys = new Map<string | number, number>();

  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor, timezone: string) {
    super(field, path, nullable, cursor);
    this.fieldZoneKey = zoneKeyOf(timezone);
  }

  append(value: unknown): void {
    if (value === null || value === undefined) return this.appendNull(value);
    const index = this.length;
    if (index === this.capacity) this.grow();
    if (typeof value === 'number' && Number.isInteger(value)) {
      this.storePacked(index, value, value, this.fieldZoneKey);
    } else if (value instanceof Date) {
      const millis = value.getTime();
      if (Number.isNaN(millis)) this.fail(value, 'invalid Date');
      this.storePacked(index, value, millis, this.fieldZoneKey);
    } else {
      this.appendOther(index, value);
    }
    markValid(this, index);
    this.length = index + 1;
  }

  appendOther(index: number, value: unknown): void {
    if (typeof value === 'number') {
      this.fail(value, 'not an integer number of epoch millis');
    } else if (typeof value === 'bigint') {
      this.storePackedBigInt(index, value, value, this.fieldZoneKey);
    } else if (typeof value === 'string') {
      this.storePacked(index, value, isoMillisOf(this, value, true), this.fieldZoneKey);
    } else if (typeof value === 'object' && value !== null && 'epochMillis' in value) {
      const { epochMillis } = value as { epochMillis: unknown };
      const zoneKey = this.zoneKeyIn(value);
      if (typeof epochMillis === 'bigint') {
        this.storePackedBigInt(index, value, epochMillis, zoneKey);
      } else if (typeof epochMillis === 'number' && Number.isInteger(epochMillis)) {
        this.storePacked(index, value, epochMillis, zoneKey);
      } else {
        this.fail(value, 'epochMillis must be an integer number or a bigint');
      }
    } else {
      this.failType(value, 'a Date, integer epoch millis, an ISO-8601 string with offset or { epochMillis, zone }');
    }
  }

  /** The zone key of a `{ zone }` (or reader-style `{ zoneId }`) value, memoised per spelling. */
  zoneKeyIn(value: object): number {
    const { zone, zoneId } = value as { zone?: unknown; zoneId?: unknown };
    const spelling = zone ?? zoneId;
    if (typeof spelling !== 'string' && typeof spelling !== 'number') {
      return this.fail(value, 'zone must be a time-zone id string or an Athena zone key');
    }
    let key = this.#zoneKeys.get(spelling);
    if (key === undefined) {
      try {
        key = typeof spelling === 'number' ? (zoneIdOf(spelling), spelling) : zoneKeyOf(spelling);
      } catch (cause) {
        return this.fail(value, `unknown time zone ${JSON.stringify(spelling)}`, cause);
      }
      this.#zoneKeys.set(spelling, key);
    }
    return key;
  }

  /**
   * Packs without BigInt: the upper word is `millis >> 20` and the lower word the remaining 20 bits
   * shifted by 12 plus the key — all exact in doubles for the packable range.
   */
  storePacked(index: number, value: unknown, millis: number, zoneKey: number): void {
    if (!(millis >= MIN_PACKABLE_MILLIS && millis <= MAX_PACKABLE_MILLIS)) {
      this.fail(value, `epoch millis ${millis} are outside the packable range [-2^51, 2^51 - 1]`);
    }
    const high = Math.floor(millis / TWO_POW_20);
    this.words[2 * index] = (millis - high * TWO_POW_20) * 4096 + zoneKey;
    this.words[2 * index + 1] = high;
  }

  storePackedBigInt(index: number, value: unknown, millis: bigint, zoneKey: number): void {
    try {
      this.longs[index] = packTimestampWithZone(millis, zoneKey);
    } catch (cause) {
      this.fail(value, cause instanceof Error ? cause.message : String(cause), cause);
    }
  }
}

/** Timestamp(MICROSECOND, tz): raw epoch micros; Java refuses to pack these, and so do we. */
class TimestampMicrosecondWriter extends Int64Writer {
  append(value: unknown): void {
    if (value === null || value === undefined) return this.appendNull(value);
    const index = this.length;
    if (index === this.capacity) this.grow();
    if (typeof value === 'bigint') {
      if (value < INT64_MIN || value > INT64_MAX) this.fail(value, 'out of the int64 range');
      this.longs[index] = value;
    } else if (typeof value === 'number' && Number.isInteger(value) && value >= INT64_MIN_NUMBER && value < INT64_LIMIT_NUMBER) {
      this.storeNumber(index, value);
    } else if (value instanceof Date) {
      const millis = value.getTime();
      if (Number.isNaN(millis)) this.fail(value, 'invalid Date');
      if (Math.abs(millis) <= MAX_EXACT_MICROS_MILLIS) {
        this.storeNumber(index, millis * 1000);
      } else {
        this.longs[index] = BigInt(millis) * 1000n;
      }
    } else if (typeof value === 'string') {
      const parsed = parseIsoDateTime(value);
      if (parsed === undefined) this.fail(value, 'not a valid ISO-8601 date-time');
      if (!parsed.hasOffset) this.fail(value, 'has no UTC offset, so it names no instant');
      if (parsed.nanos % 1000 !== 0) this.fail(value, 'has sub-microsecond digits that would be lost');
      const micros = BigInt(parsed.epochSeconds) * 1_000_000n + BigInt(parsed.nanos / 1000);
      this.storeInteger(index, value, micros);
    } else if (typeof value === 'number') {
      this.fail(value, Number.isInteger(value) ? 'out of the int64 range' : 'not an integer number of epoch micros');
    } else {
      this.failType(value, 'integer epoch micros (bigint or number), a Date or an ISO-8601 string with offset');
    }
    markValid(this, index);
    this.length = index + 1;
  }
}

// --- Decimal(p, s) ------------------------------------------------------------------------------

class DecimalWriter extends ColumnWriter {
  words: Uint32Array = new Uint32Array(0);
  readonly scale: number;
  readonly precision: number;
  /** 10^precision: the smallest magnitude that no longer fits. */
  readonly #limit: bigint;
  /** The same limit as a double, for the fast path. */
  readonly #numberLimit: number;

  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor, precision: number, scale: number) {
    super(field, path, nullable, cursor);
    this.precision = precision;
    this.scale = scale;
    this.#limit = powerOfTen(precision);
    // The fast path yields at most 15 digits, which every precision above 15 holds.
    this.#numberLimit = precision <= 15 ? Number(this.#limit) : Number.POSITIVE_INFINITY;
  }

  append(value: unknown): void {
    if (value === null || value === undefined) return this.appendNull(value);
    if (typeof value === 'number' || typeof value === 'string') {
      const unscaled = typeof value === 'number' ? safeUnscaledOfNumber(value, this.scale) : safeUnscaledOfString(value, this.scale);
      if (unscaled !== undefined && unscaled < this.#numberLimit && unscaled > -this.#numberLimit) {
        const index = this.length;
        if (index === this.capacity) this.grow();
        writeSafeDecimal128(this.words, index, unscaled);
        markValid(this, index);
        this.length = index + 1;
        return;
      }
    }
    this.appendExact(value);
  }

  /** Every value the bigint-free path above cannot take: bigints, exponents, rounding, 16+ digits, malformed text. */
  appendExact(value: unknown): void {
    if (typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'string') {
      this.failType(value, 'a number, bigint or decimal string');
    }
    let unscaled: bigint;
    try {
      unscaled = toUnscaledDecimal(value, this.scale);
    } catch (cause) {
      return this.fail(value, cause instanceof Error ? cause.message : String(cause), cause);
    }
    if (unscaled >= this.#limit || unscaled <= -this.#limit) {
      this.fail(value, `needs ${decimalDigitCount(unscaled)} digits at scale ${this.scale}, more than the precision ${this.precision}`);
    }
    const index = this.length;
    if (index === this.capacity) this.grow();
    writeDecimal128(this.words, index, unscaled);
    markValid(this, index);
    this.length = index + 1;
  }

  protected resize(capacity: number): void {
    const buffers = this.cursor.buffers;
    const words = new Uint32Array(buffers.take(capacity * 16), 0, capacity * 4);
    words.set(this.words);
    buffers.giveBack(this.words.buffer as ArrayBuffer);
    this.words = words;
  }

  protected clearSlot(index: number): void {
    this.words.fill(0, index * 4, index * 4 + 4);
  }

  protected valueBytes(): number {
    return this.length * 16;
  }

  protected buildData(nullBitmap: Uint8Array | undefined): Data {
    const data = this.words.subarray(0, this.length * 4);
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, data, nullBitmap } as Parameters<typeof makeData>[0]);
  }

  protected truncateValues(): void {}

  protected releaseValues(): void {
    this.cursor.buffers.lend(this.words.buffer as ArrayBuffer);
    this.words = new Uint32Array(0);
  }
}

// --- Utf8 / Binary ------------------------------------------------------------------------------

/** Columns whose slots are int32 offsets into child items or bytes (Utf8, Binary, List, Map). */
abstract class OffsetsWriter extends ColumnWriter {
  /** `capacity + 1` int32 offsets once allocated; `offsets[0]` is always 0. */
  offsets: Int32Array = EMPTY_OFFSETS;

  protected resize(capacity: number): void {
    const buffers = this.cursor.buffers;
    const offsets = new Int32Array(buffers.take((capacity + 1) * 4), 0, capacity + 1);
    offsets.set(this.offsets);
    // Pooled buffers are not zeroed, and a fresh writer has no offsets to copy.
    if (this.offsets.length === 0) offsets[0] = 0;
    buffers.giveBack(this.offsets.buffer as ArrayBuffer);
    this.offsets = offsets;
  }

  protected clearSlot(index: number): void {
    this.offsets[index + 1] = this.offsets[index] ?? 0;
  }

  /** Ends slot `index` at child/byte position `end` (refusing int32 overflow) and marks it valid. */
  protected closeSlot(index: number, end: number, value: unknown, overflow: string): void {
    if (end > MAX_OFFSET) this.fail(value, overflow);
    this.offsets[index + 1] = end;
    markValid(this, index);
    this.length = index + 1;
  }
}

abstract class VariableWidthWriter extends OffsetsWriter {
  bytes: Buffer = Buffer.alloc(0);
  byteLength = 0;
  #initialByteCapacity = 1024;

  /** Makes room for `extra` more bytes. */
  reserveBytes(extra: number): void {
    const needed = this.byteLength + extra;
    if (needed <= this.bytes.length) return;
    let size = Math.max(this.bytes.length * 2, this.#initialByteCapacity);
    while (size < needed) size *= 2;
    const buffers = this.cursor.buffers;
    const bytes = Buffer.from(buffers.take(size));
    this.bytes.copy(bytes, 0, 0, this.byteLength);
    buffers.giveBack(this.bytes.buffer as ArrayBuffer);
    this.bytes = bytes;
  }


  protected override clearSlot(index: number): void {
    this.offsets[index + 1] = this.byteLength;
  }

  protected valueBytes(): number {
    return (this.length + 1) * 4 + this.byteLength;
  }

  protected buildData(nullBitmap: Uint8Array | undefined): Data {
    const valueOffsets = this.length === 0 ? new Int32Array(1) : this.offsets.subarray(0, this.length + 1);
    const data = new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.byteLength);
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, valueOffsets, data, nullBitmap } as Parameters<typeof makeData>[0]);
  }

  protected truncateValues(length: number): void {
    this.byteLength = this.offsets[length] ?? 0;
  }

  protected releaseValues(): void {
    this.#initialByteCapacity = Math.max(1024, withHeadroom(this.byteLength));
    this.cursor.buffers.lend(this.offsets.buffer as ArrayBuffer);
    this.cursor.buffers.lend(this.bytes.buffer as ArrayBuffer);
    this.offsets = EMPTY_OFFSETS;
    this.bytes = Buffer.alloc(0);
    this.byteLength = 0;
  }
}

interface WellFormedString {
  isWellFormed(): boolean;
}

class Utf8Writer extends VariableWidthWriter {
  append(value: unknown): void {
    if (value === null || value === undefined) return this.appendNull(value);
    if (typeof value !== 'string') this.failType(value, 'a string');
    // UTF-8 cannot carry a lone surrogate; Buffer.write would silently turn it into U+FFFD.
    if (!(value as unknown as WellFormedString).isWellFormed()) this.fail(value, 'contains a lone UTF-16 surrogate, which UTF-8 cannot encode');
    const index = this.length;
    if (index === this.capacity) this.grow();
    const start = this.byteLength;
    const length = value.length;
    // 3 bytes per UTF-16 unit bounds the UTF-8 size, so one pass writes without measuring first.
    this.reserveBytes(length * 3);
    const bytes = this.bytes;
    let end = start;
    if (length <= SHORT_STRING) {
      // Copying short ASCII strings in JS beats the native call of Buffer.write by 2-3×.
      let unit = 0;
      for (; unit < length; unit++) {
        const code = value.charCodeAt(unit);
        if (code >= 0x80) break;
        bytes[start + unit] = code;
      }
      end = unit === length ? start + length : start + bytes.write(value, start, 'utf8');
    } else {
      end = start + bytes.write(value, start, 'utf8');
    }
    this.closeSlot(index, end, value, 'the column exceeds 2 GiB of string data in one batch');
    this.byteLength = end;
  }
}

class BinaryWriter extends VariableWidthWriter {
  append(value: unknown): void {
    if (value === null || value === undefined) return this.appendNull(value);
    let source: Uint8Array;
    if (value instanceof Uint8Array) {
      source = value;
    } else if (value instanceof ArrayBuffer) {
      source = new Uint8Array(value);
    } else {
      return this.failType(value, 'a Uint8Array, Buffer or ArrayBuffer');
    }
    const index = this.length;
    if (index === this.capacity) this.grow();
    const end = this.byteLength + source.length;
    if (end > MAX_OFFSET) this.fail(value, 'the column exceeds 2 GiB of binary data in one batch');
    this.reserveBytes(source.length);
    this.bytes.set(source, this.byteLength);
    this.closeSlot(index, end, value, 'the column exceeds 2 GiB of binary data in one batch');
    this.byteLength = end;
  }
}

// --- List / Struct / Map ------------------------------------------------------------------------

class ListWriter extends OffsetsWriter {
  readonly child: ColumnWriter;

  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor, child: ColumnWriter) {
    super(field, path, nullable, cursor);
    this.child = child;
  }

  append(value: unknown): void {
    if (value === null || value === undefined) return this.appendNull(value);
    const index = this.length;
    if (index === this.capacity) this.grow();
    const child = this.child;
    if (Array.isArray(value)) {
      for (let item = 0; item < value.length; item++) child.append(value[item]);
    } else if (isListLike(value)) {
      for (const item of value) child.append(item);
    } else {
      this.failType(value, 'an array or another non-string iterable');
    }
    this.closeSlot(index, child.length, value, 'the list column exceeds 2^31 - 1 items in one batch');
  }

  override byteSize(): number {
    return this.length === 0 ? 0 : (this.length + 1) * 4 + bitmapBytes(this.length) + this.child.byteSize();
  }

  protected valueBytes(): number {
    return 0;
  }

  protected buildData(nullBitmap: Uint8Array | undefined): Data {
    const valueOffsets = this.length === 0 ? new Int32Array(1) : this.offsets.subarray(0, this.length + 1);
    const child = this.child.finish();
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, valueOffsets, child, nullBitmap } as Parameters<typeof makeData>[0]);
  }

  protected truncateValues(length: number): void {
    this.child.truncate(this.offsets[length] ?? 0);
  }

  protected releaseValues(): void {
    this.cursor.buffers.lend(this.offsets.buffer as ArrayBuffer);
    this.offsets = EMPTY_OFFSETS;
  }
}

function isListLike(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value && !(value instanceof String);
}

/** Objects that can be read by property name: not arrays, dates, binary or collections. */
function isRecordLike(value: unknown): value is Readonly<Record<string, unknown>> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof ArrayBuffer) &&
    !(value instanceof Set) &&
    !(value instanceof Map)
  );
}

class StructWriter extends ColumnWriter {
  readonly children: readonly ColumnWriter[];
  readonly names: readonly string[];
  readonly #readOwnOnly: boolean;

  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor, children: readonly ColumnWriter[]) {
    super(field, path, nullable, cursor);
    this.children = children;
    this.names = children.map((child) => child.field.name);
    this.#readOwnOnly = this.names.includes('__proto__');
  }

  append(value: unknown): void {
    if (value === null || value === undefined) return this.appendNull(value);
    const index = this.length;
    if (index === this.capacity) this.grow();
    const children = this.children;
    const names = this.names;
    if (value instanceof Map) {
      for (let c = 0; c < children.length; c++) (children[c] as ColumnWriter).append(value.get(names[c]));
    } else if (isRecordLike(value)) {
      for (let c = 0; c < children.length; c++) {
        const name = names[c] as string;
        (children[c] as ColumnWriter).append(this.#readOwnOnly ? ownProperty(value, name) : value[name]);
      }
    } else {
      this.failType(value, 'an object or a Map keyed by field name');
    }
    markValid(this, index);
    this.length = index + 1;
  }

  protected resize(): void {}

  protected clearSlot(): void {
    for (const child of this.children) child.appendPlaceholder();
  }

  override byteSize(): number {
    let total = this.length === 0 ? 0 : bitmapBytes(this.length);
    for (const child of this.children) total += child.byteSize();
    return total;
  }

  protected valueBytes(): number {
    return 0;
  }

  protected buildData(nullBitmap: Uint8Array | undefined): Data {
    const children = this.children.map((child) => child.finish());
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, children, nullBitmap } as Parameters<typeof makeData>[0]);
  }

  protected truncateValues(length: number): void {
    for (const child of this.children) child.truncate(length);
  }

  protected releaseValues(): void {}
}

/**
 * Map: a list of non-null `entries{key, value}` structs. The entries struct never has nulls, so
 * this writer keeps the key and value vectors itself and assembles the struct only at finish.
 */
class MapWriter extends OffsetsWriter {
  readonly entriesField: Field;
  readonly keys: ColumnWriter;
  readonly values: ColumnWriter;

  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor, entriesField: Field, keys: ColumnWriter, values: ColumnWriter) {
    super(field, path, nullable, cursor);
    this.entriesField = entriesField;
    this.keys = keys;
    this.values = values;
  }

  append(value: unknown): void {
    if (value === null || value === undefined) return this.appendNull(value);
    const index = this.length;
    if (index === this.capacity) this.grow();
    const keys = this.keys;
    const values = this.values;
    if (value instanceof Map) {
      for (const [key, item] of value) {
        keys.append(key);
        values.append(item);
      }
    } else if (Array.isArray(value)) {
      for (let entry = 0; entry < value.length; entry++) {
        const pair: unknown = value[entry];
        if (!Array.isArray(pair) || pair.length !== 2) this.fail(value, `entry ${entry} is not a [key, value] pair`);
        keys.append(pair[0]);
        values.append(pair[1]);
      }
    } else if (isRecordLike(value)) {
      for (const key of Object.keys(value)) {
        keys.append(key);
        values.append(value[key]);
      }
    } else {
      this.failType(value, 'a Map, an object or an array of [key, value] pairs');
    }
    this.closeSlot(index, keys.length, value, 'the map column exceeds 2^31 - 1 entries in one batch');
  }

  override byteSize(): number {
    if (this.length === 0) return 0;
    const entries = this.keys.length;
    // Java's entries StructVector has its own (all-set) validity buffer, so count it too.
    return (this.length + 1) * 4 + bitmapBytes(this.length) + bitmapBytes(entries) + this.keys.byteSize() + this.values.byteSize();
  }

  protected valueBytes(): number {
    return 0;
  }

  protected buildData(nullBitmap: Uint8Array | undefined): Data {
    const valueOffsets = this.length === 0 ? new Int32Array(1) : this.offsets.subarray(0, this.length + 1);
    const entryCount = this.keys.length;
    const children = [this.keys.finish(), this.values.finish()];
    const child = makeData({ type: this.entriesField.type, length: entryCount, nullCount: 0, children } as Parameters<typeof makeData>[0]);
    return makeData({ type: this.field.type, length: this.length, nullCount: this.nullCount, valueOffsets, child, nullBitmap } as Parameters<typeof makeData>[0]);
  }

  protected truncateValues(length: number): void {
    const entries = this.offsets[length] ?? 0;
    this.keys.truncate(entries);
    this.values.truncate(entries);
  }

  protected releaseValues(): void {
    this.cursor.buffers.lend(this.offsets.buffer as ArrayBuffer);
    this.offsets = EMPTY_OFFSETS;
  }
}

// --- Construction -------------------------------------------------------------------------------

/** Picks the writer class for a field once, so appends never dispatch on the type. */
function createColumnWriter(field: Field, path: string, nullable: boolean, cursor: RowCursor): ColumnWriter {
  const type = field.type;
  if (DataType.isBool(type)) return new BoolWriter(field, path, nullable, cursor);
  if (DataType.isInt(type) && type.isSigned) {
    if (type.bitWidth === 64) return new BigIntWriter(field, path, nullable, cursor);
    if (type.bitWidth === 8 || type.bitWidth === 16 || type.bitWidth === 32) return new SmallIntWriter(field, path, nullable, cursor, type.bitWidth);
  }
  if (DataType.isFloat(type) && type.precision !== Precision.HALF) {
    return new FloatWriter(field, path, nullable, cursor, type.precision === Precision.SINGLE);
  }
  if (DataType.isDecimal(type) && type.bitWidth === 128) {
    if (!Number.isInteger(type.precision) || type.precision < 1 || type.precision > MAX_DECIMAL128_PRECISION) {
      throw new TypeError(`Column ${JSON.stringify(path)} has decimal precision ${type.precision}; Decimal128 allows 1 to ${MAX_DECIMAL128_PRECISION}`);
    }
    return new DecimalWriter(field, path, nullable, cursor, type.precision, type.scale);
  }
  if (DataType.isUtf8(type)) return new Utf8Writer(field, path, nullable, cursor);
  if (DataType.isBinary(type)) return new BinaryWriter(field, path, nullable, cursor);
  if (DataType.isDate(type)) {
    return type.unit === DateUnit.DAY ? new DateDayWriter(field, path, nullable, cursor) : new DateMillisecondWriter(field, path, nullable, cursor);
  }
  if (DataType.isTimestamp(type)) {
    if (type.unit === TimeUnit.MILLISECOND) {
      if (typeof type.timezone !== 'string' || type.timezone === '') {
        throw new TypeError(`Column ${JSON.stringify(path)} is a Timestamp(MILLISECOND) without a time zone; Athena needs Timestamp(MILLISECOND, tz)`);
      }
      return new TimestampMillisecondWriter(field, path, nullable, cursor, type.timezone);
    }
    if (type.unit === TimeUnit.MICROSECOND) return new TimestampMicrosecondWriter(field, path, nullable, cursor);
  }
  if (DataType.isList(type)) {
    const item = type.children[0];
    if (item === undefined) throw new TypeError(`List column ${JSON.stringify(path)} has no item field`);
    return new ListWriter(field, path, nullable, cursor, createColumnWriter(item, `${path}[]`, item.nullable, cursor));
  }
  if (DataType.isStruct(type)) {
    const children = type.children.map((child) => createColumnWriter(child, `${path}.${child.name}`, child.nullable, cursor));
    return new StructWriter(field, path, nullable, cursor, children);
  }
  if (DataType.isMap(type)) {
    const entries = type.children[0];
    const key = entries?.type.children?.[0];
    const value = entries?.type.children?.[1];
    if (entries === undefined || key === undefined || value === undefined) {
      throw new TypeError(`Map column ${JSON.stringify(path)} lacks its entries{key, value} struct`);
    }
    // Arrow forbids null map keys whatever the key field claims.
    const keys = createColumnWriter(key, `${path}[].key`, false, cursor);
    const values = createColumnWriter(value, `${path}[].value`, value.nullable, cursor);
    return new MapWriter(field, path, nullable, cursor, entries, keys, values);
  }
  throw new TypeError(`Column ${JSON.stringify(path)} has Arrow type ${describeType(type)}, which Athena connectors do not support`);
}

// --- ISO-8601 -----------------------------------------------------------------------------------

interface ParsedDateTime {
  /** Days since 1970-01-01 of the calendar date as written (before any offset). */
  readonly days: number;
  /** Seconds since the epoch: the wall clock read as UTC, minus the offset if there is one. */
  readonly epochSeconds: number;
  /** Fraction of the second, in nanoseconds. */
  readonly nanos: number;
  readonly hasTime: boolean;
  readonly hasOffset: boolean;
}

const ISO_DATE_TIME = /^([+-]\d{6}|\d{4})-(\d\d)-(\d\d)(?:[Tt ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d\d(?::?\d\d)?)?)?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses `YYYY-MM-DD`, optionally followed by `THH:MM[:SS[.fffffffff]]` and `Z`/`±HH[:MM]`, with
 * strict calendar checks. `Date.parse` is not used: it reads offset-less date-times in the host's
 * zone and accepts many non-ISO shapes. A space may replace the `T`, as SQL databases print it.
 */
function parseIsoDateTime(text: string): ParsedDateTime | undefined {
  const match = ISO_DATE_TIME.exec(text);
  if (match === null) return undefined;
  const [, yearText = '', monthText = '', dayText = '', hourText, minuteText, secondText, fractionText, offsetText] = match;
  if (yearText === '-000000') return undefined;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const days = daysFromCivil(year, month, day);
  if (hourText === undefined) {
    return { days, epochSeconds: days * 86_400, nanos: 0, hasTime: false, hasOffset: false };
  }
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText ?? '0');
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const nanos = fractionText === undefined ? 0 : Number(fractionText.padEnd(9, '0'));
  let offsetSeconds = 0;
  if (offsetText !== undefined && offsetText !== 'Z' && offsetText !== 'z') {
    const offsetHours = Number(offsetText.slice(1, 3));
    const offsetMinutes = Number(offsetText.slice(offsetText.length - 2));
    const minutes = offsetText.length > 3 ? offsetMinutes : 0;
    if (minutes > 59 || offsetHours * 60 + minutes > 18 * 60) return undefined;
    offsetSeconds = (offsetText.startsWith('-') ? -1 : 1) * (offsetHours * 3600 + minutes * 60);
  }
  const epochSeconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds;
  return { days, epochSeconds, nanos, hasTime: true, hasOffset: offsetText !== undefined };
}

/** Epoch millis of an ISO string; `requireOffset` for instants, else offset-less = UTC wall clock. */
function isoMillisOf(writer: ColumnWriter, text: string, requireOffset: boolean): number {
  const parsed = parseIsoDateTime(text);
  if (parsed === undefined) return writer.fail(text, 'not a valid ISO-8601 date or date-time');
  if (requireOffset && !parsed.hasOffset) writer.fail(text, 'has no UTC offset, so it names no instant');
  if (parsed.nanos % 1_000_000 !== 0) writer.fail(text, 'has sub-millisecond digits that would be lost');
  const millis = parsed.epochSeconds * 1000 + parsed.nanos / 1_000_000;
  if (!Number.isSafeInteger(millis)) writer.fail(text, 'is too far from 1970 to convert exactly');
  return millis;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

// --- Descriptions -------------------------------------------------------------------------------

function ownProperty(record: Readonly<Record<string, unknown>>, name: string): unknown {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/** A readable Arrow type for messages: `Int32`, `Decimal(10, 2)`, `List<Struct<a: Utf8>>`. */
function describeType(type: DataType): string {
  if (DataType.isInt(type)) return `${type.isSigned ? 'Int' : 'Uint'}${type.bitWidth}`;
  if (DataType.isFloat(type)) return type.precision === Precision.HALF ? 'Float16' : type.precision === Precision.SINGLE ? 'Float32' : 'Float64';
  if (DataType.isDecimal(type)) return `Decimal(${type.precision}, ${type.scale})`;
  if (DataType.isDate(type)) return type.unit === DateUnit.DAY ? 'DateDay' : 'DateMillisecond';
  if (DataType.isTimestamp(type)) {
    const zone = typeof type.timezone === 'string' ? `, ${type.timezone}` : '';
    return `Timestamp(${TimeUnit[type.unit]}${zone})`;
  }
  if (DataType.isList(type)) return `List<${type.children[0] === undefined ? '?' : describeType(type.children[0].type)}>`;
  if (DataType.isStruct(type)) return `Struct<${type.children.map((child) => `${child.name}: ${describeType(child.type)}`).join(', ')}>`;
  if (DataType.isMap(type)) {
    const [key, value] = type.children[0]?.type.children ?? [];
    return `Map<${key === undefined ? '?' : describeType(key.type)}, ${value === undefined ? '?' : describeType(value.type)}>`;
  }
  return String(type);
}

function describeJsType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return 'Array';
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === null || prototype === Object.prototype) return 'object';
  const name: unknown = (prototype as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}

function previewValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
      return String(value);
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    default:
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      return '';
  }
}
