import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  MAX_DECIMAL128_PRECISION,
  assertDecimalPrecision,
  decimalDigitCount,
  formatDecimal,
  powerOfTen,
  readDecimal128,
  safeUnscaledOfNumber,
  safeUnscaledOfString,
  toDecimal128,
  toUnscaledDecimal,
  writeDecimal128,
  writeSafeDecimal128,
} from '../../src/arrow/decimal.js';

const MAX_38 = 10n ** 38n - 1n;
const INT128_MAX = 2n ** 127n - 1n;
const INT128_MIN = -(2n ** 127n);

/** HALF_UP oracle on bigint division: round |u| / 10^drop, ties away from zero. */
function halfUp(unscaled: bigint, drop: number): bigint {
  const divisor = 10n ** BigInt(drop);
  const magnitude = unscaled < 0n ? -unscaled : unscaled;
  let quotient = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
  return unscaled < 0n ? -quotient : quotient;
}

/** The value the 16 little-endian bytes at `index` hold, read independently through a DataView. */
function viaDataView(words: Uint32Array, index: number): bigint {
  const view = new DataView(words.buffer, words.byteOffset + index * 16, 16);
  return (view.getBigInt64(8, true) << 64n) | view.getBigUint64(0, true);
}

describe('toUnscaledDecimal', () => {
  it.each([
    ['-12.345', 3, -12345n],
    ['12.345', 2, 1235n],
    ['-12.345', 2, -1235n],
    ['12.344', 2, 1234n],
    ['-12.344', 2, -1234n],
    ['12.3449999', 2, 1234n],
    ['+3', 2, 300n],
    ['.5', 1, 5n],
    ['3.', 0, 3n],
    ['-0', 2, 0n],
    ['-0.000', 2, 0n],
    ['0007.50', 1, 75n],
    ['1e-5', 5, 1n],
    ['1e-5', 4, 0n],
    ['5e-5', 4, 1n],
    ['-5e-5', 4, -1n],
    ['4.9e-5', 4, 0n],
    ['1.2E+3', 0, 1200n],
    ['1.25e1', 0, 13n],
    ['123', -1, 12n],
    ['125', -1, 13n],
    ['-125', -1, -13n],
    ['99999999999999999999999999999999999999', 0, MAX_38],
    ['-99999999999999999999999999999999999999', 0, -MAX_38],
    ['0.99999999999999999999999999999999999999', 38, MAX_38],
  ])('%s at scale %i is %s', (input, scale, expected) => {
    expect(toUnscaledDecimal(input, scale)).toBe(expected);
  });

  it.each([
    ['0.5', 0, 1n],
    ['-0.5', 0, -1n],
    ['1.5', 0, 2n],
    ['-1.5', 0, -2n],
    ['2.5', 0, 3n],
    ['-2.5', 0, -3n],
    ['0.125', 2, 13n],
    ['-0.125', 2, -13n],
    ['0.0005', 3, 1n],
    ['-0.0005', 3, -1n],
  ])('rounds the tie %s at scale %i away from zero (HALF_UP, not HALF_EVEN)', (input, scale, expected) => {
    expect(toUnscaledDecimal(input, scale)).toBe(expected);
  });

  it('reads numbers through their shortest decimal string, never float arithmetic', () => {
    // Binary doubles: 2.675 is 2.67499999…, 1.005 is 1.00499999…, 0.125 is exact.
    expect(toUnscaledDecimal(2.675, 2)).toBe(268n);
    expect(toUnscaledDecimal(1.005, 2)).toBe(101n);
    expect(toUnscaledDecimal(-1.005, 2)).toBe(-101n);
    expect(toUnscaledDecimal(0.1 + 0.2, 17)).toBe(30000000000000004n);
    expect(toUnscaledDecimal(0.1 + 0.2, 2)).toBe(30n);
    expect(toUnscaledDecimal(1e21, 0)).toBe(10n ** 21n);
    expect(toUnscaledDecimal(1.5e-7, 7)).toBe(2n);
    expect(toUnscaledDecimal(5e-324, 38)).toBe(0n);
    expect(toUnscaledDecimal(Number.MAX_SAFE_INTEGER, 3)).toBe(9007199254740991000n);
    expect(toUnscaledDecimal(-0, 2)).toBe(0n);
    expect(toUnscaledDecimal(123.456, -1)).toBe(12n);
  });

  it('scales bigints exactly and rounds them HALF_UP for negative scales', () => {
    expect(toUnscaledDecimal(12n, 3)).toBe(12000n);
    expect(toUnscaledDecimal(-7n, 0)).toBe(-7n);
    expect(toUnscaledDecimal(1250n, -2)).toBe(13n);
    expect(toUnscaledDecimal(-1250n, -2)).toBe(-13n);
    expect(toUnscaledDecimal(1249n, -2)).toBe(12n);
  });

  it.each([NaN, Infinity, -Infinity])('rejects %s', (value) => {
    expect(() => toUnscaledDecimal(value, 2)).toThrow(RangeError);
  });

  it.each([
    '',
    '.',
    '-',
    '+',
    'abc',
    ' 1',
    '1 ',
    '1_000',
    '0x10',
    'NaN',
    'Infinity',
    '1e',
    '--1',
    '1.2.3',
    '1e+',
    '١٢',
  ])('rejects the malformed string %j', (input) => {
    expect(() => toUnscaledDecimal(input, 2)).toThrow(SyntaxError);
  });

  it('fails fast on absurd exponents instead of building huge bigints', () => {
    expect(() => toUnscaledDecimal('1e999999999', 2)).toThrow(RangeError);
    expect(toUnscaledDecimal('1e-999999999', 2)).toBe(0n);
    expect(toUnscaledDecimal('0e999999999', 2)).toBe(0n);
  });

  it('rejects a non-integer scale', () => {
    expect(() => toUnscaledDecimal('1', 1.5)).toThrow(RangeError);
  });

  it('matches a bigint-division HALF_UP oracle on random inputs', () => {
    fc.assert(
      fc.property(
        fc.bigInt(-(10n ** 45n), 10n ** 45n),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 8 }),
        (unscaled, scale, drop) => {
          const written = formatDecimal(unscaled, scale + drop);
          expect(toUnscaledDecimal(written, scale)).toBe(halfUp(unscaled, drop));
        },
      ),
    );
  });

  it('reads exponent forms like their plain equivalents', () => {
    fc.assert(
      fc.property(
        fc.bigInt(-(10n ** 20n), 10n ** 20n),
        fc.integer({ min: -20, max: 20 }),
        fc.integer({ min: 0, max: 10 }),
        (mantissa, exponent, scale) => {
          const exponentForm = `${mantissa}e${exponent}`;
          const plain = formatDecimal(mantissa, -exponent);
          expect(toUnscaledDecimal(exponentForm, scale)).toBe(toUnscaledDecimal(plain, scale));
        },
      ),
    );
  });
});

