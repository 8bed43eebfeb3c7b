// Date and timestamp column writers: DateDay, DateMillisecond, Timestamp(MILLISECOND, tz) in
// Athena's packed layout, and Timestamp(MICROSECOND, tz) as raw epoch micros.

import type { Field } from 'apache-arrow';

import { MILLIS_PER_DAY, parseIsoDateTime, type IsoDateTime } from '../calendar.js';
import { packTimestampWithZone, zoneIdOf, zoneKeyOf } from '../time-zone-key.js';
import { markValid, type ColumnWriter, type RowCursor } from './column-writer.js';
import { Int64Writer, SmallIntWriter, integerOf } from './fixed-width.js';

const TWO_POW_20 = 1048576;
/** Epoch millis that survive `<< 12` in an int64, the packed Timestamp(MILLISECOND, tz) layout. */
const MIN_PACKABLE_MILLIS = -(2 ** 51);
const MAX_PACKABLE_MILLIS = 2 ** 51 - 1;
const MIN_PACKABLE_MILLIS_BIGINT = BigInt(MIN_PACKABLE_MILLIS);
const MAX_PACKABLE_MILLIS_BIGINT = BigInt(MAX_PACKABLE_MILLIS);
/** Epoch millis whose × 1000 is still an exact double. */
const MAX_EXACT_MICROS_MILLIS = 9_007_199_254_740;

const DATE_DAY_VALUES = 'a Date (its UTC day), an integer number of days since 1970-01-01 or a YYYY-MM-DD string';
const DATE_MILLIS_VALUES =
  'a Date, integer epoch milliseconds (a number or bigint) or an ISO-8601 date or date-time string';
const TIMESTAMP_MILLIS_VALUES =
  'a Date, integer epoch milliseconds (a number or bigint), an ISO-8601 date-time string with an offset, or { epochMillis, zone }';
const TIMESTAMP_MICROS_VALUES =
  'integer epoch microseconds (a bigint or number), a Date, or an ISO-8601 date-time string with an offset';
const ZONE_REMEDY =
  'yield { epochMillis, zone } with an IANA zone id such as "Europe/Berlin", an offset such as "+05:30", or "UTC"';

export class DateDayWriter extends SmallIntWriter {
  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor) {
    super(
      field,
      path,
      nullable,
      cursor,
      32,
      DATE_DAY_VALUES,
      'yield a day count in that range (about 5.8 million years either side of 1970)',
    );
  }

  override append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendNull(value);
      return;
    }
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
      if (parsed === undefined)
        this.fail(value, 'the string is not a YYYY-MM-DD date naming a real day', `yield ${DATE_DAY_VALUES}`);
      if (parsed.hasTime)
        this.fail(
          value,
          'the string has a time of day, which a DateDay column cannot hold',
          'yield its date part alone (YYYY-MM-DD), or declare a DateMillisecond or Timestamp column',
        );
      return parsed.days;
    }
    if (typeof value === 'number' || typeof value === 'bigint') return super.coerce(value);
    return this.failType(value, DATE_DAY_VALUES);
  }
}

/** Epoch millis of a Date, refusing an invalid one. */
function millisOfDate(writer: ColumnWriter, date: Date): number {
  const millis = date.getTime();
  if (Number.isNaN(millis))
    writer.fail(date, 'the Date is invalid (its getTime() is NaN)', 'yield a valid Date, or null');
  return millis;
}

function utcDayOf(writer: ColumnWriter, date: Date): number {
  const millis = millisOfDate(writer, date);
  // Floor division without a rounded float quotient: remainder first, then an exact division.
  const remainder = millis % MILLIS_PER_DAY;
  return (millis - remainder) / MILLIS_PER_DAY - (remainder < 0 ? 1 : 0);
}

