import {
  Binary,
  Bool,
  type Data,
  type DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  Dictionary,
  Field,
  FixedSizeBinary,
  Float16,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  LargeUtf8,
  List,
  Map_,
  Null,
  type RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  TimeMillisecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint32,
  Utf8,
  tableFromIPC,
} from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { readRows, readValue } from '../../src/arrow/block-reader.js';
import {
  RecordBatchWriter,
  ValueCoercionError,
  buildRecordBatch,
  type Row,
} from '../../src/arrow/block-writer/index.js';
import { formatDecimal, toUnscaledDecimal } from '../../src/arrow/decimal.js';
import {
  decodeRecordBatchBytes,
  decodeSchemaMessage,
  encodeRecordBatchMessage,
  encodeSchemaMessage,
} from '../../src/arrow/ipc.js';
import { packTimestampWithZone, zoneIdOf, zoneKeyOf } from '../../src/arrow/time-zone-key.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_38 = 10n ** 38n - 1n;
const NINES_38 = '9'.repeat(38);
const MAX_PACKABLE = 2 ** 51 - 1;
const MIN_PACKABLE = -(2 ** 51);

// --- helpers ------------------------------------------------------------------------------------

function mapOf(key: DataType, value: DataType, valueNullable = true): Map_ {
  return new Map_(
    new Field('entries', new Struct([new Field('key', key, false), new Field('value', value, valueNullable)]), false),
    false,
  );
}

function listOf(item: DataType, itemNullable = true): List {
  return new List(new Field('item', item, itemNullable));
}

function single(type: DataType, nullable = true): Schema {
  return new Schema([new Field('c', type, nullable)]);
}

/**
 * Reads `batch` back after real IPC bytes, two ways: a stream from RecordBatchStreamWriter decoded
 * with tableFromIPC, and the wire's bare legacy-framed messages decoded with bounds validation.
 */
function readThroughIpc(batch: RecordBatch): unknown[][] {
  const streamBytes = RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
  const table = tableFromIPC(streamBytes);
  expect(table.numRows).toBe(batch.numRows);
  const viaStream = table.batches.flatMap((decoded) => readRows(decoded));

  const schemaBytes = encodeSchemaMessage(batch.schema, 'legacy');
  const batchBytes = encodeRecordBatchMessage(batch, 'legacy');
  const viaWire = readRows(decodeRecordBatchBytes(batchBytes, decodeSchemaMessage(schemaBytes)));
  expect(viaWire).toEqual(viaStream);
  // A message anywhere in its buffer (a spilled object, a slice): column views need alignment.
  const shifted = new Uint8Array(batchBytes.length + 3);
  shifted.set(batchBytes, 3);
  expect(readRows(decodeRecordBatchBytes(shifted.subarray(3), batch.schema))).toEqual(viaStream);
  return viaStream;
}

/** Writes `rows`, checks the batch reads the same before and after IPC, returns the IPC rows. */
function roundTrip(schema: Schema, rows: readonly Row[]): unknown[][] {
  const batch = buildRecordBatch(schema, rows);
  expect(batch.numRows).toBe(rows.length);
  const direct = readRows(batch);
  const decoded = readThroughIpc(batch);
  expect(decoded).toEqual(direct);
  return decoded;
}

function roundTripColumn(type: DataType, values: readonly unknown[], nullable = true): unknown[] {
  return roundTrip(
    single(type, nullable),
    values.map((value) => [value]),
  ).map((row) => row[0]);
}

function coercionError(schema: Schema, rows: readonly Row[]): ValueCoercionError {
  try {
    buildRecordBatch(schema, rows);
  } catch (error) {
    expect(error).toBeInstanceOf(ValueCoercionError);
    return error as ValueCoercionError;
  }
  throw new Error('expected a ValueCoercionError');
}

function expectCoercionError(
  error: ValueCoercionError,
  column: string,
  row: number,
  valueType: string,
  arrowType?: string,
): void {
  expect(error.name).toBe('ValueCoercionError');
  expect(error.column).toBe(column);
  expect(error.row).toBe(row);
  expect(error.valueType).toBe(valueType);
  expect(error.message).toContain(JSON.stringify(column));
  expect(error.message).toContain(`row ${row}`);
  expect(error.message).toContain(valueType);
  expect(error.message).toContain(error.arrowType);
  // Why, and what to yield instead.
  expect(error.reason).not.toBe('');
  expect(error.remedy).toMatch(/^yield \S/);
  expect(error.message).toContain(`${error.reason}; ${error.remedy}`);
  if (arrowType !== undefined) expect(error.arrowType).toBe(arrowType);
}

function utcDays(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
}

function ts(epochMillis: number, zoneId: string): { epochMillis: number; zoneId: string } {
  return { epochMillis, zoneId };
}

// --- every scalar type --------------------------------------------------------------------------

interface TypeCase {
  readonly type: DataType;
  readonly arrowType: string;
  /** [input, what readRows gives back]. */
  readonly accepted: ReadonlyArray<readonly [unknown, unknown]>;
  /** [input, ValueCoercionError.valueType]. */
  readonly rejected: ReadonlyArray<readonly [unknown, string]>;
}

