// Column writers with a fixed number of bytes per slot: Bool (bits), Int8/16/32, Float32/64, Int64
// and Decimal128. The typed-array ones share one generic base that owns their buffer life cycle.

import { makeData, type Data, type Field } from 'apache-arrow';

import {
  powerOfTen,
  safeUnscaledOfNumber,
  safeUnscaledOfString,
  toUnscaledDecimal,
  writeDecimal128,
  writeSafeDecimal128,
} from '../decimal.js';
import { ColumnWriter, bitmapBytes, markValid, type RowCursor } from './column-writer.js';

const TWO_POW_32 = 4294967296;
export const INT64_MIN_NUMBER = -(2 ** 63);
export const INT64_LIMIT_NUMBER = 2 ** 63;
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

const EMPTY_BYTES = new Uint8Array(0);

const INTEGER_STRING = /^[+-]?\d+$/;
const INTEGER_VALUES = 'an integer number, a bigint or a decimal-integer string';
const FLOAT_STRING = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE_FLOAT_STRING = /^(?:NaN|[+-]?Infinity)$/;
const NONZERO_DIGIT = /[1-9]/;

// --- Bool ---------------------------------------------------------------------------------------

export class BoolWriter extends ColumnWriter {
  bits: Uint8Array = EMPTY_BYTES;

  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendNull(value);
      return;
    }
    if (typeof value !== 'boolean') this.failType(value, 'true or false');
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

// --- The typed-array base -----------------------------------------------------------------------

type SlotArray = Int8Array | Int16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

interface SlotArrayType<Values extends SlotArray> {
  readonly BYTES_PER_ELEMENT: number;
  new (length: number): Values;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): Values;
}

/**
 * A column of `elementsPerSlot` typed-array elements per slot, in pooled buffers: growth copies into
 * a pooled buffer and gives the outgrown one back, finish lends the buffer to the batch. Leaf
 * classes only append; Int64 sees its slots as two int32 words (see {@link Int64Writer}).
 */
abstract class FixedWidthWriter<Values extends SlotArray> extends ColumnWriter {
  // `declare`: no class-field define step (which would create it as undefined), so the property is
  // born holding its typed array and V8 keeps a precise field type for the per-row stores.
  declare values: Values;
  readonly #ArrayType: SlotArrayType<Values>;
  readonly #elementsPerSlot: number;

  constructor(
    field: Field,
    path: string,
    nullable: boolean,
    cursor: RowCursor,
    ArrayType: SlotArrayType<Values>,
    elementsPerSlot: number,
  ) {
    super(field, path, nullable, cursor);
    this.#ArrayType = ArrayType;
    this.#elementsPerSlot = elementsPerSlot;
    this.values = new ArrayType(0);
  }

  protected resize(capacity: number): void {
    const previous = this.values;
    const buffers = this.cursor.buffers;
    const elements = capacity * this.#elementsPerSlot;
    const values = new this.#ArrayType(buffers.take(elements * this.#ArrayType.BYTES_PER_ELEMENT), 0, elements);
    values.set(previous);
    buffers.giveBack(previous.buffer as ArrayBuffer);
    this.values = values;
  }

  protected clearSlot(index: number): void {
    const perSlot = this.#elementsPerSlot;
    if (perSlot === 1) {
      this.values[index] = 0;
    } else {
      this.values.fill(0, index * perSlot, index * perSlot + perSlot);
    }
  }

  protected valueBytes(): number {
    return this.length * this.#elementsPerSlot * this.#ArrayType.BYTES_PER_ELEMENT;
  }

  protected buildData(nullBitmap: Uint8Array | undefined): Data {
    // apache-arrow views these elements as the type's own array (Int64's words as a BigInt64Array) without copying.
    const data = this.values.subarray(0, this.length * this.#elementsPerSlot);
    return makeData({
      type: this.field.type,
      length: this.length,
      nullCount: this.nullCount,
      data,
      nullBitmap,
    } as Parameters<typeof makeData>[0]);
  }

  protected truncateValues(): void {}

  protected releaseValues(): void {
    this.cursor.buffers.lend(this.values.buffer as ArrayBuffer);
    this.values = new this.#ArrayType(0);
  }
}

// --- Int8/16/32 (and DateDay): one 32-bit-or-narrower number per slot ---------------------------

type SmallIntArray = Int8Array | Int16Array | Int32Array;

export class SmallIntWriter extends FixedWidthWriter<SmallIntArray> {
  readonly min: number;
  readonly max: number;
  /** What to yield instead of an integer outside [min, max]. */
  protected readonly outOfRangeRemedy: string;
  /** The values this column takes, for the remedy of a value that is no integer. */
  protected readonly accepted: string;

