// Exact Decimal(p, s) arithmetic for Arrow's 128-bit decimal columns, done on bigint and digit
// strings only. Athena compares and returns decimals exactly, and Java rounds to the column scale
// with BigDecimal.setScale(s, HALF_UP), so a float detour (even one multiplication) would produce
// values Java never writes; everything here works on the decimal digits of the input instead.

/** Largest precision a 128-bit Arrow decimal can hold (10^38 − 1 < 2^127). */
export const MAX_DECIMAL128_PRECISION = 38;

/**
 * Digits a rescale may create before we give up: far more than any 128-bit decimal holds, yet small
 * enough that `"1e999999999"` fails fast instead of building a billion-digit bigint.
 */
const MAX_RESCALE_DIGITS = 400;

const TWO_POW_32 = 4294967296;
const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE_BIGINT = -MAX_SAFE_BIGINT;
const WORD_MASK = 0xffffffffn;

const DECIMAL_STRING = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

const POWERS_OF_TEN: bigint[] = [];
for (let k = 0, power = 1n; k <= 2 * MAX_DECIMAL128_PRECISION; k++, power *= 10n) {
  POWERS_OF_TEN.push(power);
}

/** 10^k as a bigint, cached for the exponents decimal128 columns actually use. */
export function powerOfTen(k: number): bigint {
  return POWERS_OF_TEN[k] ?? 10n ** BigInt(k);
}

/**
 * Converts a value to its unscaled integer at `scale` (the value × 10^scale), rounding HALF_UP —
 * ties away from zero — exactly like Java's `BigDecimal.setScale(scale, RoundingMode.HALF_UP)`.
 *
 * Numbers are read through `String(n)`, the shortest string that round-trips to the same double, so
 * `2.675` means 2.675 (as `BigDecimal.valueOf(double)` reads it), not 2.67499999999999982236431605997495353221893310546875.
 * Strings may be plain (`-12.345`, `.5`, `3.`), signed (`+3`) or in exponent form (`1e-5`, `1.2E+3`);
 * whitespace, `_`, hex and `NaN`/`Infinity` are refused.
 *
 * @param scale - digits after the decimal point; may be negative (rounds to tens, hundreds, …).
 * @throws {RangeError} for NaN, ±Infinity, a non-integer scale, or a magnitude no decimal128 could hold.
 * @throws {SyntaxError} for a string that is not a decimal number.
 */
export function toUnscaledDecimal(value: number | bigint | string, scale: number): bigint {
  if (!Number.isSafeInteger(scale)) {
    throw new RangeError(`Decimal scale must be an integer, got ${String(scale)}`);
  }
  if (typeof value === 'bigint') {
    return scale >= 0
      ? value * powerOfTen(scale)
      : rescaleDigits(value < 0n, (value < 0n ? -value : value).toString(), scale);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError(`${String(value)} is not a decimal number`);
    }
    // Safe integers are the common case (ids, counts, cents) and need no digit string at all.
    if (Number.isSafeInteger(value) && scale >= 0) {
      return BigInt(value) * powerOfTen(scale);
    }
    const text = String(value);
    const safe = safeUnscaledOfString(text, scale);
    return safe === undefined ? parseDecimalString(text, scale) : BigInt(safe);
  }
  return parseDecimalString(value, scale);
}

/**
 * The writer's bigint-free path: the unscaled value of a finite number as an exact double,
 * when `String(value)` is plain (no exponent), needs no rounding at `scale` and yields at most 15
 * digits; otherwise `undefined` (use {@link toUnscaledDecimal}). The digits are still read from
 * the string, never computed with float arithmetic.
 */
export function safeUnscaledOfNumber(value: number, scale: number): number | undefined {
  return Number.isFinite(value) && Number.isSafeInteger(scale) ? safeUnscaledOfString(String(value), scale) : undefined;
}