describe('safeUnscaledOfNumber (the bigint-free fast path)', () => {
  it('gives the exact unscaled double when no rounding and at most 15 digits are needed', () => {
    expect(safeUnscaledOfNumber(12.34, 2)).toBe(1234);
    expect(safeUnscaledOfNumber(-12.34, 4)).toBe(-123400);
    expect(safeUnscaledOfNumber(7, 3)).toBe(7000);
    expect(Object.is(safeUnscaledOfNumber(-0, 2), 0)).toBe(true);
    expect(Object.is(safeUnscaledOfNumber(-0.0, 0), 0)).toBe(true);
  });

  it('declines rounding, exponents, 16+ digits, negative scales and non-finite numbers', () => {
    expect(safeUnscaledOfNumber(12.345, 2)).toBeUndefined();
    expect(safeUnscaledOfNumber(1e21, 0)).toBeUndefined();
    expect(safeUnscaledOfNumber(1e-7, 7)).toBeUndefined();
    expect(safeUnscaledOfNumber(0.1, 20)).toBeUndefined();
    expect(safeUnscaledOfNumber(1234567890123456, 0)).toBeUndefined();
    expect(safeUnscaledOfNumber(100, -1)).toBeUndefined();
    expect(safeUnscaledOfNumber(NaN, 2)).toBeUndefined();
    expect(safeUnscaledOfNumber(Infinity, 2)).toBeUndefined();
  });

  it('agrees with toUnscaledDecimal whenever it answers', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer({ min: 0, max: 20 }),
        (value, scale) => {
          const fast = safeUnscaledOfNumber(value, scale);
          if (fast !== undefined) {
            expect(Number.isSafeInteger(fast)).toBe(true);
            expect(BigInt(fast)).toBe(toUnscaledDecimal(value, scale));
          }
        },
      ),
    );
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 4 }), (cents, scale) => {
        const value = cents / 100;
        expect(BigInt(safeUnscaledOfNumber(value, scale + 2) ?? NaN)).toBe(toUnscaledDecimal(String(value), scale + 2));
      }),
    );
  });
});