export class DateMillisecondWriter extends Int64Writer {
  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendNull(value);
      return;
    }
    const index = this.length;
    if (index === this.capacity) this.grow();
    if (value instanceof Date) {
      this.storeNumber(index, millisOfDate(this, value));
    } else if (typeof value === 'string') {
      this.storeNumber(index, isoMillisOf(this, value, false, DATE_MILLIS_VALUES));
    } else if (typeof value === 'number' || typeof value === 'bigint') {
      this.storeInteger(index, value, integerOf(this, value, DATE_MILLIS_VALUES));
    } else {
      this.failType(value, DATE_MILLIS_VALUES);
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
    if (value === null || value === undefined) {
      this.appendNull(value);
      return;
    }
    const index = this.length;
    if (index === this.capacity) this.grow();
    if (typeof value === 'number' && Number.isInteger(value)) {
      this.storePacked(index, value, value, this.fieldZoneKey);
    } else if (value instanceof Date) {
      this.storePacked(index, value, millisOfDate(this, value), this.fieldZoneKey);
    } else {
      this.appendOther(index, value);
    }
    markValid(this, index);
    this.length = index + 1;
  }

  appendOther(index: number, value: unknown): void {
    if (typeof value === 'number') {
      this.fail(value, 'the number is not an integer count of epoch milliseconds', `yield ${TIMESTAMP_MILLIS_VALUES}`);
    } else if (typeof value === 'bigint') {
      this.storePackedBigInt(index, value, value, this.fieldZoneKey);
    } else if (typeof value === 'string') {
      this.storePacked(index, value, isoMillisOf(this, value, true, TIMESTAMP_MILLIS_VALUES), this.fieldZoneKey);
    } else if (typeof value === 'object' && value !== null && 'epochMillis' in value) {
      const { epochMillis } = value as { epochMillis: unknown };
      const zoneKey = this.zoneKeyIn(value);
      if (typeof epochMillis === 'bigint') {
        this.storePackedBigInt(index, value, epochMillis, zoneKey);
      } else if (typeof epochMillis === 'number' && Number.isInteger(epochMillis)) {
        this.storePacked(index, value, epochMillis, zoneKey);
      } else {
        this.fail(
          value,
          'its epochMillis is not an integer number or a bigint',
          'yield { epochMillis, zone } with integer epoch milliseconds',
        );
      }
    } else {
      this.failType(value, TIMESTAMP_MILLIS_VALUES);
    }
  }

  /** The zone key of a `{ zone }` (or reader-style `{ zoneId }`) value, memoised per spelling. */
  zoneKeyIn(value: object): number {
    const { zone, zoneId } = value as { zone?: unknown; zoneId?: unknown };
    const spelling = zone ?? zoneId;
    if (typeof spelling !== 'string' && typeof spelling !== 'number') {
      return this.fail(value, 'its zone is neither a time-zone id string nor an Athena zone key', ZONE_REMEDY);
    }
    let key = this.#zoneKeys.get(spelling);
    if (key === undefined) {
      try {
        if (typeof spelling === 'number') {
          zoneIdOf(spelling); // throws for a key that names no zone
          key = spelling;
        } else {
          key = zoneKeyOf(spelling);
        }
      } catch {
        // The lookup's message quotes the zone, part of the value, so it is neither kept nor chained.
        return this.fail(value, 'its zone names no time zone Athena knows', ZONE_REMEDY);
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
    if (!(millis >= MIN_PACKABLE_MILLIS && millis <= MAX_PACKABLE_MILLIS)) this.failUnpackable(value);
    const high = Math.floor(millis / TWO_POW_20);
    this.values[2 * index] = (millis - high * TWO_POW_20) * 4096 + zoneKey;
    this.values[2 * index + 1] = high;
  }

  storePackedBigInt(index: number, value: unknown, millis: bigint, zoneKey: number): void {
    if (millis < MIN_PACKABLE_MILLIS_BIGINT || millis > MAX_PACKABLE_MILLIS_BIGINT) this.failUnpackable(value);
    this.longs[index] = packTimestampWithZone(millis, zoneKey);
  }

  failUnpackable(value: unknown): never {
    return this.fail(
      value,
      "the instant is outside the epoch milliseconds [-2^51, 2^51 - 1] that Athena's packed timestamp with time zone holds (about 71,000 years either side of 1970)",
      'yield an instant within that range',
    );
  }
}

/** Timestamp(MICROSECOND, tz): raw epoch micros; Java refuses to pack these, and so do we. */
export class TimestampMicrosecondWriter extends Int64Writer {
  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendNull(value);
      return;
    }
    const index = this.length;
    if (index === this.capacity) this.grow();
    if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) {
      this.storeInteger(index, value, value);
    } else if (value instanceof Date) {
      const millis = millisOfDate(this, value);
      if (Math.abs(millis) <= MAX_EXACT_MICROS_MILLIS) {
        this.storeNumber(index, millis * 1000);
      } else {
        this.longs[index] = BigInt(millis) * 1000n;
      }
    } else if (typeof value === 'string') {
      const parsed = parseIsoInstant(this, value, true, 6, TIMESTAMP_MICROS_VALUES);
      this.storeInteger(index, value, BigInt(parsed.epochSeconds) * 1_000_000n + BigInt(parsed.nanos / 1000));
    } else if (typeof value === 'number') {
      this.fail(value, 'the number is not an integer count of epoch microseconds', `yield ${TIMESTAMP_MICROS_VALUES}`);
    } else {
      this.failType(value, TIMESTAMP_MICROS_VALUES);
    }
    markValid(this, index);
    this.length = index + 1;
  }
}

/**
 * `text` parsed as ISO-8601, refused unless it is a real date (and time), carries an offset when
 * `requireOffset`, and has only zeros past `keptDigits` fraction digits. `accepted` lists the
 * column's values for the remedy.
 */
function parseIsoInstant(
  writer: ColumnWriter,
  text: string,
  requireOffset: boolean,
  keptDigits: 3 | 6,
  accepted: string,
): IsoDateTime {
  const parsed = parseIsoDateTime(text);
  if (parsed === undefined) {
    return writer.fail(
      text,
      'the string is not an ISO-8601 date or date-time (YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM]) naming a real day and time',
      `yield ${accepted}`,
    );
  }
  if (requireOffset && !parsed.hasOffset) {
    writer.fail(
      text,
      'the date-time string has no UTC offset, so it names no instant',
      'yield it with Z or ±HH:MM appended, or a Date or an integer epoch count',
    );
  }
  if (parsed.nanos % 10 ** (9 - keptDigits) !== 0) {
    const unit = keptDigits === 3 ? 'millisecond' : 'microsecond';
    const remedy =
      keptDigits === 3
        ? 'yield it cut or rounded to milliseconds, or declare a Timestamp(MICROSECOND, tz) column to keep microseconds'
        : 'yield it cut or rounded to microseconds; Athena keeps no nanoseconds';
    writer.fail(
      text,
      `the string has ${parsed.fractionDigits} fraction digits and a ${unit} column keeps ${keptDigits} (only zeros may follow them)`,
      remedy,
    );
  }
  return parsed;
}

/** Epoch millis of an ISO string; `requireOffset` for instants, else offset-less = UTC wall clock. */
function isoMillisOf(writer: ColumnWriter, text: string, requireOffset: boolean, accepted: string): number {
  const parsed = parseIsoInstant(writer, text, requireOffset, 3, accepted);
  const millis = parsed.epochSeconds * 1000 + parsed.nanos / 1_000_000;
  if (!Number.isSafeInteger(millis))
    writer.fail(
      text,
      'the date-time is too far from 1970 for exact epoch milliseconds',
      'yield a date-time within about 285,000 years of 1970',
    );
  return millis;
}
