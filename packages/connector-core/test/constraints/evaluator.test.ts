// Constraint evaluation against Java's semantics (PROTOCOL.md §4.3), except where Athena keeps rows
// Java would drop (text by code point, −0.0 = 0.0): a case table of the tricky
// orderings (−0.0/NaN, code points vs UTF-16, scale-blind decimals, int64 past 2^53, zoned instants,
// NULL handling, bounds), property tests against a naive reference predicate, and batch filtering.
// Every value set is a real wire object whose markers and lists are Arrow blocks with a col1 column.

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
  Int32,
  Int64,
  List,
  Map_,
  type RecordBatch,
  Schema,
  Struct,
  TimestampMicrosecond,
  TimestampMillisecond,
  Utf8,
} from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { arrowTypeToJson } from '../../src/arrow/arrow-type-json.js';
import { readRows, readValue } from '../../src/arrow/block-reader.js';
import { buildRecordBatch } from '../../src/arrow/block-writer/index.js';
import { toUnscaledDecimal } from '../../src/arrow/decimal.js';
import {
  decodeRecordBatchBytes,
  decodeSchemaMessage,
  encodeRecordBatchMessage,
  encodeSchemaMessage,
} from '../../src/arrow/ipc.js';
import { createConstraintEvaluator, filterRecordBatch, normalizeRanges } from '../../src/constraints/evaluator.js';
import { compareValues, createValueComparator, valuesEqual } from '../../src/constraints/value-compare.js';
import { compileValueSet, contains } from '../../src/constraints/value-set.js';
import type {
  AllOrNoneValueSet,
  Block,
  EquatableValueSet,
  Marker,
  MarkerBound,
  Range,
  SortedRangeSet,
  ValueSet,
} from '../../src/protocol/types.js';
import { compareByCodePoint } from '../../src/testing/code-point-order.js';

// --- wire builders ------------------------------------------------------------------------------

/** A one-column `col1` block, as Java's BlockUtils.newBlock makes for markers and value lists. */
function valueBlock(type: DataType, values: readonly unknown[]): Block {
  const schema = new Schema([new Field('col1', type, true)]);
  return {
    aId: 'test-allocator',
    schema,
    records: buildRecordBatch(
      schema,
      values.map((value) => [value]),
    ),
  };
}

function marker(type: DataType, value: unknown, bound: MarkerBound): Marker {
  return { valueBlock: valueBlock(type, [value]), bound, nullValue: false };
}

function lowerUnbounded(type: DataType): Marker {
  return { valueBlock: valueBlock(type, []), bound: 'ABOVE', nullValue: true };
}

function upperUnbounded(type: DataType): Marker {
  return { valueBlock: valueBlock(type, []), bound: 'BELOW', nullValue: true };
}

function rangeSet(type: DataType, nullAllowed: boolean, ...ranges: Range[]): SortedRangeSet {
  return { '@type': 'SortedRangeSet', type: arrowTypeToJson(type), ranges, nullAllowed };
}

const all = (type: DataType): Range => ({ low: lowerUnbounded(type), high: upperUnbounded(type) });
const eq = (type: DataType, value: unknown): Range => ({
  low: marker(type, value, 'EXACTLY'),
  high: marker(type, value, 'EXACTLY'),
});
const gt = (type: DataType, value: unknown): Range => ({
  low: marker(type, value, 'ABOVE'),
  high: upperUnbounded(type),
});
const ge = (type: DataType, value: unknown): Range => ({
  low: marker(type, value, 'EXACTLY'),
  high: upperUnbounded(type),
});
const lt = (type: DataType, value: unknown): Range => ({
  low: lowerUnbounded(type),
  high: marker(type, value, 'BELOW'),
});
const le = (type: DataType, value: unknown): Range => ({
  low: lowerUnbounded(type),
  high: marker(type, value, 'EXACTLY'),
});
function between(type: DataType, low: unknown, lowInclusive: boolean, high: unknown, highInclusive: boolean): Range {
  return {
    low: marker(type, low, lowInclusive ? 'EXACTLY' : 'ABOVE'),
    high: marker(type, high, highInclusive ? 'EXACTLY' : 'BELOW'),
  };
}

function equatable(
  type: DataType,
  values: readonly unknown[],
  whiteList: boolean,
  nullAllowed: boolean,
): EquatableValueSet {
  return { '@type': 'EquatableValueSet', valueBlock: valueBlock(type, values), whiteList, nullAllowed };
}

function allOrNone(type: DataType, isAll: boolean, nullAllowed: boolean): AllOrNoneValueSet {
  return { '@type': 'AllOrNoneValueSet', type: arrowTypeToJson(type), all: isAll, nullAllowed };
}

function listOf(item: DataType): List {
  return new List(new Field('item', item, true));
}

function mapOf(key: DataType, value: DataType): Map_ {
  return new Map_(
    new Field('entries', new Struct([new Field('key', key, false), new Field('value', value, true)]), false),
    false,
  );
}

/** The batch after real IPC bytes, so sliced/decoded buffers are exercised too. */
function throughIpc(batch: RecordBatch): RecordBatch {
  const schemaBytes = encodeSchemaMessage(batch.schema, 'legacy');
  return decodeRecordBatchBytes(encodeRecordBatchMessage(batch, 'legacy'), decodeSchemaMessage(schemaBytes));
}

/**
 * Evaluates `set` on column `c` of type `type` for each value, three ways that must agree: the
 * evaluator row by row, `contains` on the value read back, and `filterRecordBatch`.
 */
function evaluate(type: DataType, set: ValueSet, values: readonly unknown[]): boolean[] {
  const field = new Field('c', type, true);
  const schema = new Schema([field]);
  const batch = buildRecordBatch(
    schema,
    values.map((value) => [value]),
  );
  const evaluator = createConstraintEvaluator(schema, { c: set });
  const verdicts = values.map((_, row) => evaluator.rowMatches(batch, row));
  values.forEach((_, row) => {
    expect(contains(set, readValue(batch.getChildAt(0)!, row), field)).toBe(verdicts[row]);
  });
  const filtered = filterRecordBatch(batch, evaluator);
  const allRows = readRows(batch);
  expect(readRows(filtered)).toEqual(allRows.filter((_, row) => verdicts[row]));
  if (verdicts.every(Boolean)) expect(filtered).toBe(batch);
  return verdicts;
}

// --- the case table -----------------------------------------------------------------------------

