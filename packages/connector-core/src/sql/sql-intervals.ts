/**
 * The integer intervals a value set allows: what split pruning (key ranges, partitions) and
 * dialect predicates that rewrite integer bounds (MySQL YEAR) reason about, read once from the
 * wire's value blocks.
 */
import { readValue } from '../arrow/block-reader.js';
import { normalizeRanges } from '../constraints/evaluator.js';
import type { Marker, ValueSet } from '../protocol/types.js';

/** An integer interval; undefined ends are unbounded. Both ends are inclusive. */
export interface IntegerInterval {
  readonly low: bigint | undefined;
  readonly high: bigint | undefined;
}

function integerOf(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return undefined;
}

/** The integer a marker stands for, moved inward by `step` for an exclusive bound; null when it is not an integer. */
function markerEnd(marker: Marker, step: bigint): bigint | undefined | null {
  if (marker.nullValue) return undefined;
  const vector = marker.valueBlock.records.getChild('col1');
  const value = vector === null || vector.length === 0 ? undefined : integerOf(readValue(vector, 0));
  if (value === undefined) return null;
  return marker.bound === 'EXACTLY' ? value : value + step;
}

/**
 * The intervals a value set allows (and whether NULL passes), or undefined when they cannot be read
 * exactly as integers (a NOT IN list, a value that is not an integer).
 */
export function integerIntervals(set: ValueSet): { intervals: IntegerInterval[]; nullAllowed: boolean } | undefined {
  switch (set['@type']) {
    case 'AllOrNoneValueSet':
      return { intervals: set.all ? [{ low: undefined, high: undefined }] : [], nullAllowed: set.nullAllowed };
    case 'EquatableValueSet': {
      if (!set.whiteList) return undefined;
      const vector = set.valueBlock.records.getChild('col1');
      if (vector === null) return undefined;
      const intervals: IntegerInterval[] = [];
      for (let i = 0; i < vector.length; i++) {
        const raw = readValue(vector, i);
        // A listed NULL never matches a row (Java compares it as "not equal").
        if (raw === null) continue;
        const value = integerOf(raw);
        if (value === undefined) return undefined;
        intervals.push({ low: value, high: value });
      }
      return { intervals, nullAllowed: set.nullAllowed };
    }
    case 'SortedRangeSet': {
      const intervals: IntegerInterval[] = [];
      for (const range of normalizeRanges(set).ranges) {
        const low = markerEnd(range.low, 1n);
        const high = markerEnd(range.high, -1n);
        if (low === null || high === null) return undefined;
        intervals.push({ low, high });
      }
      return { intervals, nullAllowed: set.nullAllowed };
    }
  }
}
