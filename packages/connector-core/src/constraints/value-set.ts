// Membership in the three wire ValueSets (SortedRangeSet, EquatableValueSet, AllOrNoneValueSet) for
// one column's values, as Java's ValueSet.containsValue decides it. A set is compiled once per column:
// marker and list values are read out of their Arrow blocks, converted to the column's value domain
// and (for ranges) sorted and merged, so testing a row is a binary search or a hash lookup.

import type { DataType, Field, Vector } from 'apache-arrow';

import { readValue } from '../arrow/block-reader.js';
import type { Block, Marker, MarkerBound, Range, SortedRangeSet, ValueSet } from '../protocol/types.js';
import { coerceForComparison, createValueComparator, type ValueComparator } from './value-compare.js';

/** A ValueSet compiled for one column: answers membership for that column's `readValue` values. */
export interface ValueSetMatcher {
  /** True when every value, NULL included, is in the set, so the constraint filters nothing. */
  readonly matchesAll: boolean;
  /** Whether `value` (`null`/`undefined` = SQL NULL) is in the set. */
  matches(value: unknown): boolean;
}

/** The column every marker and value-list block stores its values in. */
const VALUE_COLUMN = 'col1';

/**
 * Compiles `valueSet` for values of `field` (its Arrow type decides how they compare, see
 * value-compare.ts). Literals typed differently from the column (an Int32 bound on an Int64 column,
 * a Decimal(10,2) list for a Decimal(18,4) column) are compared by value.
 *
 * @throws {TypeError} if a literal cannot be compared with the column's type, if a range bounds a
 *   List/Struct/Map column other than by a single value, or a block lacks its `col1` column.
 * @throws {RangeError} for a malformed range: a `BELOW` low end, an `ABOVE` high end, low above
 *   high, a null (`nullValue` + `EXACTLY`) marker inside a range, or a marker with no value.
 */
export function compileValueSet(valueSet: ValueSet, field: Field): ValueSetMatcher {
  const comparator = createValueComparator(field.type);
  switch (valueSet['@type']) {
    case 'AllOrNoneValueSet':
      return compileAllOrNone(valueSet.all, valueSet.nullAllowed);
    case 'EquatableValueSet':
      return compileEquatable(valueSet.valueBlock, valueSet.whiteList, valueSet.nullAllowed, comparator, field);
    case 'SortedRangeSet':
      return compileRanges(valueSet, comparator, field);
  }
}

const compiledCache = new WeakMap<ValueSet, WeakMap<Field, ValueSetMatcher>>();

/**
 * Whether `value`, a `readValue` value of column `field`, is in `valueSet` — Java's
 * `ValueSet.containsValue(Marker.exactly(value))`. `null` is decided by `nullAllowed` alone.
 * The compiled form is cached per (value set, field) object pair, so calling this per row is cheap.
 *
 * @throws {TypeError | RangeError} as {@link compileValueSet}.
 */
export function contains(valueSet: ValueSet, value: unknown, field: Field): boolean {
  let byField = compiledCache.get(valueSet);
  if (byField === undefined) {
    byField = new WeakMap();
    compiledCache.set(valueSet, byField);
  }
  let matcher = byField.get(field);
  if (matcher === undefined) {
    matcher = compileValueSet(valueSet, field);
    byField.set(field, matcher);
  }
  return matcher.matches(value);
}

/**
 * The same set with its ranges sorted by low end and overlapping or adjacent ranges merged (touching
 * at a value one of them includes), as Java's `SortedRangeSet.copyOf` builds it on deserialisation.
 * Values compare by the first bounded marker's type; the markers of the result are the input's own
 * Marker objects, and unchanged ranges are the input's Range objects.
 *
 * @throws {TypeError | RangeError} as {@link compileValueSet}; also for List/Struct/Map markers,
 *   which have no order to sort by.
 */