describe('precision', () => {
  it('counts digits like BigDecimal.precision()', () => {
    expect(decimalDigitCount(0n)).toBe(1);
    expect(decimalDigitCount(-100n)).toBe(3);
    expect(decimalDigitCount(MAX_38)).toBe(38);
    expect(decimalDigitCount(-(10n ** 38n))).toBe(39);
  });

  it('accepts 38 nines at precision 38 and rejects 10^38, both signs', () => {
    expect(() => assertDecimalPrecision(MAX_38, MAX_DECIMAL128_PRECISION)).not.toThrow();
    expect(() => assertDecimalPrecision(-MAX_38, MAX_DECIMAL128_PRECISION)).not.toThrow();
    expect(() => assertDecimalPrecision(MAX_38 + 1n, 38)).toThrow(RangeError);
    expect(() => assertDecimalPrecision(-MAX_38 - 1n, 38)).toThrow(/39 digits exceed the decimal precision 38/);
  });

  it('checks precision after HALF_UP rounding, as Java does', () => {
    expect(toDecimal128('999.99', 5, 2)).toBe(99999n);
    expect(toDecimal128('999.994', 5, 2)).toBe(99999n);
    expect(() => toDecimal128('999.995', 5, 2)).toThrow(RangeError);
    expect(() => toDecimal128('-999.995', 5, 2)).toThrow(RangeError);
    expect(toDecimal128('0.001', 1, 2)).toBe(0n);
  });

  it('caches small powers of ten and computes large ones', () => {
    expect(powerOfTen(0)).toBe(1n);
    expect(powerOfTen(38)).toBe(10n ** 38n);
    expect(powerOfTen(100)).toBe(10n ** 100n);
  });
});

describe('formatDecimal', () => {
  it.each([
    [-12340n, 3, '-12.340'],
    [12340n, 3, '12.340'],
    [5n, 3, '0.005'],
    [-5n, 3, '-0.005'],
    [0n, 2, '0.00'],
    [0n, 0, '0'],
    [123n, 0, '123'],
    [-123n, 0, '-123'],
    [12n, -2, '1200'],
    [0n, -2, '0'],
    [MAX_38, 10, '9999999999999999999999999999.9999999999'],
    [-MAX_38, 38, '-0.99999999999999999999999999999999999999'],
  ])('formats %s at scale %i as %s', (unscaled, scale, expected) => {
    expect(formatDecimal(unscaled, scale)).toBe(expected);
  });

  it('round-trips through toUnscaledDecimal for every scale', () => {
    fc.assert(
      fc.property(fc.bigInt(-MAX_38, MAX_38), fc.integer({ min: -5, max: 38 }), (unscaled, scale) => {
        const text = formatDecimal(unscaled, scale);
        const expected = scale >= 0 ? unscaled : unscaled * 10n ** BigInt(-scale);
        expect(toUnscaledDecimal(text, Math.max(scale, 0))).toBe(expected);
        if (scale > 0) expect(text.length - text.indexOf('.') - 1).toBe(scale);
      }),
    );
  });
});

