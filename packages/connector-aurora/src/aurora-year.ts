/**
 * Summary predicates on YEAR columns. Athena sees YEAR as an integer, but MySQL converts a constant
 * compared with a YEAR column into a year first: 1–99 become two-digit years (24 → 2024, 70 → 1970),
 * and where an index is used a constant outside the column's domain becomes the zero year. So no
 * bound is sent as Athena gave it: every range is cut to YEAR's domain {0} ∪ [1901, 2155] and
 * bound by the domain values at its ends, which select the same rows and which MySQL reads as-is.
 */
import type { ValueSet } from '@athena-federation/connector-core';
import { type IntegerInterval, PARAMETER, integerIntervals } from '@athena-federation/connector-core/sql';
import type { SqlParam, SqlPredicate } from '@athena-federation/connector-core/sql';

/** The values a YEAR column can hold: the zero year and 1901–2155 (MySQL and MariaDB alike). */
const DOMAIN: readonly (readonly [bigint, bigint])[] = [
  [0n, 0n],
  [1901n, 2155n],
];

/** The parts of `interval` inside YEAR's domain, as bounded intervals. */
function clip(interval: IntegerInterval): [bigint, bigint][] {
  const parts: [bigint, bigint][] = [];
  for (const [from, to] of DOMAIN) {
    const low = interval.low === undefined || interval.low < from ? from : interval.low;
    const high = interval.high === undefined || interval.high > to ? to : interval.high;
    if (low <= high) parts.push([low, high]);
  }
  return parts;
}

/**
 * The exact WHERE fragment of a YEAR column's range set or IN list, or undefined for anything else
 * and for a value that is not an integer. Bounds are domain values only.
 */
export function yearPredicate(column: string, set: ValueSet): SqlPredicate | undefined {
  // AllOrNone sets bind nothing: the caller's generic predicate is exact for them.
  const allowed = set['@type'] === 'AllOrNoneValueSet' ? undefined : integerIntervals(set);
  if (allowed === undefined) return undefined;
  const parts = allowed.intervals.flatMap(clip);
  const points = [...new Set(parts.filter(([low, high]) => low === high).map(([low]) => String(low)))];
  const spans = parts.filter(([low, high]) => low !== high);
  const terms: string[] = [];
  const params: SqlParam[] = [];
  for (const [low, high] of spans) {
    terms.push(`(${column} >= CAST(${PARAMETER} AS SIGNED) AND ${column} <= CAST(${PARAMETER} AS SIGNED))`);
    params.push(String(low), String(high));
  }
  if (points.length > 0) {
    terms.push(`${column} IN (${points.map(() => `CAST(${PARAMETER} AS SIGNED)`).join(', ')})`);
    params.push(...points);
  }
  if (allowed.nullAllowed) terms.unshift(`${column} IS NULL`);
  if (terms.length === 0) return { sql: '1 = 0', params: [], exact: true };
  return { sql: terms.length === 1 ? (terms[0] as string) : `(${terms.join(' OR ')})`, params, exact: true };
}