export function normalizeRanges(set: SortedRangeSet): SortedRangeSet {
  const typedBlock = set.ranges
    .flatMap((range) => [range.low, range.high])
    .find((marker) => !marker.nullValue)?.valueBlock;
  if (typedBlock === undefined) {
    // Only value-less markers: every valid range is (−∞, +∞), so all but one are redundant.
    const [first] = set.ranges.map(validateUnboundedRange);
    return { ...set, ranges: first === undefined ? [] : [first] };
  }
  const column = valueColumn(typedBlock, 'marker');
  const comparator = createValueComparator(column.type);
  const ranges = mergeRanges(
    set.ranges.map((range) => compileRange(range, comparator, column.type)),
    comparator,
  );
  return { ...set, ranges: ranges.map(({ low, high, source }) => source ?? { low: low.marker, high: high.marker }) };
}

// ----------------------------------------------------------------------------------------------
// AllOrNoneValueSet and EquatableValueSet

const NULL_ONLY: ValueSetMatcher = { matchesAll: false, matches: (value) => value === null || value === undefined };
const NOT_NULL: ValueSetMatcher = { matchesAll: false, matches: (value) => value !== null && value !== undefined };
const EVERYTHING: ValueSetMatcher = { matchesAll: true, matches: () => true };
const NOTHING: ValueSetMatcher = { matchesAll: false, matches: () => false };

function compileAllOrNone(all: boolean, nullAllowed: boolean): ValueSetMatcher {
  if (all) return nullAllowed ? EVERYTHING : NOT_NULL;
  return nullAllowed ? NULL_ONLY : NOTHING;
}

function compileEquatable(
  block: Block,
  whiteList: boolean,
  nullAllowed: boolean,
  comparator: ValueComparator,
  field: Field,
): ValueSetMatcher {
  const column = valueColumn(block, `EquatableValueSet of column ${JSON.stringify(field.name)}`);
  const values: unknown[] = [];
  for (let row = 0; row < column.length; row++) {
    const value = readValue(column, row);
    // Java compares a row value against a listed NULL as "not equal", so listed NULLs never match.
    if (value !== null) values.push(comparator.prepare(coerceLiteral(value, column.type, field)));
  }
  if (values.length === 0) return compileAllOrNone(!whiteList, nullAllowed);
  const { hashKey } = comparator;
  let isListed: (value: unknown) => boolean;
  if (hashKey !== undefined) {
    const keys = new Set(values.map(hashKey));
    isListed = (value) => keys.has(hashKey(comparator.prepare(value)));
  } else {
    isListed = (value) => values.some((listed) => comparator.equals(value, listed));
  }
  return {
    matchesAll: false,
    matches: (value) => (value === null || value === undefined ? nullAllowed : isListed(value) === whiteList),
  };
}

// ----------------------------------------------------------------------------------------------
// SortedRangeSet

/** A marker with its value read and converted to the column's domain; `marker` is the wire object. */
type CompiledMarker =
  | { readonly kind: 'lower-unbounded'; readonly marker: Marker }
  | { readonly kind: 'upper-unbounded'; readonly marker: Marker }
  | { readonly kind: 'value'; readonly value: unknown; readonly bound: MarkerBound; readonly marker: Marker };

interface CompiledRange {
  readonly low: CompiledMarker;
  readonly high: CompiledMarker;
  /** The wire Range this came from unchanged, or undefined once merged. */
  readonly source: Range | undefined;
}

const BOUND_RANK: Readonly<Record<MarkerBound, number>> = { BELOW: -1, EXACTLY: 0, ABOVE: 1 };