/** Exact powers of ten as doubles, 10^0 … 10^15. */
const NUMBER_POWERS = Array.from({ length: 16 }, (_, n) => 10 ** n);

/**
 * The writer's bigint-free path for decimal strings (what MySQL and Glue hand over): the unscaled
 * value of a plain `[+-]digits[.digits]` as an exact double when it needs no rounding at `scale`
 * and has at most 15 digits with the zeros `scale` adds; otherwise `undefined` (use
 * {@link toUnscaledDecimal}, which also names what is wrong with a malformed one). Read by
 * character code, as it runs for every value of such a column.
 */
export function safeUnscaledOfString(text: string, scale: number): number | undefined {
  const length = text.length;
  if (length === 0 || length > 17 || !(scale >= 0 && scale <= 15)) return undefined;
  const first = text.charCodeAt(0);
  const signed = first === 45 || first === 43;
  let value = 0;
  let digits = 0;
  let fractionDigits = -1;
  for (let i = signed ? 1 : 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (fractionDigits !== -1) return undefined;
      fractionDigits = 0;
      continue;
    }
    const digit = code - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
    digits++;
    if (fractionDigits !== -1) fractionDigits++;
  }
  const padding = scale - Math.max(fractionDigits, 0);
  if (digits === 0 || padding < 0 || digits + padding > 15) return undefined;
  const unscaled = value * (NUMBER_POWERS[padding] ?? Number.NaN);
  // Zero has no sign as an unscaled integer.
  return first === 45 && unscaled !== 0 ? -unscaled : unscaled;
}

/**
 * Number of decimal digits of an unscaled value, as `BigDecimal.precision()` counts them (0 has one
 * digit; the sign is not a digit).
 */
export function decimalDigitCount(unscaled: bigint): number {
  const magnitude = unscaled < 0n ? -unscaled : unscaled;
  return magnitude.toString().length;
}

/**
 * Checks that an unscaled value has at most `precision` digits, the rule Arrow Java's
 * `DecimalUtility.checkPrecisionAndScale` applies before writing.
 *
 * @throws {RangeError} if it has more.
 */
export function assertDecimalPrecision(unscaled: bigint, precision: number): void {
  const limit = powerOfTen(precision);
  if (unscaled >= limit || unscaled <= -limit) {
    throw new RangeError(`${decimalDigitCount(unscaled)} digits exceed the decimal precision ${precision}`);
  }
}

/**
 * {@link toUnscaledDecimal} followed by {@link assertDecimalPrecision}: the unscaled integer a
 * Decimal(precision, scale) column stores for `value`.
 *
 * @throws {RangeError | SyntaxError} as those two functions do.
 */
export function toDecimal128(value: number | bigint | string, precision: number, scale: number): bigint {
  const unscaled = toUnscaledDecimal(value, scale);
  assertDecimalPrecision(unscaled, precision);
  return unscaled;
}

