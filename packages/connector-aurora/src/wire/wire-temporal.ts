/**
 * DATE, DATETIME and TIMESTAMP values of MySQL binary-protocol rows, read from their fixed fields
 * (a length byte, then year, month, day, hour, minute, second, microseconds, as many as the length
 * says) into the day and millisecond counts Arrow stores, or into the text Athena gets for a
 * DATETIME finer than milliseconds. Zero dates (`0000-00-00`, `2024-00-10`) are NULL to Athena, as
 * Connector/J's `zeroDateTimeBehavior=CONVERT_TO_NULL` makes them.
 */
import { MILLIS_PER_DAY, daysFromCivil, isCalendarDate } from '@athena-federation/connector-core';
import { WireValueError } from './wire-values.js';

const TWO_TO_32 = 4_294_967_296;

/** The date fields of a binary value at `at` (its length byte); absent fields are 0. */
function yearAt(buffer: Buffer, at: number): number {
  return (buffer[at] as number) >= 4 ? (buffer[at + 1] as number) | ((buffer[at + 2] as number) << 8) : 0;
}
function monthAt(buffer: Buffer, at: number): number {
  return (buffer[at] as number) >= 4 ? (buffer[at + 3] as number) : 0;
}
function dayAt(buffer: Buffer, at: number): number {
  return (buffer[at] as number) >= 4 ? (buffer[at + 4] as number) : 0;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `YYYY-MM-DD` of the binary value at `at`, for warnings and errors. */
export function binaryDateText(buffer: Buffer, at: number): string {
  return `${pad(yearAt(buffer, at), 4)}-${pad(monthAt(buffer, at), 2)}-${pad(dayAt(buffer, at), 2)}`;
}

/** True when the binary value at `at` is a zero date (no fields at all, or month or day 0). */
function isZeroDate(buffer: Buffer, at: number): boolean {
  return (buffer[at] as number) < 4 || buffer[at + 3] === 0 || buffer[at + 4] === 0;
}

/**
 * The last date converted, as its four wire bytes (year, month, day) in one integer, and its day
 * count: rows read in key or time order repeat their date, and the calendar check and conversion
 * cost more than the rest of a datetime.
 */
let lastDateKey = -1;
let lastDays = 0;

/** Days since 1970-01-01 of the value at `at`; a date the calendar does not have (`2024-02-30`, year 0) is refused by name. */
function daysOf(buffer: Buffer, at: number): number {
  const key =
    ((buffer[at + 1] as number) | ((buffer[at + 2] as number) << 8) | ((buffer[at + 3] as number) << 16)) +
    (buffer[at + 4] as number) * 0x1000000;
  if (key === lastDateKey) return lastDays;
  const year = yearAt(buffer, at);
  const month = buffer[at + 3] as number;
  const day = buffer[at + 4] as number;
  if (year < 1 || !isCalendarDate(year, month, day))
    throw new WireValueError(`${binaryDateText(buffer, at)} is not a calendar date`);
  lastDays = daysFromCivil(year, month, day);
  lastDateKey = key;
  return lastDays;
}

/**
 * Writes the DATE at `at` as days into `words[row]` and returns where the next value starts, or
 * its bitwise complement (negative) when the value is a zero date, which is NULL to Athena.
 */
export function writeDays(buffer: Buffer, at: number, words: Int32Array, row: number): number {
  const next = at + 1 + (buffer[at] as number);
  if (isZeroDate(buffer, at)) return ~next;
  words[row] = daysOf(buffer, at);
  return next;
}

/**
 * Writes the DATETIME/TIMESTAMP at `at` as epoch milliseconds (UTC wall clock) into the 64-bit slot
 * `row` of `words` (two 32-bit words, little-endian) and returns where the next value starts, or its
 * complement for a zero date. A fraction finer than milliseconds cannot be stored and is refused
 * (the mapping reads DATETIME(4..6) as text instead).
 */
export function writeMillis(buffer: Buffer, at: number, words: Int32Array, row: number): number {
  const length = buffer[at] as number;
  const next = at + 1 + length;
  if (isZeroDate(buffer, at)) return ~next;
  let millis = daysOf(buffer, at) * MILLIS_PER_DAY;
  if (length >= 7)
    millis += (((buffer[at + 5] as number) * 60 + (buffer[at + 6] as number)) * 60 + (buffer[at + 7] as number)) * 1000;
  if (length >= 11) {
    const micros = buffer.readUInt32LE(at + 8);
    if (micros % 1000 !== 0)
      throw new WireValueError(`${binaryDateText(buffer, at)} has a fraction finer than milliseconds`);
    millis += micros / 1000;
  }
  words[2 * row] = millis >>> 0;
  words[2 * row + 1] = Math.floor(millis / TWO_TO_32);
  return next;
}

/** Writes `value` as `width` ASCII digits at `to`. */
function writeDigits(target: Uint8Array, to: number, value: number, width: number): void {
  let rest = value;
  for (let i = width - 1; i >= 0; i--) {
    target[to + i] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
}

/** Bytes of `YYYY-MM-DD HH:MM:SS.` followed by `digits` fraction digits. */
export function dateTimeTextBytes(digits: number): number {
  return 20 + digits;
}

/**
 * Writes the DATETIME at `at` as `YYYY-MM-DD HH:MM:SS.ffffff` (as many fraction digits as the
 * column has, {@link dateTimeTextBytes} in all) into `target` at `to`, and returns where the next
 * value starts, or its complement for a zero date (nothing written).
 */
export function writeDateTimeText(buffer: Buffer, at: number, target: Uint8Array, to: number, digits: number): number {
  const length = buffer[at] as number;
  const next = at + 1 + length;
  // Text, so any date MySQL stored is written as it is (only zero dates are NULL).
  if (isZeroDate(buffer, at)) return ~next;
  writeDigits(target, to, yearAt(buffer, at), 4);
  target[to + 4] = 45;
  writeDigits(target, to + 5, buffer[at + 3] as number, 2);
  target[to + 7] = 45;
  writeDigits(target, to + 8, buffer[at + 4] as number, 2);
  target[to + 10] = 32;
  writeDigits(target, to + 11, length >= 7 ? (buffer[at + 5] as number) : 0, 2);
  target[to + 13] = 58;
  writeDigits(target, to + 14, length >= 7 ? (buffer[at + 6] as number) : 0, 2);
  target[to + 16] = 58;
  writeDigits(target, to + 17, length >= 7 ? (buffer[at + 7] as number) : 0, 2);
  target[to + 19] = 46;
  const micros = length >= 11 ? buffer.readUInt32LE(at + 8) : 0;
  writeDigits(target, to + 20, Math.floor(micros / 10 ** (6 - digits)), digits);
  return next;
}