const TYPE_CASES: Record<string, TypeCase> = {
  Bool: {
    type: new Bool(),
    arrowType: 'Bool',
    accepted: [
      [true, true],
      [false, false],
      [true, true],
    ],
    rejected: [
      [1, 'number'],
      ['true', 'string'],
      [0n, 'bigint'],
      [{}, 'object'],
    ],
  },
  Int8: {
    type: new Int8(),
    arrowType: 'Int8',
    accepted: [
      [-128, -128],
      [127, 127],
      [0, 0],
      [-0, 0],
      ['-128', -128],
      ['+12', 12],
      ['007', 7],
      [-5n, -5],
      [127n, 127],
    ],
    rejected: [
      [128, 'number'],
      [-129, 'number'],
      [1.5, 'number'],
      [NaN, 'number'],
      [Infinity, 'number'],
      ['128', 'string'],
      ['1.0', 'string'],
      ['1e2', 'string'],
      [' 1', 'string'],
      ['', 'string'],
      ['0x1', 'string'],
      [128n, 'bigint'],
      [true, 'boolean'],
      [new Date(0), 'Date'],
      [[1], 'Array'],
    ],
  },
  Int16: {
    type: new Int16(),
    arrowType: 'Int16',
    accepted: [
      [-32768, -32768],
      [32767, 32767],
      ['-32768', -32768],
      [32767n, 32767],
    ],
    rejected: [
      [32768, 'number'],
      [-32769, 'number'],
      [-32769n, 'bigint'],
      ['32768', 'string'],
    ],
  },
  Int32: {
    type: new Int32(),
    arrowType: 'Int32',
    accepted: [
      [-2147483648, -2147483648],
      [2147483647, 2147483647],
      ['2147483647', 2147483647],
      [-2147483648n, -2147483648],
    ],
    rejected: [
      [2147483648, 'number'],
      [-2147483649, 'number'],
      ['2147483648', 'string'],
      [0.5, 'number'],
      [2n ** 31n, 'bigint'],
    ],
  },
  Int64: {
    type: new Int64(),
    arrowType: 'Int64',
    accepted: [
      [INT64_MIN, INT64_MIN],
      [INT64_MAX, INT64_MAX],
      [0, 0n],
      [-1, -1n],
      [Number.MAX_SAFE_INTEGER, BigInt(Number.MAX_SAFE_INTEGER)],
      [-Number.MAX_SAFE_INTEGER, -BigInt(Number.MAX_SAFE_INTEGER)],
      [-(2 ** 32), -(2n ** 32n)],
      [2 ** 32 - 1, 2n ** 32n - 1n],
      ['9223372036854775807', INT64_MAX],
      ['-9223372036854775808', INT64_MIN],
    ],
    rejected: [
      [2n ** 63n, 'bigint'],
      [INT64_MIN - 1n, 'bigint'],
      [2 ** 63, 'number'],
      // Doubles beyond 2^53 may have been rounded on the way here: only a bigint or string is exact.
      [2 ** 53, 'number'],
      [2 ** 53 + 2, 'number'],
      [2 ** 62, 'number'],
      [-(2 ** 63), 'number'],
      ['9223372036854775808', 'string'],
      [1.5, 'number'],
      [NaN, 'number'],
      ['12a', 'string'],
    ],
  },
  Float32: {
    type: new Float32(),
    arrowType: 'Float32',
    accepted: [
      [1.5, 1.5],
      [-0, -0],
      [0, 0],
      [NaN, NaN],
      [Infinity, Infinity],
      [-Infinity, -Infinity],
      [Math.fround(0.1), Math.fround(0.1)],
      [3.4028234663852886e38, 3.4028234663852886e38],
      [-3.4028234663852886e38, -3.4028234663852886e38],
      [1.401298464324817e-45, 1.401298464324817e-45],
      [2n ** 24n, 2 ** 24],
      ['0.5', 0.5],
      ['NaN', NaN],
      ['-Infinity', -Infinity],
      ['-0', -0],
    ],
    rejected: [
      [0.1, 'number'],
      [1e39, 'number'],
      [2n ** 24n + 1n, 'bigint'],
      ['0.1', 'string'],
      ['1e400', 'string'],
      ['abc', 'string'],
      [true, 'boolean'],
    ],
  },
  Float64: {
    type: new Float64(),
    arrowType: 'Float64',
    accepted: [
      [0.1, 0.1],
      [-0, -0],
      [NaN, NaN],
      [Infinity, Infinity],
      [-Infinity, -Infinity],
      [Number.MAX_VALUE, Number.MAX_VALUE],
      [Number.MIN_VALUE, Number.MIN_VALUE],
      [-Number.MAX_VALUE, -Number.MAX_VALUE],
      [2n ** 53n, 2 ** 53],
      [-(2n ** 60n), -(2 ** 60)],
      ['1e308', 1e308],
      ['-0', -0],
      ['.5', 0.5],
      ['+Infinity', Infinity],
      ['1E-5', 1e-5],
    ],
    rejected: [
      [2n ** 53n + 1n, 'bigint'],
      [10n ** 400n, 'bigint'],
      ['1e400', 'string'],
      ['1e-400', 'string'],
      ['0x10', 'string'],
      ['', 'string'],
      [' 1', 'string'],
      ['1,5', 'string'],
      [new Date(0), 'Date'],
      [{}, 'object'],
    ],
  },
  'Decimal(38, 0)': {
    type: new Decimal(0, 38, 128),
    arrowType: 'Decimal(38, 0)',
    accepted: [
      [MAX_38, NINES_38],
      [-MAX_38, `-${NINES_38}`],
      [NINES_38, NINES_38],
      [`-${NINES_38}`, `-${NINES_38}`],
      [0, '0'],
      [-0, '0'],
      [2 ** 53, '9007199254740992'],
      [1e21, '1000000000000000000000'],
      ['0.5', '1'],
      ['-0.5', '-1'],
      ['1e37', `1${'0'.repeat(37)}`],
    ],
    rejected: [
      [10n ** 38n, 'bigint'],
      [-(10n ** 38n), 'bigint'],
      [`${NINES_38}.5`, 'string'],
      [1e38, 'number'],
      [NaN, 'number'],
      [Infinity, 'number'],
      [-Infinity, 'number'],
      ['abc', 'string'],
      [true, 'boolean'],
      [{}, 'object'],
    ],
  },
  'Decimal(38, 10)': {
    type: new Decimal(10, 38, 128),
    arrowType: 'Decimal(38, 10)',
    accepted: [
      ['9999999999999999999999999999.9999999999', '9999999999999999999999999999.9999999999'],
      ['-9999999999999999999999999999.9999999999', '-9999999999999999999999999999.9999999999'],
      [0.1, '0.1000000000'],
      [1e-10, '0.0000000001'],
      [5e-11, '0.0000000001'],
      [-5e-11, '-0.0000000001'],
      [4.9e-11, '0.0000000000'],
      // biome-ignore lint/correctness/noPrecisionLoss: the case is the double this literal rounds to
      [123456789.123456789, '123456789.1234567900'],
    ],
    rejected: [['9999999999999999999999999999.99999999995', 'string']],
  },
  'Decimal(10, 2)': {
    type: new Decimal(2, 10, 128),
    arrowType: 'Decimal(10, 2)',
    accepted: [
      ['-12.345', '-12.35'],
      ['12.345', '12.35'],
      ['12.344', '12.34'],
      ['-12.344', '-12.34'],
      [0.125, '0.13'],
      [-0.125, '-0.13'],
      [1.005, '1.01'],
      [2.675, '2.68'],
      [1e-5, '0.00'],
      ['1e3', '1000.00'],
      [7n, '7.00'],
      [-0, '0.00'],
      [12.3, '12.30'],
      ['-.5', '-0.50'],
      [99999999.99, '99999999.99'],
      [-99999999.99, '-99999999.99'],
      ['99999999.994', '99999999.99'],
    ],
    rejected: [
      [100000000, 'number'],
      ['99999999.995', 'string'],
      [-99999999.995, 'number'],
      [10n ** 8n, 'bigint'],
      ['1.2.3', 'string'],
      ['', 'string'],
    ],
  },
  'Decimal(5, -2)': {
    type: new Decimal(-2, 5, 128),
    arrowType: 'Decimal(5, -2)',
    accepted: [
      [12345, '12300'],
      [12350, '12400'],
      ['-12350', '-12400'],
      [0, '0'],
    ],
    rejected: [[10n ** 7n, 'bigint']],
  },
  Utf8: {
    type: new Utf8(),
    arrowType: 'Utf8',
    accepted: [
      ['', ''],
      ['a', 'a'],
      ['héllo wörld', 'héllo wörld'],
      ['😀', '😀'],
      ['👩‍👩‍👧 family', '👩‍👩‍👧 family'],
      ['日本語テキスト', '日本語テキスト'],
      ['a\u0000b\tc\n', 'a\u0000b\tc\n'],
      ['\uFEFF', '\uFEFF'],
      [`é${'x'.repeat(47)}`, `é${'x'.repeat(47)}`],
      [`${'x'.repeat(47)}😀`, `${'x'.repeat(47)}😀`],
      ['ascii'.repeat(10), 'ascii'.repeat(10)],
      ['abc😀ü'.repeat(3000), 'abc😀ü'.repeat(3000)],
      ['', ''],
    ],
    rejected: [
      ['\uD800', 'string'],
      ['a\uDC00b', 'string'],
      ['\uDE00\uD83D', 'string'],
      [5, 'number'],
      [5n, 'bigint'],
      [new String('x'), 'String'],
      [['a'], 'Array'],
      [Buffer.from('a'), 'Buffer'],
    ],
  },
  Binary: {
    type: new Binary(),
    arrowType: 'Binary',
    accepted: [
      [new Uint8Array([0, 255, 1]), new Uint8Array([0, 255, 1])],
      [Buffer.from('abc'), new Uint8Array([97, 98, 99])],
      [new ArrayBuffer(3), new Uint8Array(3)],
      [new Uint8Array(0), new Uint8Array(0)],
      [new Uint8Array([9, 8, 7, 6]).subarray(1, 3), new Uint8Array([8, 7])],
      [new Uint8Array(10_000).fill(7), new Uint8Array(10_000).fill(7)],
    ],
    rejected: [
      ['abc', 'string'],
      [[1, 2], 'Array'],
      [new Int8Array(2), 'Int8Array'],
      [new DataView(new ArrayBuffer(2)), 'DataView'],
      [5, 'number'],
    ],
  },
  DateDay: {
    type: new DateDay(),
    arrowType: 'DateDay',
    accepted: [
      [new Date('2020-02-29T23:59:59.999Z'), utcDays('2020-02-29')],
      [new Date(0), 0],
      [new Date(-1), -1],
      [new Date(-86_400_000), -1],
      [new Date(-86_400_001), -2],
      [new Date(8.64e15), 100_000_000],
      [new Date(-8.64e15), -100_000_000],
      [0, 0],
      [-719162, -719162],
      ['1970-01-01', 0],
      ['2000-02-29', 11016],
      ['1969-12-31', -1],
      ['0001-01-01', -719162],
      ['9999-12-31', 2932896],
      ['+010000-01-01', 2932897],
      ['-000001-01-01', -719893],
      [2147483647, 2147483647],
      [-2147483648, -2147483648],
      [5n, 5],
    ],
    rejected: [
      ['2021-02-29', 'string'],
      ['1900-02-29', 'string'],
      ['2020-13-01', 'string'],
      ['2020-00-10', 'string'],
      ['2020-04-31', 'string'],
      ['2020-1-01', 'string'],
      ['2020-01-01T00:00:00Z', 'string'],
      ['20200101', 'string'],
      ['-000000-01-01', 'string'],
      [1.5, 'number'],
      [2 ** 31, 'number'],
      [new Date(NaN), 'Date'],
      [true, 'boolean'],
    ],
  },
  DateMillisecond: {
    type: new DateMillisecond(),
    arrowType: 'DateMillisecond',
    accepted: [
      [new Date(0), 0],
      [new Date(-1), -1],
      [Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 1)],
      [-8.64e15, -8.64e15],
      [8.64e15, 8.64e15],
      [123n, 123],
      ['2020-01-01T10:00:00', Date.UTC(2020, 0, 1, 10)],
      ['2020-01-01T10:00:00+02:00', Date.UTC(2020, 0, 1, 8)],
      ['2020-01-01T10:00:00-05:30', Date.UTC(2020, 0, 1, 15, 30)],
      ['2020-01-01T10:00:00+0200', Date.UTC(2020, 0, 1, 8)],
      ['2020-01-01T10:00:00+02', Date.UTC(2020, 0, 1, 8)],
      ['2020-01-01 10:00:00.123Z', Date.UTC(2020, 0, 1, 10, 0, 0, 123)],
      ['2020-01-01t10:00:00.1z', Date.UTC(2020, 0, 1, 10, 0, 0, 100)],
      ['2020-01-01T00:00:00.120000000Z', Date.UTC(2020, 0, 1, 0, 0, 0, 120)],
      ['2020-06-15T12:30', Date.UTC(2020, 5, 15, 12, 30)],
      ['2020-01-01', Date.UTC(2020, 0, 1)],
      ['1969-12-31T23:59:59.999', -1],
      ['1900-01-01T00:00:00Z', Date.UTC(1900, 0, 1)],
    ],
    rejected: [
      ['2020-01-01T10:00:00.1234', 'string'],
      ['2020-01-01T24:00:00', 'string'],
      ['2020-01-01T10:60:00', 'string'],
      ['2020-01-01T10:00:60', 'string'],
      ['2020-01-01T10:00:00+19:00', 'string'],
      ['2020-01-01Z', 'string'],
      ['yesterday', 'string'],
      ['', 'string'],
      [1.5, 'number'],
      [2n ** 63n, 'bigint'],
      [new Date(NaN), 'Date'],
      [{}, 'object'],
    ],
  },
  'Timestamp(MILLISECOND, America/New_York)': {
    type: new TimestampMillisecond('America/New_York'),
    arrowType: 'Timestamp(MILLISECOND, America/New_York)',
    accepted: [
      [new Date(0), ts(0, 'America/New_York')],
      [new Date(-1), ts(-1, 'America/New_York')],
      [-1, ts(-1, 'America/New_York')],
      [Date.UTC(1900, 0, 1), ts(Date.UTC(1900, 0, 1), 'America/New_York')],
      [MAX_PACKABLE, ts(MAX_PACKABLE, 'America/New_York')],
      [MIN_PACKABLE, ts(MIN_PACKABLE, 'America/New_York')],
      [-(2n ** 51n), ts(MIN_PACKABLE, 'America/New_York')],
      [123n, ts(123, 'America/New_York')],
      ['2020-01-01T00:00:00Z', ts(Date.UTC(2020, 0, 1), 'America/New_York')],
      ['2020-01-01T00:00:00.5-05:00', ts(Date.UTC(2020, 0, 1, 5, 0, 0, 500), 'America/New_York')],
      [{ epochMillis: -86_400_000, zone: 'Asia/Tokyo' }, ts(-86_400_000, 'Asia/Tokyo')],
      [{ epochMillis: 5n, zone: '+05:30' }, ts(5, '+05:30')],
      [{ epochMillis: 1, zone: 'utc' }, ts(1, 'UTC')],
      [{ epochMillis: 1, zone: 'Etc/GMT+5' }, ts(1, '-05:00')],
      [{ epochMillis: 7, zoneId: 'Europe/London' }, ts(7, 'Europe/London')],
      [{ epochMillis: 1, zone: 1989 }, ts(1, 'Asia/Tokyo')],
      [{ epochMillis: MIN_PACKABLE, zone: 'Europe/Saratov' }, ts(MIN_PACKABLE, 'Europe/Saratov')],
      [{ epochMillis: -123_456_789_012, zone: '-14:00' }, ts(-123_456_789_012, '-14:00')],
    ],
    rejected: [
      [2 ** 51, 'number'],
      [MIN_PACKABLE - 1, 'number'],
      [2n ** 51n, 'bigint'],
      [1.5, 'number'],
      ['2020-01-01T00:00:00', 'string'],
      ['2020-01-01T00:00:00.0001Z', 'string'],
      ['not a date', 'string'],
      [{ epochMillis: 1, zone: 'Mars/Olympus' }, 'object'],
      [{ epochMillis: 1.5, zone: 'UTC' }, 'object'],
      [{ epochMillis: 1 }, 'object'],
      [{ epochMillis: '1', zone: 'UTC' }, 'object'],
      [{ epochMillis: 1, zone: 5000 }, 'object'],
      [{ epochMillis: 2 ** 51, zone: 'UTC' }, 'object'],
      [new Date(NaN), 'Date'],
      [true, 'boolean'],
      [[1], 'Array'],
    ],
  },
  'Timestamp(MICROSECOND, UTC)': {
    type: new TimestampMicrosecond('UTC'),
    arrowType: 'Timestamp(MICROSECOND, UTC)',
    accepted: [
      [0n, 0n],
      [-1n, -1n],
      [INT64_MAX, INT64_MAX],
      [INT64_MIN, INT64_MIN],
      [1234567, 1234567n],
      [-(2 ** 62), -(2n ** 62n)],
      [new Date(-1), -1000n],
      [new Date(8.64e15), 8_640_000_000_000_000_000n],
      [new Date(-8.64e15), -8_640_000_000_000_000_000n],
      ['2020-01-01T00:00:00.123456Z', BigInt(Date.UTC(2020, 0, 1)) * 1000n + 123456n],
      ['1969-12-31T23:59:59.999999+00:00', -1n],
    ],
    rejected: [
      [2n ** 63n, 'bigint'],
      [1.5, 'number'],
      [2 ** 63, 'number'],
      ['2020-01-01T00:00:00.1234567Z', 'string'],
      ['2020-01-01T00:00:00', 'string'],
      ['123', 'string'],
      [new Date(NaN), 'Date'],
      [{}, 'object'],
    ],
  },
};

