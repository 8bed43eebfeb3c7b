/**
 * The wire decoder on binary-protocol row packets built here byte by byte, for values the server
 * tests cannot reach or cannot reach often enough: 5,000 datetimes over years 1 to 9999, years
 * before 100, zero and impossible dates, BIT(64) with the high bit set, DECIMAL digits past 15.
 */
import { readValue } from '@athena-federation/connector-core';
import type { RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { type MappedColumn, type ZeroDateWarning, mapColumn } from '../src/aurora-types.js';
import { type WireField, WireType } from '../src/wire/wire-column-plan.js';
import { WireBatchDecoder } from '../src/wire/wire-row-decoder.js';

const column = (dataType: string, columnType: string, precision: number | null = null, scale: number | null = null) =>
  mapColumn(
    { name: 'c', dataType, columnType, numericPrecision: precision, numericScale: scale, nullable: true },
    { decimalOverflow: 'error' },
    't',
  );
const field = (columnType: number, flags = 0): WireField => ({ name: 'c', columnType, flags, characterSet: 63 });

/** A one-column binary row packet: header 0x00, the NULL bitmap (offset 2), then `value` unless null. */
function rowPacket(value: Buffer | null): Buffer {
  const bitmap = Buffer.from([value === null ? 0b100 : 0]);
  return Buffer.concat([Buffer.from([0]), bitmap, value ?? Buffer.alloc(0)]);
}

/** A binary DATE/DATETIME value: length byte, then as many fields as that length holds. */
function binaryDateTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, micros = 0) {
  const value = Buffer.alloc(12);
  value[0] = 11;
  value.writeUInt16LE(year, 1);
  value.writeUInt8(month, 3);
  value.writeUInt8(day, 4);
  value.writeUInt8(hour, 5);
  value.writeUInt8(minute, 6);
  value.writeUInt8(second, 7);
  value.writeUInt32LE(micros, 8);
  return value;
}

/** A binary DATE (length 4), or the zero-length form MySQL sends for 0000-00-00. */
function binaryDate(year: number, month: number, day: number): Buffer {
  if (year === 0 && month === 0 && day === 0) return Buffer.from([0]);
  return Buffer.from([4, year & 0xff, year >> 8, month, day]);
}

/** A binary DATETIME without a fraction (length 7). */
const binaryDateTimeSeconds = (
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
) => Buffer.concat([Buffer.from([7]), binaryDateTime(year, month, day, hour, minute, second).subarray(1, 8)]);

const lengthEncoded = (bytes: Buffer) => Buffer.concat([Buffer.from([bytes.length]), bytes]);

/** Decodes `values` (one per row) of one column and returns them as core's readValue gives them. */
function decode(
  mapped: MappedColumn,
  wire: WireField,
  values: readonly (Buffer | null)[],
  warn: ZeroDateWarning = () => undefined,
) {
  const decoder = new WireBatchDecoder([mapped], [wire], { warn });
  for (const value of values) {
    const packet = rowPacket(value);
    decoder.appendRow(packet, 0, packet.length);
  }
  const batch: RecordBatch = decoder.finish();
  const vector = batch.getChildAt(0);
  return Array.from({ length: batch.numRows }, (_, row) => (vector === null ? undefined : readValue(vector, row)));
}

