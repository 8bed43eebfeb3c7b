/**
 * Test support: Athena's answer to a summary and an ORDER BY over rows read from Arrow, written
 * independently of core's evaluator and the connector's SQL. Values are compared by type: integers
 * and decimals exactly, floats as Java's `Double.compare` (the SDK's ValueSet order), strings by code
 * point (Trino's varchar order), varbinary by unsigned bytes, booleans false < true, dates as numbers.
 */
import { compareByCodePoint } from '@athena-federation/connector-core/testing';
import { DataType } from 'apache-arrow';

/** A constant or column value as `readValue` gives it. */
export type Scalar = null | boolean | number | bigint | string | Uint8Array;

/** One end of a range. */
export interface Bound {
  readonly value: Scalar;
  readonly inclusive: boolean;
}

/** A value set as the differential test draws it, before it becomes wire blocks. */
export type SetRecipe =
  | { readonly kind: 'all-or-none'; readonly all: boolean; readonly nullAllowed: boolean }
  | {
      readonly kind: 'equatable';
      readonly whiteList: boolean;
      readonly values: readonly Scalar[];
      readonly nullAllowed: boolean;
    }
  | {
      readonly kind: 'ranges';
      readonly ranges: readonly { readonly low?: Bound; readonly high?: Bound }[];
      readonly nullAllowed: boolean;
    };

function compareNumbers(a: number, b: number): number {
  // Double.compare: NaN above everything and equal to itself.
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function decimalParts(text: string): { unscaled: bigint; scale: number } {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const unscaled = BigInt(`${whole}${fraction}` || '0');
  return { unscaled: negative ? -unscaled : unscaled, scale: fraction.length };
}

/** Three-way comparison of two non-null values of one column type. */
export function compareScalars(type: DataType, a: Scalar, b: Scalar): number {
  if (typeof a === 'string' && typeof b === 'string') {
    if (DataType.isDecimal(type)) {
      const x = decimalParts(a);
      const y = decimalParts(b);
      const scale = Math.max(x.scale, y.scale);
      const d = x.unscaled * 10n ** BigInt(scale - x.scale) - y.unscaled * 10n ** BigInt(scale - y.scale);
      return d < 0n ? -1 : d > 0n ? 1 : 0;
    }
    return compareByCodePoint(a, b);
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
    return a.length - b.length;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const x = BigInt(a as bigint | number);
    const y = BigInt(b as bigint | number);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return compareNumbers(a as number, b as number);
}

/** Whether a column value satisfies a value set (NULL by `nullAllowed`). */
export function setContains(set: SetRecipe, type: DataType, value: Scalar): boolean {
  if (value === null) return set.nullAllowed;
  switch (set.kind) {
    case 'all-or-none':
      return set.all;
    case 'equatable':
      return set.whiteList === set.values.some((v) => v !== null && compareScalars(type, value, v) === 0);
    case 'ranges':
      return set.ranges.some((range) => {
        const low = range.low === undefined ? 1 : compareScalars(type, value, range.low.value);
        const high = range.high === undefined ? -1 : compareScalars(type, value, range.high.value);
        return (
          (range.low === undefined || (range.low.inclusive ? low >= 0 : low > 0)) &&
          (range.high === undefined || (range.high.inclusive ? high <= 0 : high < 0))
        );
      });
  }
}

/** One ORDER BY term. */
export interface OrderTerm {
  readonly columnName: string;
  readonly direction: 'ASC_NULLS_FIRST' | 'ASC_NULLS_LAST' | 'DESC_NULLS_FIRST' | 'DESC_NULLS_LAST';
}

/** Athena's order of rows for an ORDER BY clause. */
export function rowOrder(
  terms: readonly OrderTerm[],
  types: ReadonlyMap<string, DataType>,
): (a: Readonly<Record<string, Scalar>>, b: Readonly<Record<string, Scalar>>) => number {
  return (a, b) => {
    for (const term of terms) {
      const x = a[term.columnName] ?? null;
      const y = b[term.columnName] ?? null;
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === term.direction.endsWith('NULLS_FIRST') ? -1 : 1;
      }
      const type = types.get(term.columnName);
      if (type === undefined) throw new Error(`oracle: no column ${term.columnName}`);
      const c = compareScalars(type, x, y) * (term.direction.startsWith('DESC') ? -1 : 1);
      if (c !== 0) return c;
    }
    return 0;
  };
}