describe.each(Object.entries(TYPE_CASES))('%s', (_name, { type, arrowType, accepted, rejected }) => {
  it('round-trips every accepted input and nulls through IPC to the documented output', () => {
    const inputs = [null, ...accepted.map(([input]) => input), undefined, null];
    const expected = [null, ...accepted.map(([, output]) => output), null, null];
    expect(roundTripColumn(type, inputs)).toEqual(expected);
  });

  it('round-trips a column without nulls (no validity bitmap)', () => {
    expect(
      roundTripColumn(
        type,
        accepted.map(([input]) => input),
        false,
      ),
    ).toEqual(accepted.map(([, output]) => output));
  });

  it.each(rejected.map(([input, valueType]) => ({ input, valueType })))(
    'rejects $valueType $input',
    ({ input, valueType }) => {
      const error = coercionError(single(type), [[null], [input]]);
      expectCoercionError(error, 'c', 1, valueType, arrowType);
    },
  );

  it('rejects null in a non-nullable field', () => {
    const [first] = accepted[0] ?? [];
    const error = coercionError(single(type, false), [[first], [null]]);
    expectCoercionError(error, 'c', 1, 'null', arrowType);
    expect(error.reason).toBe('the field is not nullable');
    expectCoercionError(coercionError(single(type, false), [{}]), 'c', 0, 'undefined', arrowType);
  });
});