  /** `accepted` and `outOfRangeRemedy` replace the integer advice for subclasses that are not plain integers (DateDay). */
  constructor(
    field: Field,
    path: string,
    nullable: boolean,
    cursor: RowCursor,
    bitWidth: 8 | 16 | 32,
    accepted = INTEGER_VALUES,
    outOfRangeRemedy?: string,
  ) {
    super(field, path, nullable, cursor, bitWidth === 8 ? Int8Array : bitWidth === 16 ? Int16Array : Int32Array, 1);
    this.max = 2 ** (bitWidth - 1) - 1;
    this.min = -this.max - 1;
    this.accepted = accepted;
    this.outOfRangeRemedy =
      outOfRangeRemedy ??
      `yield an integer in that range, or declare ${bitWidth === 32 ? 'an Int64' : 'a wider integer'} column`;
  }

  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendNull(value);
      return;
    }
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
    const integer = integerOf(this, value, this.accepted);
    if (integer < this.min || integer > this.max)
      this.fail(
        value,
        `the integer is outside the range [${this.min}, ${this.max}] of ${this.arrowType}`,
        this.outOfRangeRemedy,
      );
    return Number(integer);
  }
}

/**
 * The integer a number, bigint or decimal-integer string denotes, or a ValueCoercionError whose
 * remedy lists `accepted`. A number comes back as a number (any integer double is exact), the rest
 * as bigint.
 */
export function integerOf(writer: ColumnWriter, value: unknown, accepted: string): number | bigint {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      const hint = accepted === INTEGER_VALUES ? '; a column of fractions is Float64 or Decimal' : '';
      writer.fail(
        value,
        'the number is not an integer (it has a fraction, or is NaN or ±Infinity)',
        `yield ${accepted}${hint}`,
      );
    }
    return value;
  }
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string') {
    if (!INTEGER_STRING.test(value))
      writer.fail(value, 'the string is not a decimal integer (an optional sign and digits only)', `yield ${accepted}`);
    return BigInt(value);
  }
  return writer.failType(value, accepted);
}

// --- Float32/64 ---------------------------------------------------------------------------------

export class FloatWriter extends FixedWidthWriter<Float32Array | Float64Array> {
  readonly single: boolean;

  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor, single: boolean) {
    super(field, path, nullable, cursor, single ? Float32Array : Float64Array, 1);
    this.single = single;
  }

  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendNull(value);
      return;
    }
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
      if (!Number.isFinite(number) || BigInt(number) !== value)
        this.fail(
          value,
          'the bigint has no exact double (more than 53 significant bits, or beyond ±1.8e308)',
          'yield a number, or declare a Decimal or Int64 column for exact integers',
        );
    } else if (typeof value === 'string') {
      number = parseFloatString(this, value);
    } else {
      return this.failType(value, 'a number, a bigint or a numeric string');
    }
    if (this.single && Math.fround(number) !== number && !Number.isNaN(number)) {
      this.fail(
        value,
        'the number has no exact 32-bit float',
        'yield Math.fround(value) if rounding is intended, or declare a Float64 column',
      );
    }
    return number;
  }
}

function parseFloatString(writer: ColumnWriter, text: string): number {
  if (NON_FINITE_FLOAT_STRING.test(text)) return Number(text);
  if (!FLOAT_STRING.test(text))
    writer.fail(
      text,
      'the string is not a number',
      'yield a number, or a string of digits with an optional sign, point and exponent, NaN or ±Infinity',
    );
  const number = Number(text);
  if (!Number.isFinite(number))
    writer.fail(
      text,
      'the numeric string is beyond the largest double (±1.8e308)',
      'yield a value a double holds, or declare a Decimal column',
    );
  if (number === 0 && NONZERO_DIGIT.test(text.split(/[eE]/)[0] ?? ''))
    writer.fail(
      text,
      'the numeric string is below the smallest double (5e-324) and would become zero',
      'yield a value a double holds, or declare a Decimal column',
    );
  return number;
}

// --- 64-bit integers: Int64 here; DateMillisecond and Timestamps in temporal.ts -----------------

/**
 * Holds int64 slots in one buffer seen two ways: int32 halves (`values`, two per slot), so number
 * inputs are stored with two exact double operations instead of a BigInt allocation, and int64s
 * (`longs`) for bigint inputs.
 */
