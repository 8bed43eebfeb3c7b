/**
 * The oracle of the pushdown differential test: Athena's semantics for a constraint summary, LIKE
 * and LIMIT, written here from the SQL rules rather than taken from core or the connector, applied
 * in JavaScript to rows read once, unfiltered. Strings compare by code point (Trino's order, not
 * the UTF-16 unit order of JS `<`, which differs between U+E000–U+FFFF and code points above U+FFFF),
 * numbers exactly by value, binary bytewise unsigned, false before true; NULL is in a set only when
 * the set allows NULL, and LIKE on NULL is not true, so the row is not kept.
 */

/** The comparison family of a column, from its Athena type. */
export type ValueKind = 'text' | 'number' | 'bool' | 'bytes' | 'other';

/** One end of a range: absent is unbounded. */
export interface Bound {
  readonly value: unknown;
  readonly inclusive: boolean;
}

/** A value set as the test generated it (the same constants went to the wire in Arrow blocks). */
export type SetRecipe =
  | {
      readonly kind: 'ranges';
      readonly ranges: readonly { readonly low?: Bound; readonly high?: Bound }[];
      readonly nullAllowed: boolean;
    }
  | {
      readonly kind: 'list';
      readonly values: readonly unknown[];
      readonly whiteList: boolean;
      readonly nullAllowed: boolean;
    }
  | { readonly kind: 'allOrNone'; readonly all: boolean; readonly nullAllowed: boolean };

function codePoints(text: string): number[] {
  return Array.from(text, (c) => c.codePointAt(0) ?? 0);
}

export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  // Up to the first differing UTF-16 unit both agree; there, compare the code points that start.
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === a.length || i === b.length) return a.length - b.length;
  // A differing low surrogate means equal high surrogates before it: the code points differ as the units do.
  const x = a.codePointAt(i) ?? 0;
  const y = b.codePointAt(i) ?? 0;
  const lowSurrogate = (u: number) => u >= 0xdc00 && u <= 0xdfff;
  return lowSurrogate(a.charCodeAt(i)) && lowSurrogate(b.charCodeAt(i)) ? a.charCodeAt(i) - b.charCodeAt(i) : x - y;
}

/** `value` as an exact fraction numerator/10^scale. */
function exact(value: unknown): { readonly units: bigint; readonly scale: number } {
  const text = typeof value === 'bigint' ? value.toString() : String(value);
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (match === null) throw new Error(`not a decimal: ${text}`);
  const fraction = match[3] ?? '';
  const units = BigInt(`${match[1] ?? ''}${match[2] || '0'}${fraction}`);
  return { units, scale: fraction.length };
}

export function compareNumbers(a: unknown, b: unknown): number {
  const x = exact(a);
  const y = exact(b);
  const scale = Math.max(x.scale, y.scale);
  const left = x.units * 10n ** BigInt(scale - x.scale);
  const right = y.units * 10n ** BigInt(scale - y.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Order of two non-null values of one kind. */
export function compare(kind: ValueKind, a: unknown, b: unknown): number {
  switch (kind) {
    case 'text':
      return compareText(a as string, b as string);
    case 'number':
      return compareNumbers(a, b);
    case 'bool':
      return Number(a) - Number(b);
    case 'bytes':
      return compareBytes(a as Uint8Array, b as Uint8Array);
    case 'other':
      throw new Error('complex values have no order');
  }
}

/** Whether `value` (null = SQL NULL) is in the set. */
export function inSet(set: SetRecipe, kind: ValueKind, value: unknown): boolean {
  if (value === null || value === undefined) return set.nullAllowed;
  switch (set.kind) {
    case 'allOrNone':
      return set.all;
    case 'list': {
      const found = set.values.some((v) => compare(kind, v, value) === 0);
      return set.whiteList ? found : !found;
    }
    case 'ranges':
      return set.ranges.some(({ low, high }) => {
        if (low !== undefined) {
          const c = compare(kind, value, low.value);
          if (c < 0 || (c === 0 && !low.inclusive)) return false;
        }
        if (high !== undefined) {
          const c = compare(kind, value, high.value);
          if (c > 0 || (c === 0 && !high.inclusive)) return false;
        }
        return true;
      });
  }
}

/**
 * SQL LIKE, one character being one code point: `%` any run, `_` one character, the escape
 * character making the next `%`, `_` or itself literal. NULL is never LIKE anything.
 */
export function like(value: unknown, pattern: string, escape: string | undefined): boolean {
  if (value === null || value === undefined) return false;
  const text = codePoints(String(value));
  const tokens: ({ readonly any: 'run' | 'one' } | { readonly literal: number })[] = [];
  const chars = codePoints(pattern);
  const escapeCode = escape?.codePointAt(0);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? 0;
    if (c === escapeCode) tokens.push({ literal: chars[++i] ?? 0 });
    else if (c === 0x25) tokens.push({ any: 'run' });
    else if (c === 0x5f) tokens.push({ any: 'one' });
    else tokens.push({ literal: c });
  }
  // Matches tokens[t..] against text[s..], memoized: patterns and values are short.
  const memo = new Map<number, boolean>();
  const match = (t: number, s: number): boolean => {
    const key = t * (text.length + 1) + s;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    const token = tokens[t];
    if (token === undefined) result = s === text.length;
    else if ('literal' in token) result = text[s] === token.literal && match(t + 1, s + 1);
    else if (token.any === 'one') result = s < text.length && match(t + 1, s + 1);
    else result = match(t + 1, s) || (s < text.length && match(t, s + 1));
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}

/** A value's canonical text, for comparing answers as multisets of rows. */
export function canonicalValue(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
    if (v instanceof Map) return { map: [...v.entries()] };
    return v;
  });
}