describe('value details', () => {
  it('rounds decimals HALF_UP only, and says so nowhere else', () => {
    expect(roundTripColumn(new Decimal(0, 5, 128), ['2.5', '-2.5', '3.5', '-3.5', '0.49999'])).toEqual([
      '3',
      '-3',
      '4',
      '-4',
      '0',
    ]);
  });

  it('keeps ±0.0 and NaN distinguishable in float columns', () => {
    const [negative, positive, nan] = roundTripColumn(new Float64(), [-0, 0, NaN]);
    expect(Object.is(negative, -0)).toBe(true);
    expect(Object.is(positive, 0)).toBe(true);
    expect(Number.isNaN(nan)).toBe(true);
  });

  it('stores Timestamp(MILLISECOND, tz) values packed exactly as packTimestampWithZone does', () => {
    const inputs = [
      new Date(-1),
      0,
      MIN_PACKABLE,
      MAX_PACKABLE,
      { epochMillis: -5, zone: 'Asia/Kathmandu' },
      { epochMillis: 1_700_000_000_123n, zone: '-09:30' },
    ];
    const expected = [
      packTimestampWithZone(-1n, 'America/Los_Angeles'),
      packTimestampWithZone(0n, 'America/Los_Angeles'),
      packTimestampWithZone(BigInt(MIN_PACKABLE), 'America/Los_Angeles'),
      packTimestampWithZone(BigInt(MAX_PACKABLE), 'America/Los_Angeles'),
      packTimestampWithZone(-5n, 'Asia/Kathmandu'),
      packTimestampWithZone(1_700_000_000_123n, '-09:30'),
    ];
    const batch = buildRecordBatch(
      single(new TimestampMillisecond('America/Los_Angeles')),
      inputs.map((input) => [input]),
    );
    expect([...((batch.getChildAt(0)?.data[0]?.values ?? []) as BigInt64Array)]).toEqual(expected);
  });

  it('rejects a lone surrogate instead of letting UTF-8 encoding replace it', () => {
    const error = coercionError(single(new Utf8()), [['ok'], ['bad \uD83D']]);
    expect(error.reason).toMatch(/lone UTF-16 surrogate/);
  });

  it('reads a DateMillisecond beyond ±2^53 as an error rather than an inexact number', () => {
    const batch = buildRecordBatch(single(new DateMillisecond()), [[2n ** 62n]]);
    expect(() => readValue(batch.getChildAt(0)!, 0)).toThrow(RangeError);
  });

  it('names the JS type, the column, the row, the Arrow type, why and what to yield in the message, never the value', () => {
    const error = coercionError(new Schema([new Field('age', new Int32(), true)]), [[1], [2], [1.5]]);
    expect(error.message).toBe(
      'Cannot write a number to column "age" (Int32) at row 2: the number is not an integer (it has a fraction, or is NaN or ±Infinity); yield an integer number, a bigint or a decimal-integer string; a column of fractions is Float64 or Decimal',
    );
    expect(error.arrowType).toBe('Int32');
  });
});

