/**
 * Cutting an integer key's span into ranges, shared by the MySQL and PostgreSQL split planners:
 * both read a table with a single-column integer key as key ranges sized from the row estimate.
 */

/** Keys in `[low, high)`; an absent bound is open. */
export interface KeyRange {
  readonly low: bigint | undefined;
  readonly high: bigint | undefined;
}

/**
 * `[min, max]` cut into `wanted` ranges of near-equal width (fewer when the span has fewer keys).
 * The first and last are open-ended, so rows inserted after planning are still read exactly once.
 */
export function keyRanges(min: bigint, max: bigint, wanted: number): KeyRange[] {
  const span = max - min + 1n;
  const count = BigInt(wanted) > span ? span : BigInt(wanted);
  const cuts: bigint[] = [];
  for (let i = 1n; i < count; i++) cuts.push(min + (span * i) / count);
  return Array.from({ length: cuts.length + 1 }, (_, i) => ({
    low: i === 0 ? undefined : cuts[i - 1],
    high: cuts[i],
  }));
}

/**
 * The WHERE conjunct reading a key range: `key >= low AND key < high`, or `key IS NOT NULL` when
 * both ends are open (NULL keys are the NULL split's). `bound` is the engine's SQL for one bound
 * parameter (`CAST(? AS SIGNED)`, `$n::int8` through the kit's mark); the bounds go as decimal text.
 */
export function keyRangePredicate(
  quoted: string,
  range: KeyRange,
  bound: string,
): { readonly sql: string; readonly params: string[]; readonly exact: true } {
  const parts: string[] = [];
  const params: string[] = [];
  if (range.low !== undefined) {
    parts.push(`${quoted} >= ${bound}`);
    params.push(String(range.low));
  }
  if (range.high !== undefined) {
    parts.push(`${quoted} < ${bound}`);
    params.push(String(range.high));
  }
  if (parts.length === 0) parts.push(`${quoted} IS NOT NULL`);
  return { sql: parts.join(' AND '), params, exact: true };
}
