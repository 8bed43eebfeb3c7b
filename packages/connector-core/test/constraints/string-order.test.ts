// Text order as Athena (Trino) compares varchar: by code point, which differs from UTF-16 code unit
// order (Java's String.compareTo, JS `<`) exactly where a character above U+FFFF (a surrogate pair)
// meets one in U+E000–U+FFFF. Core's comparator, value sets, range normalisation and the evaluator are
// held against a plain code-point reference over random strings built to hit that boundary.

import { Field, Schema, Utf8 } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { arrowTypeToJson } from '../../src/arrow/arrow-type-json.js';
import { readValue } from '../../src/arrow/block-reader.js';
import { buildRecordBatch } from '../../src/arrow/block-writer/index.js';
import { makeValueBlock } from '../../src/arrow/value-block.js';
import { createConstraintEvaluator, normalizeRanges } from '../../src/constraints/evaluator.js';
import { compareValues, createValueComparator } from '../../src/constraints/value-compare.js';
import type { Marker, MarkerBound, Range, SortedRangeSet } from '../../src/protocol/types.js';
import { compareByCodePoint } from '../../src/testing/code-point-order.js';

const utf8 = new Utf8();
const field = new Field('s', utf8, true);

/**
 * One character from the ranges where the two orders part: ASCII, the top of the low BMP, the
 * private-use and fullwidth block U+E000–U+FFFF, surrogate pairs sharing a high surrogate (so the
 * first difference can be the low one) and any supplementary character.
 */
const character = fc
  .oneof(
    fc.integer({ min: 0x20, max: 0x7e }),
    fc.integer({ min: 0xd7f0, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0xffff }),
    fc.constantFrom(0xe000, 0xff58, 0xfffd, 0xffff),
    fc.integer({ min: 0x1f300, max: 0x1f3ff }),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
  )
  .map((codePoint) => String.fromCodePoint(codePoint));
const text = fc.string({ unit: character, maxLength: 6 });
/** Two strings that often share a prefix, so the first difference falls anywhere. */
const pair = fc.tuple(text, text, text).map(([prefix, a, b]) => [prefix + a, prefix + b] as const);

const sign = (n: number) => Math.sign(n);

function marker(value: string | undefined, bound: MarkerBound): Marker {
  return value === undefined
    ? { valueBlock: makeValueBlock(field, []), bound, nullValue: true }
    : { valueBlock: makeValueBlock(field, [value]), bound, nullValue: false };
}

function rangeSet(...ranges: Range[]): SortedRangeSet {
  return { '@type': 'SortedRangeSet', type: arrowTypeToJson(utf8), ranges, nullAllowed: false };
}

/** The values of `rows` the evaluator keeps for `set` on column `s`. */
function kept(set: SortedRangeSet, rows: readonly string[]): string[] {
  const schema = new Schema([field]);
  const batch = buildRecordBatch(
    schema,
    rows.map((row) => [row]),
  );
  const evaluator = createConstraintEvaluator(schema, { s: set });
  return rows.filter((_, row) => evaluator.rowMatches(batch, row));
}

describe('varchar order is code point order (Athena/Trino), not UTF-16 order (Java)', () => {
  it('the reference itself: U+FF58 sorts before U+1F389, though its UTF-16 unit is larger', () => {
    expect(compareByCodePoint('\uff58', '🎉')).toBe(-1);
    expect('\uff58' < '🎉').toBe(false);
    expect(compareByCodePoint('a', 'ab')).toBe(-1);
    expect(compareByCodePoint('🎉', '🎉')).toBe(0);
  });

  it('compareValues agrees with the code point reference on random strings', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(sign(compareValues(utf8, a, b))).toBe(compareByCodePoint(a, b));
      }),
      { numRuns: 5000 },
    );
  });

  it('sorting with the comparator gives the reference order', () => {
    const comparator = createValueComparator(utf8);
    fc.assert(
      fc.property(fc.array(text, { maxLength: 30 }), (values) => {
        expect([...values].sort(comparator.compare)).toEqual([...values].sort(compareByCodePoint));
      }),
      { numRuns: 500 },
    );
  });

  it("s > 'ｘ' keeps '🎉' (U+FF58 < U+1F389)", () => {
    expect(
      kept(rangeSet({ low: marker('\uff58', 'ABOVE'), high: marker(undefined, 'BELOW') }), [
        '🎉',
        '\uff58',
        'z',
        '\uffff',
      ]),
    ).toEqual(['🎉', '\uffff']);
  });

  it("s BETWEEN 'ｘ' AND '🎉' is a valid range, not one whose low end is above its high end", () => {
    const set = rangeSet({ low: marker('\uff58', 'EXACTLY'), high: marker('🎉', 'EXACTLY') });
    expect(kept(set, ['🎉', '\uff58', '\uffff', 'z', '🎊'])).toEqual(['🎉', '\uff58', '\uffff']);
  });

  it('a range on random bounds keeps exactly the rows the reference puts inside it', () => {
    fc.assert(
      fc.property(
        pair,
        fc.array(text, { maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        ([a, b], rows, lowInclusive, highInclusive) => {
          const [low, high] = compareByCodePoint(a, b) <= 0 ? [a, b] : [b, a];
          const inclusive = low === high || lowInclusive;
          const set = rangeSet({
            low: marker(low, inclusive ? 'EXACTLY' : 'ABOVE'),
            high: marker(high, low === high || highInclusive ? 'EXACTLY' : 'BELOW'),
          });
          const inside = (row: string) => {
            const fromLow = compareByCodePoint(low, row);
            const toHigh = compareByCodePoint(row, high);
            return (
              (inclusive ? fromLow <= 0 : fromLow < 0) && (low === high || highInclusive ? toHigh <= 0 : toHigh < 0)
            );
          };
          const candidates = [...rows, a, b];
          expect(kept(set, candidates)).toEqual(candidates.filter(inside));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('normalizeRanges sorts single values by code point', () => {
    fc.assert(
      fc.property(fc.uniqueArray(text, { minLength: 1, maxLength: 8 }), (values) => {
        const normalized = normalizeRanges(
          rangeSet(...values.map((value) => ({ low: marker(value, 'EXACTLY'), high: marker(value, 'EXACTLY') }))),
        );
        const lows = normalized.ranges.map((range) => readValue(range.low.valueBlock.records.getChildAt(0)!, 0));
        expect(lows).toEqual([...values].sort(compareByCodePoint));
      }),
      { numRuns: 500 },
    );
  });
});
