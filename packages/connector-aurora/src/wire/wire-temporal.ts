/**
 * Dates, datetimes and times of MySQL binary-protocol rows: read from their binary form or from the
 * `CAST(… AS CHAR)` text the dialect selects, into the day and millisecond counts Arrow stores (zero
 * dates as NULL, counted for the warning), or into the text Athena shows for a TIME.
 */
import { MILLIS_PER_DAY, daysFromCivil, isCalendarDate } from '@athena-federation/connector-core';
import { type MappedColumn, type ZeroDateWarning, fractionDigitsOf } from '../aurora-types.js';
import {
  type BytesSink,
  type FixedReader,
  WireValueError,
  lengthPrefixBytes,
  lengthValue,
} from './wire-column-sinks.js';

const TWO_TO_32 = 4_294_967_296;

/** Writes a safe integer into an 8-byte little-endian two's-complement slot. */
export function writeInt64(view: DataView, slot: number, value: number): void {
  view.setUint32(slot, value >>> 0, true);
  view.setInt32(slot + 4, Math.floor(value / TWO_TO_32), true);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** A DATE/DATETIME/TIMESTAMP value's parts and where the next value starts. */
interface WireDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
  next: number;
}

/** The one value being read: the readers fill it in place, since they run for every date of a read. */
const scratch: WireDateTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, micros: 0, next: 0 };

function readDateTime(buffer: Buffer, at: number): WireDateTime {
  const length = buffer[at] as number;
  const long = length >= 7;
  scratch.year = length >= 4 ? buffer.readUInt16LE(at + 1) : 0;
  scratch.month = length >= 4 ? (buffer[at + 3] as number) : 0;
  scratch.day = length >= 4 ? (buffer[at + 4] as number) : 0;
  scratch.hour = long ? (buffer[at + 5] as number) : 0;
  scratch.minute = long ? (buffer[at + 6] as number) : 0;
  scratch.second = long ? (buffer[at + 7] as number) : 0;
  scratch.micros = length >= 11 ? buffer.readUInt32LE(at + 8) : 0;
  scratch.next = at + 1 + length;
  return scratch;
}

/** The two ASCII digits at `at` as a number, or a negative number when either is not a digit. */
function twoDigits(buffer: Buffer, at: number): number {
  const high = (buffer[at] as number) - 48;
  const low = (buffer[at + 1] as number) - 48;
  return high >>> 0 > 9 || low >>> 0 > 9 ? -1 : high * 10 + low;
}