function compileRanges(set: SortedRangeSet, comparator: ValueComparator, field: Field): ValueSetMatcher {
  const compiled = set.ranges.map((range) => compileRange(range, comparator, field.type, field));
  const { nullAllowed } = set;
  if (compiled.length === 0) return compileAllOrNone(false, nullAllowed);
  if (compiled.some(isAllRange)) return compileAllOrNone(true, nullAllowed);
  if (!comparator.ordered) return compileSingleValues(compiled, comparator, nullAllowed, field);
  const ranges = mergeRanges(compiled, comparator);
  return {
    matchesAll: false,
    matches: (value) => {
      if (value === null || value === undefined) return nullAllowed;
      const prepared = comparator.prepare(value);
      // Merged ranges are disjoint and sorted, so only the last one starting at or below the value can hold it.
      let low = 0;
      let high = ranges.length - 1;
      let candidate: CompiledRange | undefined;
      while (low <= high) {
        const middle = (low + high) >>> 1;
        const range = ranges[middle] as CompiledRange;
        if (lowEndAdmits(range.low, prepared, comparator)) {
          candidate = range;
          low = middle + 1;
        } else {
          high = middle - 1;
        }
      }
      return candidate !== undefined && highEndAdmits(candidate.high, prepared, comparator);
    },
  };
}

/**
 * List/Struct/Map have no order (Java's is by hashCode, i.e. meaningless), so a range over them can
 * only be `[v, v]`, which means equality; anything wider is refused.
 */
function compileSingleValues(
  ranges: readonly CompiledRange[],
  comparator: ValueComparator,
  nullAllowed: boolean,
  field: Field,
): ValueSetMatcher {
  const values = ranges.map(({ low, high }) => {
    if (
      low.kind === 'value' &&
      high.kind === 'value' &&
      low.bound === 'EXACTLY' &&
      high.bound === 'EXACTLY' &&
      comparator.equals(low.value, high.value)
    ) {
      return low.value;
    }
    throw new TypeError(
      `Column ${JSON.stringify(field.name)} (${String(field.type)}) has no order, so its SortedRangeSet may hold single values only`,
    );
  });
  return {
    matchesAll: false,
    matches: (value) =>
      value === null || value === undefined ? nullAllowed : values.some((listed) => comparator.equals(value, listed)),
  };
}

function isAllRange(range: CompiledRange): boolean {
  return range.low.kind === 'lower-unbounded' && range.high.kind === 'upper-unbounded';
}

function compileRange(range: Range, comparator: ValueComparator, columnType: DataType, field?: Field): CompiledRange {
  const low = compileMarker(range.low, comparator, columnType, field);
  const high = compileMarker(range.high, comparator, columnType, field);
  if (low.kind === 'upper-unbounded' || (low.kind === 'value' && low.bound === 'BELOW')) {
    throw new RangeError('A range low end must be EXACTLY or ABOVE a value, or unbounded (nullValue with ABOVE)');
  }
  if (high.kind === 'lower-unbounded' || (high.kind === 'value' && high.bound === 'ABOVE')) {
    throw new RangeError('A range high end must be EXACTLY or BELOW a value, or unbounded (nullValue with BELOW)');
  }
  if (comparator.ordered && compareMarkers(low, high, comparator) > 0) {
    throw new RangeError('A range low end must not be above its high end');
  }
  return { low, high, source: range };
}

function compileMarker(
  marker: Marker,
  comparator: ValueComparator,
  columnType: DataType,
  field?: Field,
): CompiledMarker {
  if (marker.nullValue) {
    if (marker.bound === 'ABOVE') return { kind: 'lower-unbounded', marker };
    if (marker.bound === 'BELOW') return { kind: 'upper-unbounded', marker };
    throw new RangeError(
      'A null marker (nullValue with EXACTLY) cannot bound a range; NULL is governed by nullAllowed',
    );
  }
  const column = valueColumn(marker.valueBlock, 'marker');
  if (column.length < 1) throw new RangeError('A marker with nullValue false has no value row');
  const value = readValue(column, 0);
  if (value === null) throw new RangeError('A marker with nullValue false holds NULL');
  const coerced =
    field === undefined
      ? coerceForComparison(value, column.type, columnType)
      : coerceLiteral(value, column.type, field);
  return { kind: 'value', value: comparator.prepare(coerced), bound: marker.bound, marker };
}