interface Case {
  readonly name: string;
  readonly type: DataType;
  readonly set: ValueSet;
  /** [row value, kept?] */
  readonly rows: readonly (readonly [unknown, boolean])[];
}

const f64 = new Float64();
const f32 = new Float32();
const i32 = new Int32();
const i64 = new Int64();
const utf8 = new Utf8();
const TWO_53 = 2n ** 53n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INSTANT = Date.UTC(2024, 2, 10, 7, 30);
const DAY_MS = 86_400_000;

const cases: readonly Case[] = [
  // Floats: NaN above +Infinity as in Double.compare, but −0.0 equal to 0.0 as Athena compares them
  // (Java's re-check drops −0.0 rows from `x >= 0` and `x = 0`, which Athena keeps).
  {
    name: 'float64 >= 0.0 includes -0.0 and NaN',
    type: f64,
    set: rangeSet(f64, false, ge(f64, 0)),
    rows: [
      [-0, true],
      [0, true],
      [Number.NaN, true],
      [1, true],
      [-1, false],
      [Infinity, true],
      [-Infinity, false],
    ],
  },
  {
    name: 'float64 < 0.0 excludes -0.0 and NaN',
    type: f64,
    set: rangeSet(f64, false, lt(f64, 0)),
    rows: [
      [-0, false],
      [0, false],
      [Number.NaN, false],
      [-1, true],
      [-Infinity, true],
    ],
  },
  {
    name: 'float64 > +Infinity is exactly NaN',
    type: f64,
    set: rangeSet(f64, false, gt(f64, Infinity)),
    rows: [
      [Infinity, false],
      [Number.NaN, true],
      [Number.MAX_VALUE, false],
    ],
  },
  {
    name: 'float64 = -0.0 matches 0.0',
    type: f64,
    set: rangeSet(f64, false, eq(f64, -0)),
    rows: [
      [-0, true],
      [0, true],
    ],
  },
  {
    name: 'float64 IN (NaN, 0.0): NaN equals itself, -0.0 is 0.0',
    type: f64,
    set: equatable(f64, [Number.NaN, 0], true, false),
    rows: [
      [Number.NaN, true],
      [0, true],
      [-0, true],
      [1, false],
    ],
  },
  {
    name: 'float32 >= 0.0: -0.0 is 0.0, NaN above all',
    type: f32,
    set: rangeSet(f32, false, ge(f32, 0)),
    rows: [
      [-0, true],
      [0, true],
      [Number.NaN, true],
      [Math.fround(-1.5), false],
    ],
  },
  {
    name: 'float32 column against a float64 literal compares by value',
    type: f32,
    set: rangeSet(f64, false, gt(f64, 0.1)),
    rows: [
      [Math.fround(0.1), true],
      [Math.fround(0.09999999), false],
    ],
  },
  // Text: code points, as Athena orders varchar (Java's UTF-16 units would put U+1F600 below U+FFFF).
  {
    name: "utf8 > '😀' excludes '\\uFFFF' (code points, not code units)",
    type: utf8,
    set: rangeSet(utf8, false, gt(utf8, '😀')),
    rows: [
      ['\uFFFF', false],
      ['😀', false],
      ['😀😀', true],
      ['z', false],
      ['\uD7FF', false],
      ['\uE000', false],
      ['😁', true],
    ],
  },
  {
    name: "utf8 < '\\uFFFF' excludes '😀' and includes ''",
    type: utf8,
    set: rangeSet(utf8, false, lt(utf8, '\uFFFF')),
    rows: [
      ['😀', false],
      ['\uFFFF', false],
      ['', true],
      ['\uFFFF\u0000', false],
      ['\uE000', true],
    ],
  },
  {
    name: "utf8 ['a', 'b') is case-sensitive",
    type: utf8,
    set: rangeSet(utf8, false, between(utf8, 'a', true, 'b', false)),
    rows: [
      ['a', true],
      ['az', true],
      ['b', false],
      ['B', false],
      ['', false],
    ],
  },
  // Decimals: by value whatever the scales.
  {
    name: 'decimal(18,4) = decimal(10,2) 1.50',
    type: new Decimal(4, 18, 128),
    set: rangeSet(new Decimal(2, 10, 128), false, eq(new Decimal(2, 10, 128), '1.50')),
    rows: [
      ['1.5000', true],
      ['1.5001', false],
      ['1.4999', false],
      ['-1.5000', false],
    ],
  },
  {
    name: 'decimal(18,4) > decimal(10,2) -1.00',
    type: new Decimal(4, 18, 128),
    set: rangeSet(new Decimal(2, 10, 128), false, gt(new Decimal(2, 10, 128), '-1.00')),
    rows: [
      ['-0.9999', true],
      ['-1.0000', false],
      ['0', true],
      ['-1.0001', false],
    ],
  },
  {
    name: 'decimal(10,2) between a finer-scale literal',
    type: new Decimal(2, 10, 128),
    set: rangeSet(new Decimal(4, 12, 128), false, ge(new Decimal(4, 12, 128), '1.0050')),
    rows: [
      ['1.00', false],
      ['1.01', true],
      ['1.005', true],
    ],
  },
  {
    name: 'decimal(38,10) distinguishes digits a double would merge',
    type: new Decimal(10, 38, 128),
    set: rangeSet(new Decimal(10, 38, 128), false, eq(new Decimal(10, 38, 128), '12345678901234567890.1234567891')),
    rows: [
      ['12345678901234567890.1234567890', false],
      ['12345678901234567890.1234567891', true],
      ['12345678901234567890.1234567892', false],
    ],
  },
  {
    name: 'decimal(18,4) IN decimal(5,2) list',
    type: new Decimal(4, 18, 128),
    set: equatable(new Decimal(2, 5, 128), ['1.50', '2.00'], true, false),
    rows: [
      ['2.0000', true],
      ['1.5000', true],
      ['2.0001', false],
      [null, false],
    ],
  },
  // Int64 past 2^53: exact bigint order.
  {
    name: 'int64 = 2^53 + 1',
    type: i64,
    set: rangeSet(i64, false, eq(i64, TWO_53 + 1n)),
    rows: [
      [TWO_53, false],
      [TWO_53 + 1n, true],
      [TWO_53 + 2n, false],
    ],
  },
  {
    name: 'int64 in (2^53, 2^53 + 2)',
    type: i64,
    set: rangeSet(i64, false, between(i64, TWO_53, false, TWO_53 + 2n, false)),
    rows: [
      [TWO_53, false],
      [TWO_53 + 1n, true],
      [TWO_53 + 2n, false],
    ],
  },
  {
    name: 'int64 IN (max, min)',
    type: i64,
    set: equatable(i64, [INT64_MAX, INT64_MIN], true, false),
    rows: [
      [INT64_MAX, true],
      [INT64_MIN, true],
      [INT64_MAX - 1n, false],
      [0n, false],
    ],
  },
  {
    name: 'int64 column >= an int32 literal',
    type: i64,
    set: rangeSet(i32, false, ge(i32, 5)),
    rows: [
      [4n, false],
      [5n, true],
      [2n ** 62n, true],
      [INT64_MIN, false],
    ],
  },
  {
    name: 'int32 column against int64 literals far out of its range',
    type: i32,
    set: rangeSet(i64, false, between(i64, -(TWO_53 + 1n), false, 2n ** 40n, false)),
    rows: [
      [2147483647, true],
      [-2147483648, true],
      [0, true],
    ],
  },
  // NULL is decided by nullAllowed alone.
  {
    name: 'range set with nullAllowed',
    type: i32,
    set: rangeSet(i32, true, gt(i32, 0)),
    rows: [
      [null, true],
      [1, true],
      [0, false],
    ],
  },
  {
    name: 'range set without nullAllowed',
    type: i32,
    set: rangeSet(i32, false, gt(i32, 0)),
    rows: [
      [null, false],
      [1, true],
    ],
  },
  {
    name: 'IS NULL (no ranges, nullAllowed)',
    type: i32,
    set: rangeSet(i32, true),
    rows: [
      [null, true],
      [0, false],
    ],
  },
  {
    name: 'IS NOT NULL (unbounded both ways, no nulls)',
    type: i32,
    set: rangeSet(i32, false, all(i32)),
    rows: [
      [null, false],
      [0, true],
      [-2147483648, true],
    ],
  },
  {
    name: 'whitelist with nullAllowed',
    type: i32,
    set: equatable(i32, [1], true, true),
    rows: [
      [null, true],
      [1, true],
      [2, false],
    ],
  },
  {
    name: 'blacklist without nullAllowed',
    type: i32,
    set: equatable(i32, [1], false, false),
    rows: [
      [null, false],
      [1, false],
      [2, true],
    ],
  },
  {
    name: 'a listed NULL matches nothing; nullAllowed still governs NULL',
    type: i32,
    set: equatable(i32, [null, 1], true, false),
    rows: [
      [null, false],
      [1, true],
      [2, false],
    ],
  },
  // Bounds.
  {
    name: 'int32 [1, 5)',
    type: i32,
    set: rangeSet(i32, false, between(i32, 1, true, 5, false)),
    rows: [
      [0, false],
      [1, true],
      [4, true],
      [5, false],
    ],
  },
  {
    name: 'int32 (1, 5]',
    type: i32,
    set: rangeSet(i32, false, between(i32, 1, false, 5, true)),
    rows: [
      [1, false],
      [2, true],
      [5, true],
      [6, false],
    ],
  },
  {
    name: 'int32 (-inf, 0) or [10, 20] or (30, +inf)',
    type: i32,
    set: rangeSet(i32, false, gt(i32, 30), between(i32, 10, true, 20, true), lt(i32, 0)),
    rows: [
      [-1, true],
      [0, false],
      [10, true],
      [20, true],
      [21, false],
      [30, false],
      [31, true],
    ],
  },
  {
    name: 'int32 <= 7',
    type: i32,
    set: rangeSet(i32, false, le(i32, 7)),
    rows: [
      [7, true],
      [8, false],
      [-2147483648, true],
    ],
  },
  {
    name: 'overlapping ranges out of order are merged',
    type: i32,
    set: rangeSet(
      i32,
      false,
      between(i32, 10, true, 20, true),
      between(i32, 1, true, 5, true),
      between(i32, 4, true, 12, true),
    ),
    rows: [
      [0, false],
      [1, true],
      [5, true],
      [12, true],
      [20, true],
      [21, false],
    ],
  },
  {
    name: 'ranges touching at an excluded value stay apart',
    type: i32,
    set: rangeSet(i32, false, between(i32, 1, false, 5, false), between(i32, 5, false, 7, true)),
    rows: [
      [1, false],
      [4, true],
      [5, false],
      [6, true],
      [7, true],
    ],
  },
  // Equatable sets of text.
  {
    name: 'utf8 whitelist',
    type: utf8,
    set: equatable(utf8, ['a', '😀'], true, false),
    rows: [
      ['a', true],
      ['😀', true],
      ['A', false],
      ['', false],
    ],
  },
  {
    name: 'utf8 blacklist with nullAllowed',
    type: utf8,
    set: equatable(utf8, ['a', ''], false, true),
    rows: [
      ['a', false],
      ['', false],
      ['b', true],
      [null, true],
    ],
  },
  // AllOrNone.
  {
    name: 'all, not null',
    type: i32,
    set: allOrNone(i32, true, false),
    rows: [
      [1, true],
      [null, false],
    ],
  },
  {
    name: 'none, but null',
    type: i32,
    set: allOrNone(i32, false, true),
    rows: [
      [1, false],
      [null, true],
    ],
  },
  {
    name: 'none at all',
    type: i32,
    set: allOrNone(i32, false, false),
    rows: [
      [1, false],
      [null, false],
    ],
  },
  // Zoned timestamps compare by instant; the zone is ignored.
  {
    name: 'timestamp = literal written in another zone',
    type: new TimestampMillisecond('UTC'),
    set: rangeSet(
      new TimestampMillisecond('Asia/Tokyo'),
      false,
      eq(new TimestampMillisecond('Asia/Tokyo'), { epochMillis: INSTANT, zoneId: 'Asia/Tokyo' }),
    ),
    rows: [
      [{ epochMillis: INSTANT, zoneId: 'America/New_York' }, true],
      [{ epochMillis: INSTANT, zoneId: 'UTC' }, true],
      [{ epochMillis: INSTANT + 1, zoneId: 'Asia/Tokyo' }, false],
      [{ epochMillis: INSTANT - 1, zoneId: 'Europe/London' }, false],
    ],
  },
  {
    name: 'timestamp >= instant across zones',
    type: new TimestampMillisecond('UTC'),
    set: rangeSet(
      new TimestampMillisecond('UTC'),
      false,
      ge(new TimestampMillisecond('UTC'), { epochMillis: INSTANT, zoneId: 'Europe/London' }),
    ),
    rows: [
      [{ epochMillis: INSTANT, zoneId: 'America/Los_Angeles' }, true],
      [{ epochMillis: INSTANT - 1, zoneId: 'Asia/Tokyo' }, false],
    ],
  },
  {
    name: 'timestamp IN list with another zone',
    type: new TimestampMillisecond('America/New_York'),
    set: equatable(new TimestampMillisecond('UTC'), [{ epochMillis: INSTANT, zoneId: 'UTC' }], true, false),
    rows: [
      [{ epochMillis: INSTANT, zoneId: 'Asia/Tokyo' }, true],
      [{ epochMillis: INSTANT + 1000, zoneId: 'UTC' }, false],
    ],
  },
  {
    name: 'microsecond timestamp column against a millisecond literal',
    type: new TimestampMicrosecond('UTC'),
    set: rangeSet(
      new TimestampMillisecond('UTC'),
      false,
      eq(new TimestampMillisecond('UTC'), { epochMillis: INSTANT, zoneId: 'UTC' }),
    ),
    rows: [
      [BigInt(INSTANT) * 1000n, true],
      [BigInt(INSTANT) * 1000n + 1n, false],
    ],
  },
  // Dates.
  {
    name: 'date-day between',
    type: new DateDay(),
    set: rangeSet(new DateDay(), false, between(new DateDay(), 19_000, true, 19_010, false)),
    rows: [
      [18_999, false],
      [19_000, true],
      [19_009, true],
      [19_010, false],
    ],
  },
  {
    name: 'date-millisecond column >= a date-day literal',
    type: new DateMillisecond(),
    set: rangeSet(new DateDay(), false, ge(new DateDay(), 19_000)),
    rows: [
      [19_000 * DAY_MS, true],
      [19_000 * DAY_MS - 1, false],
    ],
  },
  // Booleans: false < true.
  {
    name: 'bool < true',
    type: new Bool(),
    set: rangeSet(new Bool(), false, lt(new Bool(), true)),
    rows: [
      [false, true],
      [true, false],
    ],
  },
  {
    name: 'bool = true',
    type: new Bool(),
    set: equatable(new Bool(), [true], true, false),
    rows: [
      [false, false],
      [true, true],
    ],
  },
  // Binary: unsigned bytes, prefixes first.
  {
    name: 'binary > 0x7f (unsigned)',
    type: new Binary(),
    set: rangeSet(new Binary(), false, gt(new Binary(), Uint8Array.of(0x7f))),
    rows: [
      [Uint8Array.of(0x80), true],
      [Uint8Array.of(0x7f), false],
      [Uint8Array.of(0x7f, 0x00), true],
      [Uint8Array.of(0x01, 0xff), false],
      [new Uint8Array(0), false],
    ],
  },
  {
    name: 'binary IN list',
    type: new Binary(),
    set: equatable(new Binary(), [Uint8Array.of(1, 2, 3)], true, false),
    rows: [
      [Uint8Array.of(1, 2, 3), true],
      [Uint8Array.of(1, 2), false],
    ],
  },
  // Nested types: equality only.
  {
    name: 'list IN list',
    type: listOf(i32),
    set: equatable(listOf(i32), [[1, 2], [null]], true, true),
    rows: [
      [[1, 2], true],
      [[2, 1], false],
      [[], false],
      [[null], true],
      [null, true],
    ],
  },
  {
    name: 'list = single value as a range',
    type: listOf(utf8),
    set: rangeSet(listOf(utf8), false, eq(listOf(utf8), ['a', 'b'])),
    rows: [
      [['a', 'b'], true],
      [['a'], false],
    ],
  },
  {
    name: 'struct blacklist',
    type: new Struct([new Field('id', i64, true), new Field('price', new Decimal(2, 10, 128), true)]),
    set: equatable(
      new Struct([new Field('id', i64, true), new Field('price', new Decimal(2, 10, 128), true)]),
      [{ id: 1n, price: '9.99' }],
      false,
      false,
    ),
    rows: [
      [{ id: 1n, price: '9.99' }, false],
      [{ id: 1n, price: '9.98' }, true],
      [{ id: 2n, price: null }, true],
    ],
  },
];

