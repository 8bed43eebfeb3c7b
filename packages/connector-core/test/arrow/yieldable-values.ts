// The table of JS values readSplit may yield for each Arrow type: the data the writer's JSDoc and
// the core README show (rendered by renderYieldableValues) and that yieldable-values.test.ts proves,
// so the documentation cannot drift from what the writer does.
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Map_,
  Struct,
  TimestampMicrosecond,
  TimestampMillisecond,
  Utf8,
} from 'apache-arrow';

/** A kind of value the writer stores exactly: an example and what the reader gives back for it. */
export interface AcceptedKind {
  readonly kind: string;
  readonly example: unknown;
  readonly readsAs: unknown;
}

/** A kind of value the writer refuses; `because` must appear in the error's reason. */
export interface RefusedKind {
  readonly kind: string;
  readonly example: unknown;
  readonly because: string;
  /** The column path the error names when it is not the column itself (map keys). */
  readonly column?: string;
}

export interface YieldableValues {
  /** The Arrow type as errors name it (`ValueCoercionError.arrowType`). */
  readonly arrowType: string;
  /** The concrete type the test writes. */
  readonly type: DataType;
  readonly accepts: readonly AcceptedKind[];
  readonly refuses: readonly RefusedKind[];
}

const INT64_MAX = 2n ** 63n - 1n;
const listOfInt32 = new List(new Field('item', new Int32(), true));
const pointStruct = new Struct([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)]);
const utf8ToInt32 = mapOf(new Utf8(), new Int32());

function mapOf(key: DataType, value: DataType): Map_ {
  return new Map_(
    new Field('entries', new Struct([new Field('key', key, false), new Field('value', value, true)]), false),
    false,
  );
}

function ts(epochMillis: number, zoneId: string): { epochMillis: number; zoneId: string } {
  return { epochMillis, zoneId };
}