// --- nested types -------------------------------------------------------------------------------

const readingType = new Struct([
  new Field('bpm', new Int32(), false),
  new Field('at', new TimestampMillisecond('Europe/London'), true),
  new Field('notes', mapOf(new Utf8(), listOf(new Decimal(2, 5, 128))), true),
]);
const vitalsType = new Struct([
  new Field('readings', listOf(readingType), true),
  new Field('source', new Utf8(), true),
]);
const attrsType = mapOf(new Utf8(), new Struct([new Field('n', new Int16(), true), new Field('s', new Utf8(), true)]));
const nestedSchema = new Schema([
  new Field('id', new Int64(), false),
  new Field('vitals', vitalsType, true),
  new Field('attrs', attrsType, true),
  new Field('matrix', listOf(listOf(new Float64())), true),
  new Field('tags', listOf(new Utf8(), false), true),
]);

const NESTED_ROWS: ReadonlyArray<readonly [Row, readonly unknown[]]> = [
  [
    {
      id: 1n,
      vitals: {
        readings: [
          {
            bpm: 60,
            at: new Date(0),
            notes: new Map([
              ['a', ['1.005', 2]],
              ['b', []],
            ]),
          },
          null,
          { bpm: -1, at: { epochMillis: -5, zone: 'Asia/Tokyo' }, notes: { x: null, y: [null, -0.005] } },
        ],
        source: 'monitor 😀',
      },
      attrs: [
        ['k', { n: 1, s: 'v' }],
        ['k2', null],
      ],
      matrix: [[1.5, -0], [], null, [NaN]],
      tags: new Set(['a', 'b']),
    },
    [
      1n,
      {
        readings: [
          {
            bpm: 60,
            at: ts(0, 'Europe/London'),
            notes: new Map<string, unknown>([
              ['a', ['1.01', '2.00']],
              ['b', []],
            ]),
          },
          null,
          {
            bpm: -1,
            at: ts(-5, 'Asia/Tokyo'),
            notes: new Map<string, unknown>([
              ['x', null],
              ['y', [null, '-0.01']],
            ]),
          },
        ],
        source: 'monitor 😀',
      },
      new Map<string, unknown>([
        ['k', { n: 1, s: 'v' }],
        ['k2', null],
      ]),
      [[1.5, -0], [], null, [NaN]],
      ['a', 'b'],
    ],
  ],
  [
    [2n, null, null, null, []],
    [2n, null, null, null, []],
  ],
  [
    [3, { readings: [], source: null }, new Map(), [[]], ['']],
    [3n, { readings: [], source: null }, new Map(), [[]], ['']],
  ],
  [{ id: '4' }, [4n, null, null, null, null]],
  [
    { id: 5n, vitals: new Map([['source', 's']]), attrs: { z: { n: -32768 }, '': { s: '' } } },
    [
      5n,
      { readings: null, source: 's' },
      new Map<string, unknown>([
        ['z', { n: -32768, s: null }],
        ['', { n: null, s: '' }],
      ]),
      null,
      null,
    ],
  ],
  [
    { id: 6n, vitals: { readings: [{ bpm: 2147483647, at: '2021-03-28T01:00:00+01:00', notes: [['k', null]] }] } },
    [
      6n,
      {
        readings: [{ bpm: 2147483647, at: ts(Date.UTC(2021, 2, 28), 'Europe/London'), notes: new Map([['k', null]]) }],
        source: null,
      },
      null,
      null,
      null,
    ],
  ],
];