/** Java `Marker.compareTo`: −∞ < values < +∞; at equal values BELOW < EXACTLY < ABOVE. */
function compareMarkers(a: CompiledMarker, b: CompiledMarker, comparator: ValueComparator): number {
  if (a.kind === 'upper-unbounded') return b.kind === 'upper-unbounded' ? 0 : 1;
  if (a.kind === 'lower-unbounded') return b.kind === 'lower-unbounded' ? 0 : -1;
  if (b.kind === 'upper-unbounded') return -1;
  if (b.kind === 'lower-unbounded') return 1;
  const order = comparator.compare(a.value, b.value);
  return order !== 0 ? order : Math.sign(BOUND_RANK[a.bound] - BOUND_RANK[b.bound]);
}

/** Java `Marker.isAdjacent`: the same value, exactly one side including it. */
function areAdjacent(a: CompiledMarker, b: CompiledMarker, comparator: ValueComparator): boolean {
  if (a.kind !== 'value' || b.kind !== 'value') return false;
  return comparator.compare(a.value, b.value) === 0 && (a.bound === 'EXACTLY') !== (b.bound === 'EXACTLY');
}

/** Java's `SortedRangeSet.Builder.build`: stable sort by low end, then fuse overlapping or adjacent neighbours. */
function mergeRanges(ranges: readonly CompiledRange[], comparator: ValueComparator): CompiledRange[] {
  const sorted = [...ranges].sort((a, b) => compareMarkers(a.low, b.low, comparator));
  const merged: CompiledRange[] = [];
  let current: CompiledRange | undefined;
  for (const next of sorted) {
    if (current === undefined) {
      current = next;
      continue;
    }
    const overlaps =
      compareMarkers(current.low, next.high, comparator) <= 0 &&
      compareMarkers(next.low, current.high, comparator) <= 0;
    if (overlaps || areAdjacent(current.high, next.low, comparator)) {
      const low = compareMarkers(current.low, next.low, comparator) <= 0 ? current.low : next.low;
      const high = compareMarkers(current.high, next.high, comparator) >= 0 ? current.high : next.high;
      current = { low, high, source: undefined };
    } else {
      merged.push(current);
      current = next;
    }
  }
  if (current !== undefined) merged.push(current);
  return merged;
}

/** Whether the marker `low` is at or below EXACTLY `value`. */
function lowEndAdmits(low: CompiledMarker, value: unknown, comparator: ValueComparator): boolean {
  if (low.kind !== 'value') return low.kind === 'lower-unbounded';
  const order = comparator.compare(low.value, value);
  return order < 0 || (order === 0 && low.bound === 'EXACTLY');
}

/** Whether the marker `high` is at or above EXACTLY `value`. */
function highEndAdmits(high: CompiledMarker, value: unknown, comparator: ValueComparator): boolean {
  if (high.kind !== 'value') return high.kind === 'upper-unbounded';
  const order = comparator.compare(value, high.value);
  return order < 0 || (order === 0 && high.bound === 'EXACTLY');
}

function validateUnboundedRange(range: Range): Range {
  if (range.low.bound !== 'ABOVE' || range.high.bound !== 'BELOW') {
    throw new RangeError('A range of value-less markers must run from nullValue/ABOVE to nullValue/BELOW');
  }
  return range;
}

// ----------------------------------------------------------------------------------------------
// Blocks

/** The `col1` vector of a marker or value-list block (a lone column of another name is accepted too). */
function valueColumn(block: Block, what: string): Vector {
  const fields = block.records.schema.fields;
  let index = fields.findIndex((candidate) => candidate.name === VALUE_COLUMN);
  if (index === -1 && fields.length === 1) index = 0;
  const column = index === -1 ? null : block.records.getChildAt(index);
  if (column === null) throw new TypeError(`The ${what} value block has no ${VALUE_COLUMN} column`);
  return column;
}

function coerceLiteral(value: unknown, from: DataType, field: Field): unknown {
  try {
    return coerceForComparison(value, from, field.type);
  } catch (error) {
    throw new TypeError(
      `Constraint on column ${JSON.stringify(field.name)}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
