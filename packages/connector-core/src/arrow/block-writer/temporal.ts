// Date and timestamp column writers: DateDay, DateMillisecond, Timestamp(MILLISECOND, tz) in
// Athena's packed layout, and Timestamp(MICROSECOND, tz) as raw epoch micros.

import type { Field } from 'apache-arrow';

import { MILLIS_PER_DAY, parseIsoDateTime } from '../calendar.js';
import { packTimestampWithZone, zoneIdOf, zoneKeyOf } from '../time-zone-key.js';
import { markValid, type ColumnWriter, type RowCursor } from './column-writer.js';
import { INT64_LIMIT_NUMBER, INT64_MAX, INT64_MIN, INT64_MIN_NUMBER, Int64Writer, SmallIntWriter, integerOf } from './fixed-width.js';

const TWO_POW_20 = 1048576;
/** Epoch millis that survive `<< 12` in an int64, the packed Timestamp(MILLISECOND, tz) layout. */
const MIN_PACKABLE_MILLIS = -(2 ** 51);
const MAX_PACKABLE_MILLIS = 2 ** 51 - 1;
/** Epoch millis whose × 1000 is still an exact double. */
const MAX_EXACT_MICROS_MILLIS = 9_007_199_254_740;

export class DateDayWriter extends SmallIntWriter {
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

export class DateMillisecondWriter extends Int64Writer {
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
export class TimestampMillisecondWriter extends Int64Writer {
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
    this.values[2 * index] = (millis - high * TWO_POW_20) * 4096 + zoneKey;
    this.values[2 * index + 1] = high;
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
export class TimestampMicrosecondWriter extends Int64Writer {
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

