/**
 * Test support: the edge constants of each Athena type, for the pushdown differential test — type
 * limits, 0 and ±1, the YEAR windows (1–99, 1901, 2155 and beyond), unsigned maxima and one past
 * them, NaN and ±Infinity, dates at both ends of MySQL's range and beyond, strings differing only in
 * case, accents, trailing spaces, NUL, LIKE wildcards, code points on both sides of U+FFFF (mixed),
 * literals latin1 or utf8mb3 cannot hold, and a long one.
 */
import { DataType, DateUnit, Precision } from 'apache-arrow';
import type { Scalar } from './value-set-oracle.js';

const YEARS = [0, 1, 24, 50, 69, 70, 99, 100, 1900, 1901, 1950, 2000, 2155, 2156, -1];
const DAY = 86_400_000;
/** 0001-01-01, 1000-01-01, 9999-12-31 and the day after, in days since the epoch. */
const DAYS = [-719_162, -354_285, -1, 0, 1, 19_782, 2_932_896, 2_932_897, -719_163];
const STRINGS = [
  '',
  ' ',
  'a',
  'A',
  'a ',
  'abc',
  'ABC',
  'abc ',
  'é',
  'É',
  'e',
  'E',
  'ß',
  'ss',
  'z',
  'Z',
  'x',
  'x,y',
  '{}',
  'null',
  '😀',
  '🎉',
  'z😀',
  '\ue000',
  '\ufffd',
  '\uffff',
  '\ue000😀',
  '😀\ue000',
  '\uff58',
  '中',
  '中文',
  '\u0080',
  '€',
  'ÿ',
  '\u0081',
  'a\u0000b',
  '\u0000',
  "o'k",
  '%',
  '_',
  'a_c',
  'a%c',
  '\\',
  'x'.repeat(300),
  '12:34:56.500000',
  '00:00:00.000000',
  '-838:59:59.000000',
  '1970-01-01 00:00:00.000000',
  '2024-01-01 00:00:00.000001',
  '0',
  '-1.000000000000000000000000000000',
];
const BYTES = [
  [],
  [0],
  [0xff],
  [0x61],
  [0x61, 0x62],
  [0, 0, 0, 0],
  [0xff, 0xff, 0xff, 0xff],
  [0xde, 0xad, 0xbe, 0xef],
  [0xe6, 0x10, 0, 0],
];

function decimals(precision: number, scale: number): string[] {
  const at = (whole: string, fraction = '') => (scale === 0 ? whole : `${whole}.${fraction.padEnd(scale, '0')}`);
  const max = at('9'.repeat(precision - scale) || '0', '9'.repeat(scale));
  const values = [at('0'), at('1'), at('-1'), max, `-${max}`];
  if (scale > 0) values.push(at('0', `${'0'.repeat(scale - 1)}1`), at('-0', '5'));
  // BIGINT UNSIGNED and BIT(64) are decimal(20,0): their maximum, one past it, and the signed edge.
  if (precision === 20 && scale === 0)
    values.push('18446744073709551615', '18446744073709551616', '9223372036854775807', '9223372036854775808');
  return values;
}

/** The edge constants of a column of Athena type `type` (YEAR, by name, gets its windows). */
export function edgeConstants(type: DataType, name: string): Scalar[] {
  if (DataType.isInt(type)) {
    const bits = type.bitWidth;
    const low = -(2n ** BigInt(bits - 1));
    const high = 2n ** BigInt(bits - 1) - 1n;
    const values = [low, -1n, 0n, 1n, high, ...(name === 'y' || bits >= 16 ? YEARS.map(BigInt) : [24n, 99n])].filter(
      (v) => v >= low && v <= high,
    );
    if (bits === 64) values.push(2n ** 53n + 1n);
    return values.map((v) => (bits === 64 ? v : Number(v)));
  }
  if (DataType.isDecimal(type)) return decimals(type.precision, type.scale);
  if (DataType.isFloat(type)) {
    const single = type.precision === Precision.SINGLE;
    return [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      0,
      1.5,
      -2.75,
      single ? Math.fround(0.1) : 0.1,
      single ? 3.4028234663852886e38 : 1.7976931348623157e308,
      single ? 1.401298464324817e-45 : 5e-324,
      2.5,
    ];
  }
  if (DataType.isBool(type)) return [true, false];
  if (DataType.isUtf8(type)) return STRINGS;
  if (DataType.isBinary(type)) return BYTES.map((b) => Uint8Array.from(b));
  if (DataType.isDate(type))
    return type.unit === DateUnit.DAY ? DAYS : DAYS.flatMap((d) => [d * DAY, d * DAY - 1, d * DAY + 1]);
  return [];
}