describe('constraint evaluation (case table)', () => {
  for (const { name, type, set, rows } of cases) {
    it(name, () => {
      expect(
        evaluate(
          type,
          set,
          rows.map(([value]) => value),
        ),
      ).toEqual(rows.map(([, kept]) => kept));
    });
  }

  it('reads markers and lists decoded from real IPC bytes', () => {
    const decimalType = new Decimal(2, 10, 128);
    const block = valueBlock(decimalType, ['1.50', '-2.25', '3.00']);
    const decoded: Block = { ...block, records: throughIpc(block.records) };
    const set: EquatableValueSet = {
      '@type': 'EquatableValueSet',
      valueBlock: decoded,
      whiteList: true,
      nullAllowed: false,
    };
    expect(evaluate(new Decimal(4, 18, 128), set, ['1.5000', '-2.2500', '3', '0'])).toEqual([true, true, true, false]);
  });

  it('a big IN-list sent as single-value ranges', () => {
    const listed = Array.from({ length: 500 }, (_, index) => index * 7 - 1000);
    const shuffled = [...listed].sort((a, b) => ((a * 7919) % 503) - ((b * 7919) % 503));
    const set = rangeSet(i32, false, ...shuffled.map((value) => eq(i32, value)));
    const probes = Array.from({ length: 800 }, (_, index) => index * 3 - 1100);
    expect(evaluate(i32, set, probes)).toEqual(probes.map((value) => listed.includes(value)));
  });
});