export const YIELDABLE_VALUES: readonly YieldableValues[] = [
  {
    arrowType: 'Bool',
    type: new Bool(),
    accepts: [{ kind: 'a boolean', example: true, readsAs: true }],
    refuses: [
      { kind: 'a number', example: 1, because: 'is not a kind of value' },
      { kind: 'a string', example: 'true', because: 'is not a kind of value' },
    ],
  },
  {
    arrowType: 'Int8',
    type: new Int8(),
    accepts: [
      { kind: 'an integer number in [-128, 127]', example: -128, readsAs: -128 },
      { kind: 'a bigint in range', example: 127n, readsAs: 127 },
      { kind: 'a decimal-integer string in range', example: '+12', readsAs: 12 },
    ],
    refuses: [
      { kind: 'an integer out of range', example: 128, because: 'outside the range [-128, 127]' },
      { kind: 'a number with a fraction', example: 1.5, because: 'not an integer' },
      { kind: 'any other string', example: '1e2', because: 'not a decimal integer' },
      { kind: 'a boolean or Date', example: new Date(0), because: 'is not a kind of value' },
    ],
  },
  {
    arrowType: 'Int16',
    type: new Int16(),
    accepts: [
      { kind: 'an integer number in [-32768, 32767]', example: 32767, readsAs: 32767 },
      { kind: 'a bigint in range', example: -32768n, readsAs: -32768 },
      { kind: 'a decimal-integer string in range', example: '-32768', readsAs: -32768 },
    ],
    refuses: [
      { kind: 'an integer out of range', example: 32768, because: 'outside the range [-32768, 32767]' },
      { kind: 'a number with a fraction', example: 0.5, because: 'not an integer' },
    ],
  },
  {
    arrowType: 'Int32',
    type: new Int32(),
    accepts: [
      { kind: 'an integer number in [-2^31, 2^31 - 1]', example: 2147483647, readsAs: 2147483647 },
      { kind: 'a bigint in range', example: -2147483648n, readsAs: -2147483648 },
      { kind: 'a decimal-integer string in range', example: '2147483647', readsAs: 2147483647 },
    ],
    refuses: [
      { kind: 'an integer out of range', example: 3_000_000_000, because: 'outside the range' },
      { kind: 'a number with a fraction', example: 0.5, because: 'not an integer' },
      { kind: 'a string with a fraction', example: '1.0', because: 'not a decimal integer' },
    ],
  },
  {
    arrowType: 'Int64',
    type: new Int64(),
    accepts: [
      { kind: 'a bigint in [-2^63, 2^63 - 1]', example: INT64_MAX, readsAs: INT64_MAX },
      { kind: 'an integer number in ±(2^53 - 1)', example: -1, readsAs: -1n },
      { kind: 'a decimal-integer string in range', example: '-9223372036854775808', readsAs: -(2n ** 63n) },
    ],
    refuses: [
      { kind: 'an integer out of range', example: 2n ** 63n, because: 'outside the signed 64-bit range' },
      {
        kind: 'an integer number beyond ±(2^53 - 1), which may have been rounded already',
        example: 2 ** 53,
        because: 'may already have been rounded',
      },
      { kind: 'a number with a fraction', example: 1.5, because: 'not an integer' },
      { kind: 'any other string', example: '12a', because: 'not a decimal integer' },
    ],
  },
  {
    arrowType: 'Float32',
    type: new Float32(),
    accepts: [
      { kind: 'a number a 32-bit float holds exactly, NaN or ±Infinity', example: 1.5, readsAs: 1.5 },
      { kind: 'a bigint a 32-bit float holds exactly', example: 2n ** 24n, readsAs: 2 ** 24 },
      { kind: 'a numeric string a 32-bit float holds exactly', example: '-Infinity', readsAs: -Infinity },
    ],
    refuses: [
      {
        kind: 'a number a 32-bit float would round (`Math.fround` it first)',
        example: 0.1,
        because: 'no exact 32-bit float',
      },
      { kind: 'a non-numeric string', example: 'abc', because: 'not a number' },
    ],
  },
  {
    arrowType: 'Float64',
    type: new Float64(),
    accepts: [
      { kind: 'any number, NaN and ±Infinity included', example: 0.1, readsAs: 0.1 },
      { kind: 'a bigint a double holds exactly', example: 2n ** 53n, readsAs: 2 ** 53 },
      { kind: 'a numeric string', example: '1E-5', readsAs: 1e-5 },
    ],
    refuses: [
      { kind: 'a bigint a double would round', example: 2n ** 53n + 1n, because: 'no exact double' },
      { kind: 'a string beyond the double range', example: '1e400', because: 'beyond the largest double' },
      { kind: 'a hexadecimal or other non-numeric string', example: '0x10', because: 'not a number' },
    ],
  },
  {
    arrowType: 'Decimal(10, 2)',
    type: new Decimal(2, 10, 128),
    accepts: [
      { kind: 'a decimal string (rounded HALF_UP to the scale)', example: '-12.345', readsAs: '-12.35' },
      { kind: 'a number (read as `String(n)`, then rounded)', example: 2.675, readsAs: '2.68' },
      { kind: 'a bigint', example: 7n, readsAs: '7.00' },
      { kind: 'a string in exponent form', example: '1e3', readsAs: '1000.00' },
    ],
    refuses: [
      {
        kind: 'a value over the precision after rounding',
        example: '99999999.995',
        because: 'more than the 10 digits',
      },
      { kind: 'a malformed string', example: '1.2.3', because: 'not a decimal number' },
      { kind: 'NaN or ±Infinity', example: Number.NaN, because: 'NaN or ±Infinity' },
    ],
  },
  {
    arrowType: 'Utf8',
    type: new Utf8(),
    accepts: [{ kind: 'a well-formed string', example: 'héllo 😀', readsAs: 'héllo 😀' }],
    refuses: [
      { kind: 'a string with a lone surrogate', example: 'a\uD800', because: 'lone UTF-16 surrogate' },
      { kind: 'a number, a Buffer or anything else', example: 5, because: 'is not a kind of value' },
    ],
  },
  {
    arrowType: 'Binary',
    type: new Binary(),
    accepts: [
      { kind: 'a Uint8Array or Buffer', example: Buffer.from('abc'), readsAs: new Uint8Array([97, 98, 99]) },
      { kind: 'an ArrayBuffer', example: new Uint8Array([1, 2]).buffer, readsAs: new Uint8Array([1, 2]) },
    ],
    refuses: [
      { kind: 'a string', example: 'abc', because: 'is not a kind of value' },
      { kind: 'another typed array', example: new Int8Array(2), because: 'is not a kind of value' },
    ],
  },
  {
    arrowType: 'DateDay',
    type: new DateDay(),
    accepts: [
      { kind: 'a Date (its UTC day)', example: new Date('2020-02-29T23:59:59.999Z'), readsAs: 18_321 },
      { kind: 'an integer number of days since 1970-01-01', example: -1, readsAs: -1 },
      { kind: 'a YYYY-MM-DD string', example: '2000-02-29', readsAs: 11_016 },
    ],
    refuses: [
      { kind: 'a date that does not exist', example: '2021-02-29', because: 'naming a real day' },
      { kind: 'a string with a time of day', example: '2020-01-01T00:00:00Z', because: 'has a time of day' },
      { kind: 'an invalid Date', example: new Date(Number.NaN), because: 'the Date is invalid' },
    ],
  },
  {
    arrowType: 'DateMillisecond',
    type: new DateMillisecond(),
    accepts: [
      { kind: 'a Date', example: new Date(0), readsAs: 0 },
      { kind: 'integer epoch milliseconds (number or bigint)', example: 123n, readsAs: 123 },
      {
        kind: 'an ISO-8601 date-time (with an offset, or read as UTC)',
        example: '2020-01-01T10:00:00+02:00',
        readsAs: Date.UTC(2020, 0, 1, 8),
      },
    ],
    refuses: [
      { kind: 'a string with sub-millisecond digits', example: '2020-01-01T10:00:00.1234', because: 'keeps 3' },
      { kind: 'a number with a fraction', example: 1.5, because: 'not an integer' },
    ],
  },
  {
    arrowType: 'Timestamp(MILLISECOND, America/New_York)',
    type: new TimestampMillisecond('America/New_York'),
    accepts: [
      { kind: "a Date (the column's zone)", example: new Date(0), readsAs: ts(0, 'America/New_York') },
      { kind: 'integer epoch milliseconds (number or bigint)', example: -1, readsAs: ts(-1, 'America/New_York') },
      {
        kind: 'an ISO-8601 date-time with an offset',
        example: '2020-01-01T00:00:00.5-05:00',
        readsAs: ts(Date.UTC(2020, 0, 1, 5, 0, 0, 500), 'America/New_York'),
      },
      {
        kind: '`{ epochMillis, zone }` (its own zone)',
        example: { epochMillis: 7, zone: 'Asia/Tokyo' },
        readsAs: ts(7, 'Asia/Tokyo'),
      },
    ],
    refuses: [
      { kind: 'a date-time string without an offset', example: '2020-01-01T00:00:00', because: 'no UTC offset' },
      {
        kind: 'a string with sub-millisecond digits',
        example: '2020-01-01T00:00:00.123456789Z',
        because: '9 fraction digits',
      },
      { kind: 'an instant beyond ±2^51 ms', example: 2 ** 51, because: 'packed timestamp' },
      {
        kind: 'an unknown zone',
        example: { epochMillis: 1, zone: 'Mars/Olympus' },
        because: 'no time zone Athena knows',
      },
    ],
  },
  {
    arrowType: 'Timestamp(MICROSECOND, UTC)',
    type: new TimestampMicrosecond('UTC'),
    accepts: [
      { kind: 'integer epoch microseconds (bigint or number)', example: 1_234_567n, readsAs: 1_234_567n },
      { kind: 'a Date', example: new Date(-1), readsAs: -1000n },
      {
        kind: 'an ISO-8601 date-time with an offset',
        example: '2020-01-01T00:00:00.123456Z',
        readsAs: BigInt(Date.UTC(2020, 0, 1)) * 1000n + 123_456n,
      },
    ],
    refuses: [
      { kind: 'a string with sub-microsecond digits', example: '2020-01-01T00:00:00.1234567Z', because: 'keeps 6' },
      { kind: 'a date-time string without an offset', example: '2020-01-01T00:00:00', because: 'no UTC offset' },
      { kind: 'a number with a fraction', example: 1.5, because: 'not an integer' },
    ],
  },
  {
    arrowType: 'List<Int32>',
    type: listOfInt32,
    accepts: [
      { kind: 'an array of item values', example: [1, null], readsAs: [1, null] },
      { kind: 'any other iterable but a string', example: new Set([2, 3]), readsAs: [2, 3] },
    ],
    refuses: [
      { kind: 'a string', example: 'abc', because: 'is not a kind of value' },
      { kind: 'an item its type refuses', example: [1, 1.5], because: 'not an integer', column: 'c[]' },
    ],
  },
  {
    arrowType: 'Struct<a: Int32, b: Utf8>',
    type: pointStruct,
    accepts: [
      { kind: 'an object by field name (absent = null)', example: { a: 1 }, readsAs: { a: 1, b: null } },
      { kind: 'a Map by field name', example: new Map([['b', 'x']]), readsAs: { a: null, b: 'x' } },
    ],
    refuses: [
      { kind: 'an array, Date or typed array', example: [1, 'x'], because: 'is not a kind of value' },
      {
        kind: 'a field value its type refuses',
        example: { a: 'one' },
        because: 'not a decimal integer',
        column: 'c.a',
      },
    ],
  },
  {
    arrowType: 'Map<Utf8, Int32>',
    type: utf8ToInt32,
    accepts: [
      { kind: 'a Map', example: new Map([['k', 1]]), readsAs: new Map([['k', 1]]) },
      { kind: 'an object (its own keys)', example: { k: 2 }, readsAs: new Map([['k', 2]]) },
      { kind: 'an array of [key, value] pairs', example: [['k', 3]], readsAs: new Map([['k', 3]]) },
    ],
    refuses: [
      { kind: 'a string', example: 'k=v', because: 'is not a kind of value' },
      { kind: 'a pair that is not [key, value]', example: [['k']], because: 'is not a [key, value] pair' },
      { kind: 'a null key', example: new Map([[null, 1]]), because: 'not nullable', column: 'c[].key' },
    ],
  },
];