/**
 * Formats an unscaled value as a plain decimal string with exactly `scale` fraction digits
 * (`-12340n`, 3 → `"-12.340"`); trailing zeros are kept because they are the column's scale, as
 * `BigDecimal.toPlainString()` keeps them. A negative scale appends zeros and prints no point.
 */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  const sign = negative ? '-' : '';
  if (scale <= 0) {
    return unscaled === 0n ? '0' : sign + digits + '0'.repeat(-scale);
  }
  if (digits.length <= scale) {
    digits = '0'.repeat(scale + 1 - digits.length) + digits;
  }
  const point = digits.length - scale;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * Stores a signed 128-bit value as four little-endian 32-bit words (two's complement) at
 * `words[4 * index … 4 * index + 3]`, the layout of Arrow's Decimal128 buffers.
 *
 * @throws {RangeError} if the value does not fit 128 bits.
 */
export function writeDecimal128(words: Uint32Array, index: number, unscaled: bigint): void {
  // Unscaled values below 2^53 (most money and measurements) skip the bigint word splitting.
  if (unscaled >= MIN_SAFE_BIGINT && unscaled <= MAX_SAFE_BIGINT) {
    writeSafeDecimal128(words, index, Number(unscaled));
    return;
  }
  if (BigInt.asIntN(128, unscaled) !== unscaled) {
    throw new RangeError(`${unscaled} does not fit a signed 128-bit decimal`);
  }
  const base = index * 4;
  let bits = BigInt.asUintN(128, unscaled);
  for (let word = 0; word < 4; word++) {
    words[base + word] = Number(bits & WORD_MASK);
    bits >>= 32n;
  }
}

/**
 * {@link writeDecimal128} for an unscaled value that is a safe integer double. The high word is an
 * exact floor division; a Uint32Array store wraps a negative double modulo 2^32, which is exactly
 * two's complement, and the upper two words are the sign extension.
 */
export function writeSafeDecimal128(words: Uint32Array, index: number, unscaled: number): void {
  const base = index * 4;
  const high = Math.floor(unscaled / TWO_POW_32);
  const extension = unscaled < 0 ? 0xffffffff : 0;
  words[base] = unscaled - high * TWO_POW_32;
  words[base + 1] = high;
  words[base + 2] = extension;
  words[base + 3] = extension;
}

/** Reads the signed 128-bit value {@link writeDecimal128} stores at `index`. */
export function readDecimal128(words: Uint32Array, index: number): bigint {
  const base = index * 4;
  const w0 = words[base] ?? 0;
  const w1 = words[base + 1] ?? 0;
  const w2 = words[base + 2] ?? 0;
  const w3 = words[base + 3] ?? 0;
  // Values whose upper 75 bits are a pure sign extension fit a double exactly.
  if ((w3 === 0 && w2 === 0 && w1 < 0x200000) || (w3 === 0xffffffff && w2 === 0xffffffff && w1 >= 0xffe00000)) {
    return BigInt((w3 === 0 ? w1 : w1 - TWO_POW_32) * TWO_POW_32 + w0);
  }
  const unsigned = (BigInt(w3) << 96n) | (BigInt(w2) << 64n) | (BigInt(w1) << 32n) | BigInt(w0);
  return BigInt.asIntN(128, unsigned);
}

function parseDecimalString(text: string, scale: number): bigint {
  const match = DECIMAL_STRING.exec(text);
  const integerPart = match?.[2] ?? '';
  const fractionPart = match?.[3] ?? '';
  if (match === null || integerPart.length + fractionPart.length === 0) {
    throw new SyntaxError(
      `${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)} is not a decimal number`,
    );
  }
  const exponent = Number(match[4] ?? '0');
  return rescaleDigits(match[1] === '-', integerPart + fractionPart, exponent - fractionPart.length + scale);
}

/**
 * The integer `±digits × 10^shift`, HALF_UP-rounded when `shift` is negative. Rounding looks only
 * at the first dropped digit: HALF_UP rounds the magnitude up exactly when that digit is ≥ 5.
 */
function rescaleDigits(negative: boolean, rawDigits: string, shift: number): bigint {
  let start = 0;
  while (start < rawDigits.length && rawDigits.charCodeAt(start) === 48) start++;
  const digits = start === 0 ? rawDigits : rawDigits.slice(start);
  if (digits.length === 0) {
    return 0n;
  }
  let magnitude: bigint;
  if (shift >= 0) {
    if (digits.length + shift > MAX_RESCALE_DIGITS) {
      throw new RangeError(`a ${digits.length + shift}-digit value is too large for a decimal`);
    }
    magnitude = BigInt(digits) * powerOfTen(shift);
  } else {
    const kept = digits.length + shift;
    if (kept < 0) {
      return 0n;
    }
    magnitude = kept === 0 ? 0n : BigInt(digits.slice(0, kept));
    if (digits.charCodeAt(kept) >= 53) {
      magnitude += 1n;
    }
  }
  return negative ? -magnitude : magnitude;
}