describe('createConstraintEvaluator', () => {
  const schema = new Schema([new Field('a', i32, true), new Field('b', utf8, true)]);
  const batch = buildRecordBatch(schema, [
    [1, 'x'],
    [2, 'y'],
    [3, null],
  ]);

  it('ignores constraints on columns not in the schema', () => {
    const evaluator = createConstraintEvaluator(schema, { missing: allOrNone(i32, false, false) });
    expect(evaluator.isNoOp).toBe(true);
    expect([0, 1, 2].map((row) => evaluator.rowMatches(batch, row))).toEqual([true, true, true]);
    expect(filterRecordBatch(batch, evaluator)).toBe(batch);
  });

  it('does not take Object.prototype members for constraints', () => {
    const odd = new Schema([
      new Field('constructor', i32, true),
      new Field('__proto__', i32, true),
      new Field('toString', i32, true),
    ]);
    expect(createConstraintEvaluator(odd, {}).isNoOp).toBe(true);
  });

  it('drops constraints that accept everything', () => {
    expect(createConstraintEvaluator(schema, { a: rangeSet(i32, true, all(i32)) }).isNoOp).toBe(true);
    expect(createConstraintEvaluator(schema, { a: equatable(i32, [], false, true) }).isNoOp).toBe(true);
    expect(createConstraintEvaluator(schema, { a: equatable(i32, [null], false, true) }).isNoOp).toBe(true);
    expect(createConstraintEvaluator(schema, { a: allOrNone(i32, true, true) }).isNoOp).toBe(true);
    expect(createConstraintEvaluator(schema, { a: allOrNone(i32, true, false) }).isNoOp).toBe(false);
  });

  it('requires every constrained column to pass', () => {
    const evaluator = createConstraintEvaluator(schema, {
      a: rangeSet(i32, false, ge(i32, 2)),
      b: rangeSet(utf8, true, lt(utf8, 'y')),
    });
    expect(evaluator.isNoOp).toBe(false);
    expect([0, 1, 2].map((row) => evaluator.rowMatches(batch, row))).toEqual([false, false, true]);
  });

  it('finds columns by name in batches with another column order', () => {
    const evaluator = createConstraintEvaluator(schema, { b: equatable(utf8, ['y'], true, false) });
    const swapped = new Schema([new Field('b', utf8, true), new Field('a', i32, true)]);
    const other = buildRecordBatch(swapped, [
      ['y', 1],
      ['x', 2],
    ]);
    expect([0, 1].map((row) => evaluator.rowMatches(other, row))).toEqual([true, false]);
  });

  it('rejects a batch without a constrained column and rows out of bounds', () => {
    const evaluator = createConstraintEvaluator(schema, { b: equatable(utf8, ['y'], true, false) });
    const onlyA = buildRecordBatch(new Schema([new Field('a', i32, true)]), [[1]]);
    expect(() => evaluator.rowMatches(onlyA, 0)).toThrow(/no column "b"/);
    expect(() => evaluator.rowMatches(batch, 3)).toThrow(RangeError);
  });

  it('refuses malformed ranges like Java', () => {
    const belowLow: Range = { low: marker(i32, 1, 'BELOW'), high: upperUnbounded(i32) };
    const aboveHigh: Range = { low: lowerUnbounded(i32), high: marker(i32, 1, 'ABOVE') };
    const inverted = between(i32, 5, true, 1, true);
    const emptyOpen = between(i32, 5, false, 5, false);
    const nullMarker: Range = {
      low: { valueBlock: valueBlock(i32, []), bound: 'EXACTLY', nullValue: true },
      high: upperUnbounded(i32),
    };
    for (const range of [belowLow, aboveHigh, inverted, emptyOpen, nullMarker]) {
      expect(() => createConstraintEvaluator(schema, { a: rangeSet(i32, false, range) })).toThrow(RangeError);
    }
  });

  it('refuses literals of an unrelated type, naming the column', () => {
    expect(() => createConstraintEvaluator(schema, { a: rangeSet(utf8, false, eq(utf8, '1')) })).toThrow(
      /column "a".*text.*integer/,
    );
    expect(() => createConstraintEvaluator(schema, { b: equatable(i32, [1], true, false) })).toThrow(TypeError);
    const dates = new Schema([new Field('d', new DateDay(), true)]);
    expect(() =>
      createConstraintEvaluator(dates, { d: rangeSet(new DateMillisecond(), false, ge(new DateMillisecond(), 0)) }),
    ).toThrow(TypeError);
  });

  it('refuses ordered ranges over List columns', () => {
    const lists = new Schema([new Field('l', listOf(i32), true)]);
    expect(() => createConstraintEvaluator(lists, { l: rangeSet(listOf(i32), false, gt(listOf(i32), [1])) })).toThrow(
      /no order/,
    );
  });
});

