/**
 * The order Athena (Trino) gives varchar values — by Unicode code point — written the plain way, one
 * code point at a time. Tests hold core's fast comparator and the conformance suite's expectations
 * against it; it is deliberately not core's code.
 */

/** Negative, zero or positive as `a` sorts before, with or after `b` by code point (a prefix first). */
export function compareByCodePoint(a: string, b: string): number {
  const left = Array.from(a, (character) => character.codePointAt(0) ?? 0);
  const right = Array.from(b, (character) => character.codePointAt(0) ?? 0);
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return Math.sign(left.length - right.length);
}