describe('128-bit little-endian words', () => {
  it.each([
    0n,
    1n,
    -1n,
    BigInt(Number.MAX_SAFE_INTEGER),
    -BigInt(Number.MAX_SAFE_INTEGER),
    2n ** 53n,
    -(2n ** 53n),
    2n ** 32n - 1n,
    -(2n ** 32n),
    2n ** 64n,
    -(2n ** 64n),
    2n ** 96n + 5n,
    MAX_38,
    -MAX_38,
    INT128_MAX,
    INT128_MIN,
  ])('stores %s as two’s complement and reads it back', (value) => {
    const words = new Uint32Array(12).fill(0xdeadbeef);
    writeDecimal128(words, 1, value);
    expect(viaDataView(words, 1)).toBe(value);
    expect(readDecimal128(words, 1)).toBe(value);
    // Neighbouring slots are untouched.
    expect([...words.subarray(0, 4), ...words.subarray(8)].every((word) => word === 0xdeadbeef)).toBe(true);
  });

  it('rejects values beyond 128 bits', () => {
    expect(() => writeDecimal128(new Uint32Array(4), 0, INT128_MAX + 1n)).toThrow(RangeError);
    expect(() => writeDecimal128(new Uint32Array(4), 0, INT128_MIN - 1n)).toThrow(RangeError);
  });

  it('writes safe-integer doubles exactly like their bigint', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (value) => {
        const fromNumber = new Uint32Array(4);
        const fromBigInt = new Uint32Array(4);
        writeSafeDecimal128(fromNumber, 0, value);
        writeDecimal128(fromBigInt, 0, BigInt(value));
        expect([...fromNumber]).toEqual([...fromBigInt]);
        expect(viaDataView(fromNumber, 0)).toBe(BigInt(value));
      }),
    );
  });

  it('round-trips random 128-bit values at random slots', () => {
    fc.assert(
      fc.property(fc.bigInt(INT128_MIN, INT128_MAX), fc.integer({ min: 0, max: 3 }), (value, index) => {
        const words = new Uint32Array(16);
        writeDecimal128(words, index, value);
        expect(readDecimal128(words, index)).toBe(value);
        expect(viaDataView(words, index)).toBe(value);
      }),
    );
  });
});

describe('safeUnscaledOfString (the bigint-free path for decimal text)', () => {
  it('reads plain decimal text exactly, padding to the scale', () => {
    expect(safeUnscaledOfString('123.45', 2)).toBe(12345);
    expect(safeUnscaledOfString('-0.5', 3)).toBe(-500);
    expect(safeUnscaledOfString('+7', 0)).toBe(7);
    expect(safeUnscaledOfString('.25', 2)).toBe(25);
    expect(safeUnscaledOfString('5.', 1)).toBe(50);
    expect(safeUnscaledOfString('999999999999999', 0)).toBe(999_999_999_999_999);
    expect(Object.is(safeUnscaledOfString('-0.00', 2), 0)).toBe(true);
  });

  it('declines what needs rounding, exponents, 16+ digits and anything not plain decimal text', () => {
    for (const [text, scale] of [
      ['1.005', 2],
      ['1e3', 0],
      ['1234567890123456', 0],
      ['1.5', 15],
      ['', 0],
      ['-', 0],
      ['.', 0],
      ['1.2.3', 2],
      [' 1', 0],
      ['1 ', 0],
      ['0x10', 0],
      ['١٢', 0],
      ['1', -1],
      ['1', 16],
    ] as const) {
      expect(safeUnscaledOfString(text, scale)).toBeUndefined();
    }
  });

  it('agrees with toUnscaledDecimal whenever it answers', () => {
    const decimalText = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        fc.stringMatching(/^\d{0,10}$/),
        fc.option(fc.stringMatching(/^\d{0,8}$/)),
        fc.constantFrom('', '', '', 'e2', 'x'),
      )
      .map(([sign, whole, fraction, tail]) => `${sign}${whole}${fraction === null ? '' : `.${fraction}`}${tail}`);
    fc.assert(
      fc.property(decimalText, fc.integer({ min: 0, max: 18 }), (text, scale) => {
        const fast = safeUnscaledOfString(text, scale);
        if (fast !== undefined) {
          expect(Number.isSafeInteger(fast)).toBe(true);
          expect(BigInt(fast)).toBe(toUnscaledDecimal(text, scale));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