describe('normalizeRanges', () => {
  it('sorts and merges overlapping ranges, keeping the wire markers', () => {
    const a = between(i32, 10, true, 20, true);
    const b = between(i32, 1, true, 5, true);
    const c = between(i32, 4, true, 12, false);
    const d = gt(i32, 30);
    const normalized = normalizeRanges(rangeSet(i32, true, a, d, b, c));
    expect(normalized.nullAllowed).toBe(true);
    expect(normalized.ranges).toHaveLength(2);
    expect(normalized.ranges[0]?.low).toBe(b.low);
    expect(normalized.ranges[0]?.high).toBe(a.high);
    expect(normalized.ranges[1]).toBe(d);
  });

  it('merges ranges adjacent at an included value but not at an excluded one', () => {
    const joined = normalizeRanges(
      rangeSet(i32, false, between(i32, 5, true, 7, true), between(i32, 1, true, 5, false)),
    );
    expect(joined.ranges).toHaveLength(1);
    expect(readValue(joined.ranges[0]!.low.valueBlock.records.getChildAt(0)!, 0)).toBe(1);
    expect(readValue(joined.ranges[0]!.high.valueBlock.records.getChildAt(0)!, 0)).toBe(7);
    const apart = normalizeRanges(
      rangeSet(i32, false, between(i32, 1, false, 5, false), between(i32, 5, false, 7, true)),
    );
    expect(apart.ranges).toHaveLength(2);
  });

  it('collapses into one unbounded range, and compares decimals by value', () => {
    expect(normalizeRanges(rangeSet(i32, false, lt(i32, 3), all(i32), gt(i32, 9))).ranges).toHaveLength(1);
    expect(normalizeRanges(rangeSet(i32, false, all(i32), all(i32))).ranges).toHaveLength(1);
    const d2 = new Decimal(2, 10, 128);
    const merged = normalizeRanges(
      rangeSet(d2, false, between(d2, '1.00', true, '2.00', true), between(d2, '2.00', false, '3.00', true)),
    );
    expect(merged.ranges).toHaveLength(1);
  });
});