describe('nested List / Struct / Map', () => {
  it('round-trips List<Struct<…Map<Utf8, List<Decimal>>…>> with nulls and empties at every level', () => {
    const rows = roundTrip(
      nestedSchema,
      NESTED_ROWS.map(([input]) => input),
    );
    expect(rows).toEqual(NESTED_ROWS.map(([, output]) => output));
  });

  it('gives a null struct valid placeholders in its non-nullable children', () => {
    const schema = new Schema([
      new Field(
        's',
        new Struct([
          new Field('n', new Int32(), false),
          new Field('t', new Utf8(), false),
          new Field('l', listOf(new Int8()), false),
        ]),
        true,
      ),
    ]);
    const batch = buildRecordBatch(schema, [[null], [{ n: 7, t: 'x', l: [1] }], [null]]);
    const struct = batch.getChildAt(0)!.data[0]!;
    expect(struct.nullCount).toBe(2);
    for (const child of struct.children) {
      expect(child.length).toBe(3);
      expect(child.nullCount).toBe(0);
    }
    expect(readThroughIpc(batch)).toEqual([[null], [{ n: 7, t: 'x', l: [1] }], [null]]);
  });

  it('accepts any non-string iterable as a list and a Map as a struct', () => {
    function* generated(): Generator<number> {
      yield 1;
      yield 2;
    }
    const schema = new Schema([
      new Field('l', listOf(new Int32()), true),
      new Field('s', new Struct([new Field('a', new Int32(), true)]), true),
    ]);
    expect(
      roundTrip(schema, [
        [generated(), new Map([['a', 1]])],
        [new Int32Array([3]), new Map()],
      ]),
    ).toEqual([
      [[1, 2], { a: 1 }],
      [[3], { a: null }],
    ]);
  });

  it.each([
    [
      'a fraction deep inside',
      { id: 1n, vitals: { readings: [{ bpm: 1 }, { bpm: 1.5 }] } },
      'vitals.readings[].bpm',
      'number',
      'Int32',
    ],
    [
      'a null non-nullable child',
      { id: 1n, vitals: { readings: [{ bpm: null }] } },
      'vitals.readings[].bpm',
      'null',
      'Int32',
    ],
    [
      'a missing non-nullable child',
      { id: 1n, vitals: { readings: [{}] } },
      'vitals.readings[].bpm',
      'undefined',
      'Int32',
    ],
    [
      'a null map key',
      { id: 1n, vitals: { readings: [{ bpm: 1, notes: new Map([[null, []]]) }] } },
      'vitals.readings[].notes[].key',
      'null',
      'Utf8',
    ],
    [
      'a non-string map key',
      { id: 1n, vitals: { readings: [{ bpm: 1, notes: new Map([[1, []]]) }] } },
      'vitals.readings[].notes[].key',
      'number',
      'Utf8',
    ],
    [
      'a decimal over precision in a map value',
      { id: 1n, vitals: { readings: [{ bpm: 1, notes: { a: ['1', '1e3'] } }] } },
      'vitals.readings[].notes[].value[]',
      'string',
      'Decimal(5, 2)',
    ],
    [
      'a bad timestamp zone',
      { id: 1n, vitals: { readings: [{ bpm: 1, at: { epochMillis: 0, zone: 'Nowhere' } }] } },
      'vitals.readings[].at',
      'object',
      'Timestamp(MILLISECOND, Europe/London)',
    ],
    ['a string for a map', { id: 1n, attrs: 'k=v' }, 'attrs', 'string', 'Map<Utf8, Struct<n: Int16, s: Utf8>>'],
    ['a malformed map pair', { id: 1n, attrs: [['k']] }, 'attrs', 'Array', undefined],
    [
      'a struct value of the wrong kind',
      { id: 1n, attrs: { k: [1, 'x'] } },
      'attrs[].value',
      'Array',
      'Struct<n: Int16, s: Utf8>',
    ],
    ['a number inside a list of lists', { id: 1n, matrix: [[1], 5] }, 'matrix[]', 'number', 'List<Float64>'],
    ['an array for a struct', { id: 1n, vitals: [] }, 'vitals', 'Array', undefined],
    ['a Date for a struct', { id: 1n, vitals: new Date(0) }, 'vitals', 'Date', undefined],
    ['a string for a list', { id: 1n, tags: 'abc' }, 'tags', 'string', 'List<Utf8>'],
    ['a null in non-nullable list items', { id: 1n, tags: ['a', null] }, 'tags[]', 'null', 'Utf8'],
    ['a null non-nullable top-level column', { id: null }, 'id', 'null', 'Int64'],
  ] as const)('names the nested path for %s', (_what, badRow, column, valueType, arrowType) => {
    const error = coercionError(nestedSchema, [{ id: 0n }, { id: 0n }, badRow]);
    expectCoercionError(error, column, 2, valueType, arrowType);
  });
});

// --- rows, reuse, rollback, size ----------------------------------------------------------------