/** `count` ASCII digits at `at`, or -1 when one is not a digit. */
function digitsAt(buffer: Buffer, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = (buffer[i] as number) - 48;
    if (d >>> 0 > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

const MICROS_SCALE = [0, 100_000, 10_000, 1000, 100, 10, 1];

/**
 * A length-encoded `YYYY-MM-DD[ HH:MM:SS[.f…]]` (the server's own text of a DATE or DATETIME,
 * selected with `CAST(… AS CHAR)`), read by position into the parts of a binary value.
 */
function readDateTimeText(buffer: Buffer, at: number): WireDateTime {
  const size = lengthValue(buffer, at);
  const next = at + lengthPrefixBytes(buffer, at);
  const end = next + size;
  let valid = (size === 10 || size >= 19) && buffer[next + 4] === 45 && buffer[next + 7] === 45;
  const century = twoDigits(buffer, next);
  const yearOfCentury = twoDigits(buffer, next + 2);
  scratch.year = century < 0 || yearOfCentury < 0 ? -1 : century * 100 + yearOfCentury;
  scratch.month = twoDigits(buffer, next + 5);
  scratch.day = twoDigits(buffer, next + 8);
  scratch.hour = 0;
  scratch.minute = 0;
  scratch.second = 0;
  scratch.micros = 0;
  scratch.next = end;
  if (size > 10) {
    valid &&= buffer[next + 10] === 32 && buffer[next + 13] === 58 && buffer[next + 16] === 58;
    scratch.hour = twoDigits(buffer, next + 11);
    scratch.minute = twoDigits(buffer, next + 14);
    scratch.second = twoDigits(buffer, next + 17);
  }
  if (size > 19) {
    const fraction = size - 20;
    valid &&= buffer[next + 19] === 46 && fraction >= 1 && fraction <= 6;
    scratch.micros = valid ? digitsAt(buffer, next + 20, fraction) * (MICROS_SCALE[fraction] as number) : -1;
  }
  valid &&=
    scratch.year >= 0 &&
    scratch.month >= 0 &&
    scratch.day >= 0 &&
    scratch.hour >= 0 &&
    scratch.hour <= 23 &&
    scratch.minute >= 0 &&
    scratch.minute <= 59 &&
    scratch.second >= 0 &&
    scratch.second <= 59 &&
    scratch.micros >= 0;
  if (!valid)
    throw new WireValueError(`${JSON.stringify(buffer.toString('latin1', next, end))} is not a MySQL date or datetime`);
  return scratch;
}

function dateText(value: WireDateTime): string {
  return `${pad(value.year, 4)}-${pad(value.month, 2)}-${pad(value.day, 2)}`;
}

/** True for MySQL's zero dates (`0000-00-00`, `2024-00-10`), which Athena gets as NULL. */
function isZeroDate(value: WireDateTime): boolean {
  return value.month === 0 || value.day === 0;
}

/** The day count of a date the calendar has; anything else (`2024-02-30`, year 0) is refused by name. */
function dayOf(value: WireDateTime): number {
  if (value.year < 1 || !isCalendarDate(value.year, value.month, value.day))
    throw new WireValueError(`${dateText(value)} is not a calendar date`);
  return daysFromCivil(value.year, value.month, value.day);
}

export function dateReader(column: MappedColumn, warn: ZeroDateWarning, perDay: boolean, asText: boolean): FixedReader {
  const read = asText ? readDateTimeText : readDateTime;
  return (buffer, at, view, slot, sink) => {
    const value = read(buffer, at);
    if (isZeroDate(value)) {
      warn(column.name, dateText(value));
      sink.markNull();
      return value.next;
    }
    const days = dayOf(value);
    if (perDay) {
      view.setInt32(slot, days, true);
      return value.next;
    }
    if (value.micros % 1000 !== 0)
      throw new WireValueError(`${dateText(value)} has a fraction finer than milliseconds`);
    writeInt64(
      view,
      slot,
      days * MILLIS_PER_DAY + ((value.hour * 60 + value.minute) * 60 + value.second) * 1000 + value.micros / 1000,
    );
    return value.next;
  };
}

const encoder = new TextEncoder();

/** DATETIME(4..6) as `YYYY-MM-DD HH:MM:SS.ffffff`, with as many fraction digits as the column has. */
export function dateTimeText(column: MappedColumn, warn: ZeroDateWarning): NonNullable<BytesSink['render']> {
  const digits = fractionDigitsOf(column.mysql.columnType.toLowerCase());
  return (buffer, at) => {
    const value = readDateTime(buffer, at);
    if (isZeroDate(value)) {
      warn(column.name, dateText(value));
      return { text: undefined, next: value.next };
    }
    const time = `${pad(value.hour, 2)}:${pad(value.minute, 2)}:${pad(value.second, 2)}`;
    return {
      text: encoder.encode(`${dateText(value)} ${time}.${pad(value.micros, 6).slice(0, digits)}`),
      next: value.next,
    };
  };
}

/**
 * A binary TIME as the server prints it (`CAST(… AS CHAR)`, what the dialect selects today):
 * `[-]hh:mm:ss` with hours past 24 kept, then as many fraction digits as the column has.
 */
export function timeText(column: MappedColumn): NonNullable<BytesSink['render']> {
  const digits = Number(/^time\((\d+)\)/.exec(column.mysql.columnType.toLowerCase())?.[1] ?? 0);
  return (buffer, at) => {
    const length = buffer[at] as number;
    const negative = length > 0 && buffer[at + 1] !== 0;
    const hours = length >= 8 ? buffer.readUInt32LE(at + 2) * 24 + (buffer[at + 6] as number) : 0;
    const minutes = length >= 8 ? (buffer[at + 7] as number) : 0;
    const seconds = length >= 8 ? (buffer[at + 8] as number) : 0;
    const micros = length >= 12 ? buffer.readUInt32LE(at + 9) : 0;
    const fraction = digits === 0 ? '' : `.${pad(micros, 6).slice(0, digits)}`;
    return {
      text: encoder.encode(`${negative ? '-' : ''}${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}${fraction}`),
      next: at + 1 + length,
    };
  };
}