describe('wire decoder: dates and datetimes', () => {
  it('agrees with the JS Date for 5,000 DATETIME(3) values spread over years 1 to 9999', () => {
    // Prepare
    const expected: number[] = [];
    const values: Buffer[] = [];
    for (let i = 0; i < 5000; i++) {
      const date = new Date(0);
      date.setUTCFullYear(1 + ((i * 7919) % 9999), (i * 31) % 12, 1 + ((i * 17) % 28));
      date.setUTCHours((i * 13) % 24, (i * 7) % 60, (i * 11) % 60, (i * 37) % 1000);
      expected.push(date.getTime());
      values.push(
        binaryDateTime(
          date.getUTCFullYear(),
          date.getUTCMonth() + 1,
          date.getUTCDate(),
          date.getUTCHours(),
          date.getUTCMinutes(),
          date.getUTCSeconds(),
          date.getUTCMilliseconds() * 1000,
        ),
      );
    }
    // Act
    const actual = decode(column('datetime', 'datetime(3)'), field(WireType.datetime), values);
    // Assess
    expect(actual).toEqual(expected);
  });

  it('reads DATE as days since the epoch, years before 100 included, zero dates as NULL with a warning', () => {
    // Prepare
    const warned: string[] = [];
    const early = new Date(0);
    early.setUTCFullYear(42, 6, 4);
    // Act
    const actual = decode(
      column('date', 'date'),
      field(WireType.date),
      [binaryDate(42, 7, 4), binaryDate(1969, 12, 31), binaryDate(0, 0, 0), binaryDate(2024, 0, 10), null],
      (name, text) => {
        warned.push(`${name} ${text}`);
      },
    );
    // Assess
    expect(actual).toEqual([early.getTime() / 86_400_000, -1, null, null, null]);
    expect(warned).toEqual(['c 0000-00-00', 'c 2024-00-10']);
  });

  it('gives repeated and neighbouring dates each their own day (the decoder remembers the last date)', () => {
    // Prepare: dates differing from the previous one in a single field
    const dates: [number, number, number][] = [
      [2024, 1, 10],
      [2024, 1, 10],
      [2024, 1, 11],
      [2024, 2, 11],
      [2025, 2, 11],
      [2025, 2, 11],
      [1281, 2, 11],
    ];
    const expected = dates.map(([year, month, day]) => {
      const date = new Date(0);
      date.setUTCFullYear(year, month - 1, day);
      return date.getTime();
    });
    // Act
    const actual = decode(
      column('datetime', 'datetime'),
      field(WireType.datetime),
      dates.map(([year, month, day]) => binaryDateTimeSeconds(year, month, day, 0, 0, 0)),
    );
    // Assess
    expect(actual).toEqual(expected);
  });

  it('refuses a date the calendar does not have, naming the column and row', () => {
    // Prepare / Act
    const read = () =>
      decode(column('date', 'date'), field(WireType.date), [binaryDate(2023, 2, 28), binaryDate(2023, 2, 29)]);
    // Assess
    expect(read).toThrow(/Column "c" \(date\), row 1: 2023-02-29 is not a calendar date/);
  });

  it('writes DATETIME(6) as text with every fraction digit, zero dates as NULL', () => {
    // Prepare / Act
    const actual = decode(column('datetime', 'datetime(6)'), field(WireType.datetime), [
      binaryDateTime(2024, 1, 10, 1, 2, 3, 123_999),
      binaryDateTimeSeconds(2024, 1, 10, 1, 2, 3),
      binaryDate(0, 0, 0),
    ]);
    // Assess
    expect(actual).toEqual(['2024-01-10 01:02:03.123999', '2024-01-10 01:02:03.000000', null]);
  });
});

describe('wire decoder: numbers', () => {
  it('reads BIT(64) with the high bit set exactly, as an unsigned decimal', () => {
    // Prepare / Act
    const actual = decode(column('bit', 'bit(64)'), field(WireType.bit), [
      lengthEncoded(Buffer.from('8000000000000000', 'hex')),
      lengthEncoded(Buffer.from('ffffffffffffffff', 'hex')),
    ]);
    // Assess
    expect(actual).toEqual(['9223372036854775808', '18446744073709551615']);
  });

  it('reads DECIMAL digits past 15 and below the column scale exactly', () => {
    // Prepare / Act
    const actual = decode(column('decimal', 'decimal(38,10)', 38, 10), field(WireType.newDecimal), [
      lengthEncoded(Buffer.from('-9999999999999999999999999999.9999999999')),
      lengthEncoded(Buffer.from('123456789012345.5')),
      lengthEncoded(Buffer.from('-0.0000000001')),
      lengthEncoded(Buffer.from('7')),
    ]);
    // Assess
    expect(actual).toEqual([
      '-9999999999999999999999999999.9999999999',
      '123456789012345.5000000000',
      '-0.0000000001',
      '7.0000000000',
    ]);
  });

  it('refuses a DECIMAL with more fraction digits than the column, naming the column and row', () => {
    // Prepare / Act
    const read = () =>
      decode(column('decimal', 'decimal(5,2)', 5, 2), field(WireType.newDecimal), [
        lengthEncoded(Buffer.from('1.234')),
      ]);
    // Assess
    expect(read).toThrow(/Column "c" \(decimal\(5,2\)\), row 0: 1\.234 has more than 2 fraction digits/);
  });
});

describe('wire decoder: buffers', () => {
  it('grows every kind of buffer past the rows it was made for, keeping each value and NULL', () => {
    // Prepare: 3,000 rows of text, a boolean and a NULL every seventh row, beyond the first 1,024-row buffers
    const text = column('varchar', 'varchar(20)');
    const flag = column('tinyint', 'tinyint(1)');
    const decoder = new WireBatchDecoder([text, flag], [field(WireType.varString), field(WireType.tiny)], {
      warn: () => undefined,
    });
    const expected: unknown[][] = [];
    for (let row = 0; row < 3000; row++) {
      const isNull = row % 7 === 3;
      const value = `v${row}é`;
      const bitmap = Buffer.from([isNull ? 0b100 : 0]);
      const packet = Buffer.concat([
        Buffer.from([0]),
        bitmap,
        ...(isNull ? [] : [lengthEncoded(Buffer.from(value))]),
        Buffer.from([row % 3 === 0 ? 1 : 0]),
      ]);
      decoder.appendRow(packet, 0, packet.length);
      expected.push([isNull ? null : value, row % 3 === 0]);
    }
    // Act
    const batch = decoder.finish();
    // Assess
    const actual = Array.from({ length: batch.numRows }, (_, row) =>
      [0, 1].map((index) => {
        const vector = batch.getChildAt(index);
        return vector === null ? undefined : readValue(vector, row);
      }),
    );
    expect(actual).toEqual(expected);
  });
});