export abstract class Int64Writer extends FixedWidthWriter<Int32Array> {
  longs: BigInt64Array = new BigInt64Array(0);

  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor) {
    super(field, path, nullable, cursor, Int32Array, 2);
  }

  /** Stores an integer double in [-2^63, 2^63); `| 0` keeps the low 32 bits exactly. */
  storeNumber(index: number, value: number): void {
    const high = Math.floor(value / TWO_POW_32);
    this.values[2 * index] = value | 0;
    this.values[2 * index + 1] = high;
  }

  /** Stores an int64 given as a number or bigint, rejecting anything else. */
  storeInteger(index: number, value: unknown, integer: number | bigint): void {
    if (typeof integer === 'number') {
      if (!(integer >= INT64_MIN_NUMBER && integer < INT64_LIMIT_NUMBER)) this.failOutOfRange(value);
      this.storeNumber(index, integer);
    } else {
      if (integer < INT64_MIN || integer > INT64_MAX) this.failOutOfRange(value);
      this.longs[index] = integer;
    }
  }

  failOutOfRange(value: unknown): never {
    return this.fail(
      value,
      `the integer is outside the signed 64-bit range [-2^63, 2^63 - 1] of ${this.arrowType}`,
      'yield an integer in that range',
    );
  }

  protected override resize(capacity: number): void {
    super.resize(capacity);
    this.longs = new BigInt64Array(this.values.buffer as ArrayBuffer, 0, capacity);
  }

  protected override releaseValues(): void {
    super.releaseValues();
    this.longs = new BigInt64Array(0);
  }
}

export class BigIntWriter extends Int64Writer {
  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendNull(value);
      return;
    }
    const index = this.length;
    if (index === this.capacity) this.grow();
    if (typeof value === 'bigint') {
      if (value < INT64_MIN || value > INT64_MAX) this.failOutOfRange(value);
      this.longs[index] = value;
    } else if (Number.isSafeInteger(value)) {
      this.storeNumber(index, value as number);
    } else {
      // Beyond 2^53 doubles skip integers, so such a number may have been rounded before it got here
      // (a driver reading BIGINT as a double does that silently); only a bigint or string is exact.
      if (Number.isInteger(value))
        this.fail(
          value,
          'the number is beyond ±(2^53 - 1), where a double cannot hold every integer, so it may already have been rounded',
          'yield a bigint or a decimal-integer string (read the source value without going through a double)',
        );
      this.storeInteger(index, value, integerOf(this, value, INTEGER_VALUES));
    }
    markValid(this, index);
    this.length = index + 1;
  }
}

// --- Decimal(p, s) ------------------------------------------------------------------------------

export class DecimalWriter extends FixedWidthWriter<Uint32Array> {
  readonly scale: number;
  readonly precision: number;
  /** 10^precision: the smallest magnitude that no longer fits. */
  readonly #limit: bigint;
  /** The same limit as a double, for the fast path. */
  readonly #numberLimit: number;

  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor, precision: number, scale: number) {
    super(field, path, nullable, cursor, Uint32Array, 4);
    this.precision = precision;
    this.scale = scale;
    this.#limit = powerOfTen(precision);
    // The fast path yields at most 15 digits, which every precision above 15 holds.
    this.#numberLimit = precision <= 15 ? Number(this.#limit) : Number.POSITIVE_INFINITY;
  }

  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendNull(value);
      return;
    }
    if (typeof value === 'number' || typeof value === 'string') {
      const unscaled =
        typeof value === 'number' ? safeUnscaledOfNumber(value, this.scale) : safeUnscaledOfString(value, this.scale);
      if (unscaled !== undefined && unscaled < this.#numberLimit && unscaled > -this.#numberLimit) {
        const index = this.length;
        if (index === this.capacity) this.grow();
        writeSafeDecimal128(this.values, index, unscaled);
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
      this.failType(value, 'a number, a bigint or a decimal string');
    }
    let unscaled: bigint;
    try {
      unscaled = toUnscaledDecimal(value, this.scale);
    } catch {
      // The parser's own message quotes the value, so it is neither kept nor chained.
      this.failUnparsable(value);
    }
    if (unscaled >= this.#limit || unscaled <= -this.#limit) {
      const integerDigits = this.precision - this.scale;
      this.fail(
        value,
        `rounded to scale ${this.scale} it needs more than the ${this.precision} digits of ${this.arrowType}`,
        integerDigits > 0
          ? `yield a value under 10^${integerDigits} in magnitude, or declare a larger precision (at most 38)`
          : 'yield a smaller value, or declare a larger precision (at most 38)',
      );
    }
    const index = this.length;
    if (index === this.capacity) this.grow();
    writeDecimal128(this.values, index, unscaled);
    markValid(this, index);
    this.length = index + 1;
  }

  failUnparsable(value: number | bigint | string): never {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return this.fail(
        value,
        'the number is NaN or ±Infinity, which no decimal holds',
        'yield a finite number, or null',
      );
    }
    if (typeof value === 'string' && !FLOAT_STRING.test(value)) {
      return this.fail(
        value,
        'the string is not a decimal number',
        'yield digits with an optional sign, point and exponent, such as "-12.50" or "1.5e3"',
      );
    }
    return this.fail(
      value,
      'the value has more digits than any decimal128 holds',
      'yield a value under 10^38 in magnitude',
    );
  }
}