describe('value comparison', () => {
  it('orders doubles like Double.compare, except that -0.0 equals 0.0', () => {
    const ascending = [-Infinity, -1, -Number.MIN_VALUE, 0, Number.MIN_VALUE, 1, Infinity, Number.NaN];
    for (let i = 0; i < ascending.length; i++) {
      for (let j = 0; j < ascending.length; j++) {
        expect(Math.sign(compareValues(f64, ascending[i], ascending[j]))).toBe(Math.sign(i - j));
      }
    }
    expect(compareValues(f64, -0, 0)).toBe(0);
    expect(compareValues(f64, -0, 0n)).toBe(0);
    expect(compareValues(f64, -0, '0.00')).toBe(0);
    expect(compareValues(f64, -0, -Number.MIN_VALUE)).toBe(1);
  });

  it('puts null after every value', () => {
    expect(compareValues(i32, null, 5)).toBe(1);
    expect(compareValues(i32, 5, null)).toBe(-1);
    expect(compareValues(utf8, null, null)).toBe(0);
    expect(compareValues(f64, null, Number.NaN)).toBe(1);
  });

  it('compares text by code points and bytes unsigned', () => {
    expect(compareValues(utf8, '\uFFFF', '😀')).toBe(-1);
    expect(compareValues(utf8, 'a', 'ab')).toBe(-1);
    expect(compareValues(new Binary(), Uint8Array.of(0xff), Uint8Array.of(0x00, 0x00))).toBe(1);
    expect(compareValues(new Binary(), Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(-1);
  });

  it('compares decimals and mixed integers exactly', () => {
    const decimal = new Decimal(4, 38, 128);
    expect(compareValues(decimal, '1.50', '1.5000')).toBe(0);
    expect(compareValues(decimal, '-0.00', '0')).toBe(0);
    expect(
      compareValues(decimal, '99999999999999999999999999999999.9999', '99999999999999999999999999999999.9998'),
    ).toBe(1);
    expect(compareValues(decimal, '-3', 2n)).toBe(-1);
    expect(compareValues(i64, 2n ** 53n + 1n, 2 ** 53)).toBe(1);
    expect(compareValues(i64, 5n, 5)).toBe(0);
    expect(compareValues(f64, -0, '0')).toBe(0);
    expect(compareValues(f64, Number.NaN, 10n ** 30n)).toBe(1);
    expect(compareValues(f64, 0.1, '0.1')).toBe(0);
  });

  it('hash keys agree with equality for numbers', () => {
    const comparator = createValueComparator(new Decimal(4, 38, 128));
    const key = comparator.hashKey!;
    const same = ['1.50', '1.5', 1.5, '001.500'];
    expect(new Set(same.map((value) => key(comparator.prepare(value)))).size).toBe(1);
    expect(key(comparator.prepare('100'))).toBe(key(100n));
    expect(key(comparator.prepare(1e21))).toBe(key(10n ** 21n));
    expect(key(-0)).toBe(key(0));
    expect(key(Number.NaN)).toBe(key(Number.NaN));
  });

  it('has equality but no order for nested values', () => {
    const struct = new Struct([
      new Field('tags', listOf(new Binary()), true),
      new Field('amount', new Decimal(2, 10, 128), true),
    ]);
    expect(
      valuesEqual(struct, { tags: [Uint8Array.of(1)], amount: '1.50' }, { tags: [Uint8Array.of(1)], amount: '1.5' }),
    ).toBe(true);
    expect(
      valuesEqual(struct, { tags: [Uint8Array.of(1)], amount: '1.50' }, { tags: [Uint8Array.of(2)], amount: '1.50' }),
    ).toBe(false);
    const map = mapOf(utf8, f64);
    expect(
      valuesEqual(
        map,
        new Map([
          ['a', 1],
          ['b', Number.NaN],
        ]),
        new Map([
          ['b', Number.NaN],
          ['a', 1],
        ]),
      ),
    ).toBe(true);
    expect(valuesEqual(map, new Map([['a', 1]]), new Map([['a', 2]]))).toBe(false);
    expect(valuesEqual(listOf(i32), [1, null], [1, null])).toBe(true);
    expect(() => compareValues(listOf(i32), [1], [1])).toThrow(/no order/);
    expect(() => compareValues(map, new Map(), new Map())).toThrow(/no order/);
  });

  it('rejects values of the wrong JS type', () => {
    expect(() => compareValues(utf8, 'a', 1)).toThrow(TypeError);
    expect(() => compareValues(i32, 'x', 1)).toThrow(TypeError);
  });

  it('caches compiled sets for contains', () => {
    const set = rangeSet(i32, false, ge(i32, 3));
    const field = new Field('c', i32, true);
    expect(contains(set, 3, field)).toBe(true);
    expect(contains(set, 2, field)).toBe(false);
    expect(contains(set, null, field)).toBe(false);
    expect(compileValueSet(set, field).matchesAll).toBe(false);
  });
});

describe('filterRecordBatch', () => {
  const schema = new Schema([
    new Field('id', i64, false),
    new Field('price', new Decimal(2, 10, 128), true),
    new Field('at', new TimestampMillisecond('UTC'), true),
    new Field('tags', listOf(utf8), true),
    new Field('attrs', mapOf(utf8, i32), true),
    new Field('point', new Struct([new Field('x', f64, true), new Field('y', f64, true)]), true),
    new Field('raw', new Binary(), true),
  ]);
  const rows = Array.from({ length: 10 }, (_, index) => [
    BigInt(index),
    index % 3 === 0 ? null : `${index}.25`,
    { epochMillis: INSTANT + index, zoneId: index % 2 === 0 ? 'Asia/Tokyo' : 'UTC' },
    index % 4 === 0 ? null : ['t', String(index)],
    new Map([['k', index]]),
    { x: index / 2, y: -index },
    Uint8Array.of(index, 255 - index),
  ]);
  const batch = buildRecordBatch(schema, rows);
  const original = readRows(batch);

  it('returns the same batch when every row matches and no limit cuts it', () => {
    const evaluator = createConstraintEvaluator(schema, { id: rangeSet(i64, false, ge(i64, 0n)) });
    expect(evaluator.isNoOp).toBe(false);
    expect(filterRecordBatch(batch, evaluator)).toBe(batch);
    expect(filterRecordBatch(batch, evaluator, 10)).toBe(batch);
    expect(filterRecordBatch(batch, evaluator, 11)).toBe(batch);
    expect(filterRecordBatch(batch, evaluator, -1)).toBe(batch);
    expect(filterRecordBatch(batch, createConstraintEvaluator(schema, {}))).toBe(batch);
  });

  it('keeps only matching rows with every column intact', () => {
    const evaluator = createConstraintEvaluator(schema, {
      price: rangeSet(new Decimal(4, 12, 128), true, gt(new Decimal(4, 12, 128), '4.2500')),
    });
    const filtered = filterRecordBatch(batch, evaluator);
    expect(filtered).not.toBe(batch);
    expect(filtered.schema.fields).toEqual(batch.schema.fields);
    expect(readRows(filtered)).toEqual(original.filter((_, index) => index % 3 === 0 || index > 4));
  });

  it('applies a limit on its own and after filtering', () => {
    const noOp = createConstraintEvaluator(schema, {});
    expect(readRows(filterRecordBatch(batch, noOp, 3))).toEqual(original.slice(0, 3));
    const zero = filterRecordBatch(batch, noOp, 0);
    expect(zero.numRows).toBe(0);
    expect(zero.schema.fields).toEqual(batch.schema.fields);
    const odd = createConstraintEvaluator(schema, {
      at: equatable(
        new TimestampMillisecond('UTC'),
        [1, 3, 5, 7].map((index) => ({ epochMillis: INSTANT + index, zoneId: 'UTC' })),
        true,
        false,
      ),
    });
    expect(readRows(filterRecordBatch(batch, odd, 2))).toEqual([original[1], original[3]]);
    expect(readRows(filterRecordBatch(batch, odd))).toEqual([1, 3, 5, 7].map((index) => original[index]));
  });

  it('works on a batch decoded from IPC', () => {
    const decoded = throughIpc(batch);
    const evaluator = createConstraintEvaluator(schema, {
      raw: rangeSet(new Binary(), false, lt(new Binary(), Uint8Array.of(3))),
    });
    expect(readRows(filterRecordBatch(decoded, evaluator))).toEqual(original.slice(0, 3));
  });

  it('rejects a fractional or NaN limit', () => {
    const noOp = createConstraintEvaluator(schema, {});
    expect(() => filterRecordBatch(batch, noOp, 1.5)).toThrow(RangeError);
    expect(() => filterRecordBatch(batch, noOp, Number.NaN)).toThrow(RangeError);
  });
});

// --- property tests against a naive reference -----------------------------------------------------

/**
 * Athena's order of doubles as the re-check uses it: Java's Double.compare computed independently from
 * the bit patterns (NaN canonical, sign-magnitude flipped), with −0.0 read as 0.0.
 */
function athenaDoubleCompare(a: number, b: number): number {
  const key = (value: number): bigint => {
    const bits = new BigInt64Array(
      new Float64Array([Number.isNaN(value) ? Number.NaN : value === 0 ? 0 : value]).buffer,
    )[0]!;
    const canonical = Number.isNaN(value) ? 0x7ff8000000000000n : bits;
    return canonical < 0n ? canonical ^ 0x7fffffffffffffffn : canonical;
  };
  const left = key(a);
  const right = key(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

interface Literal {
  readonly type: DataType;
  readonly value: unknown;
}

interface ColumnModel {
  readonly name: string;
  readonly type: DataType;
  readonly value: fc.Arbitrary<unknown>;
  /** Literals of the column's or a related type. */
  readonly literal: fc.Arbitrary<Literal>;
  readonly compare: (a: unknown, b: unknown) => number;
}

const toBigInt = (value: unknown): bigint => (typeof value === 'bigint' ? value : BigInt(value as number));
const decimalAt6 = (value: unknown): bigint => toUnscaledDecimal(value as string, 6);

const d4 = new Decimal(4, 18, 128);
const models: readonly ColumnModel[] = [
  {
    name: 'Int64',
    type: i64,
    value: fc.oneof(fc.bigInt(-5n, 5n), fc.bigInt(INT64_MIN, INT64_MAX), fc.bigInt(TWO_53 - 3n, TWO_53 + 3n)),
    literal: fc.oneof(
      fc
        .oneof(fc.bigInt(-5n, 5n), fc.bigInt(INT64_MIN, INT64_MAX), fc.bigInt(TWO_53 - 3n, TWO_53 + 3n))
        .map((value): Literal => ({ type: i64, value })),
      fc.integer({ min: -6, max: 6 }).map((value): Literal => ({ type: i32, value })),
      fc.integer().map((value): Literal => ({ type: i32, value })),
    ),
    compare: (a, b) => {
      const left = toBigInt(a);
      const right = toBigInt(b);
      return left < right ? -1 : left > right ? 1 : 0;
    },
  },
  {
    name: 'Float64',
    type: f64,
    value: fc.oneof(
      fc.double(),
      fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 0.5),
      fc.integer({ min: -3, max: 3 }),
    ),
    literal: fc.oneof(
      fc
        .oneof(
          fc.double(),
          fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 0.5),
          fc.integer({ min: -3, max: 3 }),
        )
        .map((value): Literal => ({ type: f64, value })),
      fc.oneof(fc.float(), fc.constantFrom(-0, 0.5)).map((value): Literal => ({ type: f32, value })),
      fc.integer({ min: -3, max: 3 }).map((value): Literal => ({ type: i32, value })),
    ),
    compare: (a, b) => athenaDoubleCompare(a as number, b as number),
  },
  {
    name: 'Utf8',
    type: utf8,
    value: fc.oneof(
      fc.string({ unit: 'binary', maxLength: 4 }),
      fc.constantFrom('', 'a', 'b', 'ab', '\uFFFF', '😀', '\uE000', '\uD7FF'),
    ),
    literal: fc
      .oneof(
        fc.string({ unit: 'binary', maxLength: 4 }),
        fc.constantFrom('', 'a', 'b', 'ab', '\uFFFF', '😀', '\uE000', '\uD7FF'),
      )
      .map((value): Literal => ({ type: utf8, value })),
    compare: (a, b) => compareByCodePoint(a as string, b as string),
  },
  {
    name: 'Decimal',
    type: d4,
    value: fc
      .oneof(fc.bigInt(-2000n, 2000n), fc.bigInt(-(10n ** 18n) + 1n, 10n ** 18n - 1n))
      .map((unscaled) => formatUnscaled(unscaled, 4)),
    literal: fc.oneof(
      fc.bigInt(-2000n, 2000n).map((unscaled): Literal => ({ type: d4, value: formatUnscaled(unscaled, 4) })),
      fc
        .bigInt(-20n, 20n)
        .map((unscaled): Literal => ({ type: new Decimal(2, 18, 128), value: formatUnscaled(unscaled, 2) })),
      fc
        .bigInt(-200_000n, 200_000n)
        .map((unscaled): Literal => ({ type: new Decimal(6, 20, 128), value: formatUnscaled(unscaled, 6) })),
      fc
        .bigInt(-(10n ** 18n) + 1n, 10n ** 18n - 1n)
        .map((unscaled): Literal => ({ type: new Decimal(2, 18, 128), value: formatUnscaled(unscaled, 2) })),
    ),
    compare: (a, b) => {
      const left = decimalAt6(a);
      const right = decimalAt6(b);
      return left < right ? -1 : left > right ? 1 : 0;
    },
  },
];

function formatUnscaled(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

interface RangeSpec {
  readonly low: { readonly literal: Literal; readonly inclusive: boolean } | null;
  readonly high: { readonly literal: Literal; readonly inclusive: boolean } | null;
}

/** Random ranges whose ends come from literals or from the rows themselves (so bounds get hit exactly). */
function rangeSpecs(model: ColumnModel, rows: readonly unknown[]): fc.Arbitrary<RangeSpec[]> {
  const fromRows = rows.filter((value) => value !== null);
  const literal =
    fromRows.length === 0
      ? model.literal
      : fc.oneof(
          model.literal,
          fc.constantFrom(...fromRows).map((value): Literal => ({ type: model.type, value })),
        );
  const end = fc.option(fc.record({ literal, inclusive: fc.boolean() }), { freq: 4 });
  const range = fc.tuple(end, end).map(([first, second]): RangeSpec => {
    if (first === null || second === null) return { low: first, high: second };
    const order = model.compare(first.literal.value, second.literal.value);
    if (order === 0) return { low: { ...first, inclusive: true }, high: { ...second, inclusive: true } };
    return order < 0 ? { low: first, high: second } : { low: second, high: first };
  });
  return fc.array(range, { maxLength: 5 });
}

function toWireRange(model: ColumnModel, spec: RangeSpec): Range {
  return {
    low:
      spec.low === null
        ? lowerUnbounded(model.type)
        : marker(spec.low.literal.type, spec.low.literal.value, spec.low.inclusive ? 'EXACTLY' : 'ABOVE'),
    high:
      spec.high === null
        ? upperUnbounded(model.type)
        : marker(spec.high.literal.type, spec.high.literal.value, spec.high.inclusive ? 'EXACTLY' : 'BELOW'),
  };
}

function referenceInRange(model: ColumnModel, spec: RangeSpec, value: unknown): boolean {
  const aboveLow =
    spec.low === null ||
    (spec.low.inclusive
      ? model.compare(spec.low.literal.value, value) <= 0
      : model.compare(spec.low.literal.value, value) < 0);
  const belowHigh =
    spec.high === null ||
    (spec.high.inclusive
      ? model.compare(value, spec.high.literal.value) <= 0
      : model.compare(value, spec.high.literal.value) < 0);
  return aboveLow && belowHigh;
}

/** Rows of the evaluator's verdicts for `set` on a one-column batch of `rows`, via filterRecordBatch. */
function survivors(model: ColumnModel, set: ValueSet, rows: readonly unknown[]): boolean[] {
  const schema = new Schema([new Field('c', model.type, true)]);
  const batch = buildRecordBatch(
    schema,
    rows.map((value) => [value]),
  );
  const evaluator = createConstraintEvaluator(schema, { c: set });
  const verdicts = rows.map((_, row) => evaluator.rowMatches(batch, row));
  const kept = readRows(filterRecordBatch(batch, evaluator));
  expect(kept).toEqual(readRows(batch).filter((_, row) => verdicts[row]));
  return verdicts;
}

describe('constraint evaluation (properties)', () => {
  for (const model of models) {
    const rowsArbitrary = fc.array(fc.option(model.value, { freq: 6 }), { minLength: 1, maxLength: 30 });

    it(`SortedRangeSet on ${model.name} matches a naive range predicate`, () => {
      fc.assert(
        fc.property(
          rowsArbitrary.chain((rows) => fc.tuple(fc.constant(rows), rangeSpecs(model, rows), fc.boolean())),
          ([rows, specs, nullAllowed]) => {
            const set = rangeSet(model.type, nullAllowed, ...specs.map((spec) => toWireRange(model, spec)));
            const expected = rows.map((value) =>
              value === null ? nullAllowed : specs.some((spec) => referenceInRange(model, spec, value)),
            );
            expect(survivors(model, set, rows)).toEqual(expected);
          },
        ),
        { numRuns: 150 },
      );
    });

    it(`EquatableValueSet on ${model.name} matches a naive membership test`, () => {
      fc.assert(
        fc.property(
          rowsArbitrary.chain((rows) => {
            const fromRows = rows.filter((value) => value !== null);
            const listed = fromRows.length === 0 ? model.value : fc.oneof(model.value, fc.constantFrom(...fromRows));
            return fc.tuple(
              fc.constant(rows),
              fc.array(fc.option(listed, { freq: 8 }), { maxLength: 8 }),
              fc.boolean(),
              fc.boolean(),
            );
          }),
          ([rows, listed, whiteList, nullAllowed]) => {
            const set = equatable(model.type, listed, whiteList, nullAllowed);
            const expected = rows.map((value) =>
              value === null
                ? nullAllowed
                : listed.some((item) => item !== null && model.compare(item, value) === 0) === whiteList,
            );
            expect(survivors(model, set, rows)).toEqual(expected);
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it('normalizeRanges keeps the set of matched values', () => {
    const model = models[0]!;
    fc.assert(
      fc.property(
        fc
          .array(model.value, { minLength: 1, maxLength: 20 })
          .chain((rows) => fc.tuple(fc.constant(rows), rangeSpecs(model, rows))),
        ([rows, specs]) => {
          const set = rangeSet(model.type, false, ...specs.map((spec) => toWireRange(model, spec)));
          const normalized = normalizeRanges(set);
          expect(normalized.ranges.length).toBeLessThanOrEqual(set.ranges.length);
          expect(survivors(model, normalized, rows)).toEqual(survivors(model, set, rows));
        },
      ),
      { numRuns: 100 },
    );
  });
});