describe('RecordBatchWriter', () => {
  it('rolls a failing row back from every column, nested ones included, and keeps going', () => {
    const good1 = NESTED_ROWS[0]![0];
    const good2 = NESTED_ROWS[5]![0];
    const bad: Row = {
      id: 9n,
      vitals: {
        readings: [
          { bpm: 1, notes: { a: ['1.00', '2'] } },
          { bpm: 2, notes: { b: ['3', 'oops'] } },
        ],
        source: 'partial',
      },
      attrs: { k: { n: 1 } },
    };
    const writer = new RecordBatchWriter(nestedSchema);
    writer.appendRow(good1);
    expect(() => writer.appendRow(bad)).toThrow(ValueCoercionError);
    expect(writer.numRows).toBe(1);
    expect(() => writer.appendRow([1n, null, null, null])).toThrow(TypeError);
    writer.appendRow(good2);
    const size = writer.byteSize;
    const batch = writer.finish();

    const clean = new RecordBatchWriter(nestedSchema);
    clean.appendRow(good1);
    clean.appendRow(good2);
    expect(size).toBe(clean.byteSize);
    expect(readThroughIpc(batch)).toEqual([NESTED_ROWS[0]![1], NESTED_ROWS[5]![1]]);
  });

  it('rolls back nulls counted in a failing row', () => {
    const schema = new Schema([new Field('a', new Int32(), true), new Field('b', new Int32(), true)]);
    const writer = new RecordBatchWriter(schema);
    writer.appendRow([1, 1]);
    expect(() => writer.appendRow([null, 'x'])).toThrow(ValueCoercionError);
    writer.appendRow([2, 2]);
    const batch = writer.finish();
    expect(batch.getChildAt(0)!.nullCount).toBe(0);
    expect(readThroughIpc(batch)).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('takes object rows by field name (missing = null) and array rows in schema order', () => {
    const schema = new Schema([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)]);
    expect(roundTrip(schema, [{ a: 1, b: 'x' }, { b: 'y' }, {}, [2, null], { a: 3, extra: 'ignored' }])).toEqual([
      [1, 'x'],
      [null, 'y'],
      [null, null],
      [2, null],
      [3, null],
    ]);
  });

  it('rejects rows that are neither arrays nor objects, and arrays of the wrong length', () => {
    const writer = new RecordBatchWriter(new Schema([new Field('a', new Int32(), true)]));
    expect(() => writer.appendRow([])).toThrow(/has 0 values but the schema has 1 fields/);
    expect(() => writer.appendRow([1, 2])).toThrow(TypeError);
    expect(() => writer.appendRow(5 as unknown as Row)).toThrow(TypeError);
    expect(() => writer.appendRow(null as unknown as Row)).toThrow(TypeError);
    expect(writer.numRows).toBe(0);
  });

  it('reads a field named __proto__ as an own property, never the prototype', () => {
    const schema = new Schema([
      new Field('__proto__', new Int32(), true),
      new Field('x', new Struct([new Field('__proto__', new Utf8(), true)]), true),
    ]);
    const row = JSON.parse('{"__proto__": 5, "x": {"__proto__": "a"}}') as Record<string, unknown>;
    const [first, second] = roundTrip(schema, [row, { x: {} }]);
    expect(first?.[0]).toBe(5);
    expect(Object.getOwnPropertyDescriptor(first?.[1], '__proto__')?.value).toBe('a');
    expect(second?.[0]).toBeNull();
    expect(Object.getOwnPropertyDescriptor(second?.[1], '__proto__')?.value).toBeNull();
  });

  it('is empty and reusable after finish, and never touches a batch it handed out', () => {
    const schema = new Schema([
      new Field('i', new Int32(), true),
      new Field('s', new Utf8(), true),
      new Field('l', listOf(new Int64()), true),
    ]);
    const writer = new RecordBatchWriter(schema);
    writer.appendRow([1, 'one', [1n]]);
    writer.appendRow([null, null, null]);
    const first = writer.finish();
    expect(writer.numRows).toBe(0);
    expect(writer.byteSize).toBe(0);
    for (let i = 0; i < 1000; i++) writer.appendRow([i, `row ${i}`, [BigInt(i), -1n]]);
    const second = writer.finish();
    expect(readThroughIpc(first)).toEqual([
      [1, 'one', [1n]],
      [null, null, null],
    ]);
    expect(second.numRows).toBe(1000);
    expect(readRows(second)[999]).toEqual([999, 'row 999', [999n, -1n]]);
    const empty = writer.finish();
    expect(empty.numRows).toBe(0);
    expect(readThroughIpc(empty)).toEqual([]);
  });

  it('reuses the buffers of a recycled batch for the next block, and of no other batch', () => {
    const schema = new Schema([
      new Field('i', new Int32(), true),
      new Field('n', new Int64(), false),
      new Field('f', new Float64(), true),
      new Field('d', new Decimal(2, 20, 128), true),
      new Field('s', new Utf8(), true),
      new Field('l', listOf(new Int64()), true),
    ]);
    // Large enough that every buffer is pooled (64 KiB and up).
    const block = (seed: number): unknown[][] =>
      Array.from({ length: 20_000 }, (_, i) =>
        i % 11 === 0
          ? [null, BigInt(seed + i), null, null, null, null]
          : [
              seed + i,
              BigInt(seed + i),
              (seed + i) / 4,
              `${seed + i}.5`,
              `row ${seed + i}`,
              [BigInt(i), BigInt(-seed)],
            ],
      );
    const buffersOf = (batch: RecordBatch): Set<ArrayBufferLike> => {
      const found = new Set<ArrayBufferLike>();
      const visit = (data: Data): void => {
        for (const view of [data.values, data.valueOffsets] as (ArrayBufferView | undefined)[])
          if (view !== undefined && view.byteLength >= 64 * 1024) found.add(view.buffer);
        data.children.forEach(visit);
      };
      visit(batch.data);
      return found;
    };
    const writer = new RecordBatchWriter(schema);
    for (const row of block(0)) writer.appendRow(row);
    const first = writer.finish();
    const firstBuffers = buffersOf(first);
    const firstRows = readRows(first);
    expect(firstBuffers.size).toBeGreaterThanOrEqual(5);

    // Not recycled: the next block must not touch the first batch.
    for (const row of block(1_000_000)) writer.appendRow(row);
    const second = writer.finish();
    expect([...buffersOf(second)].filter((buffer) => firstBuffers.has(buffer))).toEqual([]);
    expect(readRows(first)).toEqual(firstRows);

    // Recycled: the third block is written into the second batch's buffers, and reads back exactly.
    const secondBuffers = buffersOf(second);
    writer.recycle();
    const rows = block(2_000_000);
    for (const row of rows) writer.appendRow(row);
    const third = writer.finish();
    expect([...buffersOf(third)].filter((buffer) => secondBuffers.has(buffer)).length).toBeGreaterThanOrEqual(5);
    expect(readThroughIpc(third)).toEqual(
      rows.map((row) =>
        row[0] === null
          ? row
          : [row[0], row[1], row[2], formatDecimal(toUnscaledDecimal(row[3] as string, 2), 2), row[4], row[5]],
      ),
    );
    expect(readRows(first)).toEqual(firstRows);
  });

  it('grows buffers past many doublings, with the first null arriving late', () => {
    const schema = new Schema([
      new Field('i', new Int32(), true),
      new Field('s', new Utf8(), true),
      new Field('l', listOf(new Bool()), true),
      new Field('d', new Decimal(3, 20, 128), true),
    ]);
    const rows: unknown[][] = [];
    const expected: unknown[][] = [];
    for (let i = 0; i < 20_000; i++) {
      const isNull = i >= 5_000 && i % 7 === 0;
      rows.push(isNull ? [null, null, null, null] : [i, `s${i}é`, [i % 2 === 0, i % 3 === 0], i / 8]);
      expected.push(
        isNull
          ? [null, null, null, null]
          : [i, `s${i}é`, [i % 2 === 0, i % 3 === 0], formatDecimal(toUnscaledDecimal(i / 8, 3), 3)],
      );
    }
    expect(roundTrip(schema, rows)).toEqual(expected);
  });

  it('reports byteSize like Java Block.getSize(): values, offsets, data and validity of every vector', () => {
    const cases: ReadonlyArray<readonly [DataType, readonly unknown[], number]> = [
      [new Int32(), [1, null, 3], 3 * 4 + 1],
      [new Int64(), [1n, 2n, 3n], 3 * 8 + 1],
      [new Bool(), [true, null, false], 1 + 1],
      [new Decimal(2, 10, 128), ['1', null, '2'], 3 * 16 + 1],
      [new Utf8(), ['a', 'bcd', null], 4 * 4 + 4 + 1],
      [new Binary(), [new Uint8Array(5)], 2 * 4 + 5 + 1],
      [listOf(new Int32()), [[1, 2], [3], null], 4 * 4 + 1 + (3 * 4 + 1)],
      [new Struct([new Field('a', new Int64(), true)]), [{ a: 1n }, null, {}], 1 + (3 * 8 + 1)],
      [mapOf(new Utf8(), new Int32()), [{ a: 1 }, null, {}], 4 * 4 + 1 + 1 + (2 * 4 + 1 + 1) + (4 + 1)],
    ];
    for (const [type, values, size] of cases) {
      const writer = new RecordBatchWriter(single(type));
      expect(writer.byteSize).toBe(0);
      for (const value of values) writer.appendRow([value]);
      expect(writer.byteSize).toBe(size);
    }
  });

  it('refuses Arrow types Athena connectors do not support, at construction', () => {
    const unsupported: DataType[] = [
      new Uint32(),
      new Float16(),
      new LargeUtf8(),
      new Null(),
      new FixedSizeBinary(4),
      new TimeMillisecond(),
      new TimestampSecond('UTC'),
      new TimestampNanosecond('UTC'),
      new Decimal(2, 39, 128),
      new Decimal(2, 10, 256),
      new Dictionary(new Utf8(), new Int32()),
      new TimestampMillisecond(),
      listOf(new Uint32()),
    ];
    for (const type of unsupported) expect(() => new RecordBatchWriter(single(type)), String(type)).toThrow(TypeError);
    expect(() => new RecordBatchWriter(single(new TimestampMillisecond('Mars/Phobos')))).toThrow(RangeError);
  });
});

describe('readValue', () => {
  it('finds the right chunk of a multi-batch vector and checks bounds', () => {
    const schema = single(new Decimal(2, 10, 128));
    const first = buildRecordBatch(schema, [['1.5'], [null]]);
    const second = buildRecordBatch(schema, [['-2.25']]);
    const table = tableFromIPC(RecordBatchStreamWriter.writeAll([first, second]).toUint8Array(true));
    const vector = table.getChildAt(0)!;
    expect(vector.data).toHaveLength(2);
    expect([0, 1, 2].map((index) => readValue(vector, index))).toEqual(['1.50', null, '-2.25']);
    expect(() => readValue(vector, 3)).toThrow(RangeError);
    expect(() => readValue(vector, -1)).toThrow(RangeError);
  });

  it('reads sliced data (a non-zero offset) correctly', () => {
    const schema = new Schema([
      new Field('b', new Bool(), true),
      new Field('s', new Utf8(), true),
      new Field('l', listOf(new Int32()), true),
    ]);
    const batch = buildRecordBatch(schema, [
      [true, 'a', [1]],
      [null, null, null],
      [false, 'c', [2, 3]],
      [true, 'd', []],
    ]);
    expect(readRows(batch.slice(1, 3))).toEqual([
      [null, null, null],
      [false, 'c', [2, 3]],
    ]);
  });
});

describe('buildRecordBatch', () => {
  it('consumes any iterable of rows and counts error rows from 0 in each batch', () => {
    function* rows(): Generator<Row> {
      yield [1];
      yield { c: 2 };
    }
    expect(readRows(buildRecordBatch(single(new Int32()), rows()))).toEqual([[1], [2]]);
    const writer = new RecordBatchWriter(single(new Int32()));
    writer.appendRow([1]);
    writer.finish();
    let error: unknown;
    try {
      writer.appendRow(['x']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValueCoercionError);
    expect((error as ValueCoercionError).row).toBe(0);
  });
});

// --- properties ---------------------------------------------------------------------------------

describe('randomized round trips', () => {
  const ZONES = [
    'UTC',
    'Z',
    '+05:30',
    '-14:00',
    '+14:00',
    'America/Los_Angeles',
    'Asia/Kathmandu',
    'Europe/London',
    'Etc/GMT-3',
    'Australia/Lord_Howe',
  ];

  it('integers of every width, from numbers, bigints and strings', () => {
    const widths = [
      [new Int8(), 8],
      [new Int16(), 16],
      [new Int32(), 32],
    ] as const;
    for (const [type, bits] of widths) {
      const max = 2 ** (bits - 1) - 1;
      const value = fc.integer({ min: -max - 1, max });
      fc.assert(
        fc.property(
          fc.array(fc.option(fc.oneof(value, value.map(BigInt), value.map(String)), { nil: null })),
          (values) => {
            expect(roundTripColumn(type, values)).toEqual(values.map((v) => (v === null ? null : Number(v))));
          },
        ),
        { numRuns: 50 },
      );
    }
    const int64 = fc.bigInt(INT64_MIN, INT64_MAX);
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.oneof(int64, fc.maxSafeInteger(), int64.map(String)), { nil: null })),
        (values) => {
          expect(roundTripColumn(new Int64(), values)).toEqual(values.map((v) => (v === null ? null : BigInt(v))));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('decimals at random scales, from exact strings and bigints', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 38 }),
        fc.array(fc.option(fc.bigInt(-MAX_38, MAX_38), { nil: null }), { maxLength: 20 }),
        (scale, unscaled) => {
          const strings = unscaled.map((u) => (u === null ? null : formatDecimal(u, scale)));
          expect(roundTripColumn(new Decimal(scale, 38, 128), strings)).toEqual(strings);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('decimals from JS numbers match the exact String(n) reading, or fail on precision', () => {
    const type = new Decimal(6, 20, 128);
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e16, max: 1e16 }), (value) => {
        const expected = formatDecimal(toUnscaledDecimal(String(value), 6), 6);
        const unscaledDigits = expected
          .replace(/^-/, '')
          .replace('.', '')
          .replace(/^0+(?=\d)/, '');
        if (unscaledDigits.length <= 20) {
          expect(roundTripColumn(type, [value])).toEqual([expected]);
        } else {
          expect(() => buildRecordBatch(single(type), [[value]])).toThrow(ValueCoercionError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('strings of arbitrary Unicode', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.string({ unit: 'binary', maxLength: 80 }), { nil: null })), (values) => {
        expect(roundTripColumn(new Utf8(), values)).toEqual(values);
      }),
      { numRuns: 100 },
    );
  });

  it('packed timestamps for random instants and zones', () => {
    const millis = fc.bigInt(BigInt(MIN_PACKABLE), BigInt(MAX_PACKABLE)).map(Number);
    fc.assert(
      fc.property(
        fc.array(fc.record({ epochMillis: millis, zone: fc.constantFrom(...ZONES) }), { maxLength: 20 }),
        (values) => {
          const batch = buildRecordBatch(
            single(new TimestampMillisecond('UTC')),
            values.map((value) => [value]),
          );
          const raw = [...(batch.getChildAt(0)!.data[0]!.values as BigInt64Array)];
          expect(raw).toEqual(values.map(({ epochMillis, zone }) => packTimestampWithZone(BigInt(epochMillis), zone)));
          expect(readThroughIpc(batch).map((row) => row[0])).toEqual(
            values.map(({ epochMillis, zone }) => ts(epochMillis, zoneIdOf(zoneKeyOf(zone)))),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