/** How the tables show a value: JS source for it, as a plugin author would write it. */
export function sourceOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      // JSON.stringify escapes lone surrogates (\ud800), so the table shows them.
      return JSON.stringify(value);
    case 'boolean':
      return String(value);
    default:
      break;
  }
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'new Date(NaN)' : `new Date('${value.toISOString()}')`;
  if (Buffer.isBuffer(value)) return `Buffer.from(${JSON.stringify(value.toString('utf8'))})`;
  if (value instanceof Uint8Array || value instanceof Int8Array)
    return `new ${value.constructor.name}([${[...value].join(', ')}])`;
  if (value instanceof ArrayBuffer) return `new Uint8Array([${[...new Uint8Array(value)].join(', ')}]).buffer`;
  if (value instanceof Map)
    return `new Map([${[...value].map(([key, item]) => `[${sourceOf(key)}, ${sourceOf(item)}]`).join(', ')}])`;
  if (value instanceof Set) return `new Set([${[...value].map(sourceOf).join(', ')}])`;
  if (Array.isArray(value)) return `[${value.map(sourceOf).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => `${key}: ${sourceOf(item)}`);
  return `{ ${entries.join(', ')} }`;
}

function code(value: unknown): string {
  return `\`${sourceOf(value).replace(/\|/g, '\\|')}\``;
}

/** The markdown table of {@link YIELDABLE_VALUES}, one row per Arrow type. */
export function renderYieldableValues(): string {
  const lines = [
    '| Arrow type | `readSplit` may yield: example → read back | refused (the error says why and what to yield) |',
    '|---|---|---|',
  ];
  for (const { arrowType, accepts, refuses } of YIELDABLE_VALUES) {
    const accepted = accepts
      .map(({ kind, example, readsAs }) => `${kind}: ${code(example)} → ${code(readsAs)}`)
      .join('<br>');
    const refused = refuses.map(({ kind, example }) => `${kind}: ${code(example)}`).join('<br>');
    lines.push(`| \`${arrowType}\` | ${accepted} | ${refused} |`);
  }
  return lines.join('\n');
}
