// LIKE patterns: which are a plain prefix (→ begins_with), and that the in-connector match is SQL
// LIKE exactly (% any run, _ one character, escapes, regex metacharacters taken literally).
import { describe, expect, it } from 'vitest';
import { compileLikePattern } from '../src/dynamodb-expressions.js';

describe('compileLikePattern', () => {
  it('finds the literal prefix of `prefix%` patterns only', () => {
    const prefixOf = (pattern: string, escape?: string) => compileLikePattern(pattern, escape, 'c').prefix;
    expect(prefixOf('abc%')).toBe('abc');
    expect(prefixOf('abc%%')).toBe('abc');
    expect(prefixOf('%')).toBe('');
    expect(prefixOf('a\\%b%', '\\')).toBe('a%b');
    expect(prefixOf('a\\_%', '\\')).toBe('a_');
    expect(prefixOf('a\\\\%', '\\')).toBe('a\\');
    expect(prefixOf('abc')).toBeUndefined();
    expect(prefixOf('a_c%')).toBeUndefined();
    expect(prefixOf('%abc')).toBeUndefined();
    expect(prefixOf('ab%c')).toBeUndefined();
    expect(prefixOf('ab%_')).toBeUndefined();
  });

  it('matches like SQL LIKE', () => {
    const matches = (pattern: string, text: string, escape?: string) =>
      compileLikePattern(pattern, escape, 'c').regex.test(text);
    expect(matches('abc%', 'abcdef')).toBe(true);
    expect(matches('abc%', 'xabc')).toBe(false);
    expect(matches('a_c', 'abc')).toBe(true);
    expect(matches('a_c', 'abbc')).toBe(false);
    expect(matches('a_c', 'a😀c')).toBe(true);
    expect(matches('%\n%', 'line\nbreak')).toBe(true);
    expect(matches('(a.b)[1]%', '(a.b)[1] x')).toBe(true);
    expect(matches('(a.b)[1]%', '(aXb)[1] x')).toBe(false);
    expect(matches('100#%', '100%', '#')).toBe(true);
    expect(matches('100#%', '1000', '#')).toBe(false);
    expect(matches('abc', 'ABC')).toBe(false);
  });

  it('rejects a bad escape, naming the column', () => {
    expect(() => compileLikePattern('a#b', '#', 'Ward')).toThrow(/column Ward/);
    expect(() => compileLikePattern('a#', '#', 'Ward')).toThrow(/column Ward/);
  });
});
