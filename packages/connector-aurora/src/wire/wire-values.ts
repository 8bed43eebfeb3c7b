/**
 * The length-encoded values of MySQL binary-protocol rows (strings, DECIMAL digits, BIT bytes) and
 * how the non-trivial ones are written into Arrow slots without a JavaScript value per cell:
 * DECIMAL digits parsed into 128-bit words, BIT's big-endian bytes reversed into a little-endian
 * integer.
 */

/** A value a column cannot store exactly; the decoder names the column and row around it. */
export class WireValueError extends Error {
  override readonly name = 'WireValueError';
}

/** Bytes of the length-encoded integer at `at` (1, 3, 4 or 9); read per value, so it allocates nothing. */
export function lengthPrefixBytes(buffer: Buffer, at: number): number {
  const first = buffer[at] as number;
  if (first < 0xfb) return 1;
  if (first === 0xfc) return 3;
  if (first === 0xfd) return 4;
  if (first === 0xfe) return 9;
  throw new WireValueError(`malformed length prefix 0x${first.toString(16)} at byte ${at}`);
}

/** The value of the length-encoded integer at `at` (see {@link lengthPrefixBytes} for its size). */
export function lengthValue(buffer: Buffer, at: number): number {
  const first = buffer[at] as number;
  if (first < 0xfb) return first;
  if (first === 0xfc) return buffer.readUInt16LE(at + 1);
  if (first === 0xfd) return buffer.readUIntLE(at + 1, 3);
  if (first === 0xfe) return Number(buffer.readBigUInt64LE(at + 1));
  throw new WireValueError(`malformed length prefix 0x${first.toString(16)} at byte ${at}`);
}

const TWO_TO_32 = 4_294_967_296;

/** Writes `value` (a safe integer) as the 128-bit two's complement slot `row` of `words`. */
function writeSmallDecimal(words: Int32Array, row: number, value: number): void {
  const slot = 4 * row;
  words[slot] = value >>> 0;
  words[slot + 1] = Math.floor(value / TWO_TO_32);
  const fill = value < 0 ? -1 : 0;
  words[slot + 2] = fill;
  words[slot + 3] = fill;
}

function writeBigDecimal(words: Int32Array, row: number, value: bigint): void {
  let bits = BigInt.asUintN(128, value);
  for (let k = 0; k < 4; k++) {
    words[4 * row + k] = Number(BigInt.asIntN(32, bits));
    bits >>= 32n;
  }
}

/**
 * Reads the DECIMAL digit text at `at` (`-123.4500`, length-encoded) as the unscaled value at
 * `scale` into the decimal128 slot `row` of `words`, and returns where the next value starts. Up
 * to 15 digits are accumulated in a double (exact); longer ones go through a BigInt.
 */
export function writeDecimal(
  buffer: Buffer,
  at: number,
  words: Int32Array,
  row: number,
  scale: number,
  precision: number,
): number {
  // DECIMAL text is at most 67 bytes: its length is always the one-byte form.
  const size = buffer[at] as number;
  if (size >= 0xfb) throw new WireValueError(`a DECIMAL value of ${lengthValue(buffer, at)} bytes`);
  const start = at + 1;
  const end = start + size;
  let i = start;
  const negative = buffer[i] === 45;
  if (negative || buffer[i] === 43) i++;
  let unscaled = 0;
  let digitCount = 0;
  let fraction = -1;
  let big: bigint | undefined;
  for (; i < end; i++) {
    const c = buffer[i] as number;
    if (c === 46 && fraction < 0) {
      fraction = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9)
      throw new WireValueError(`${JSON.stringify(buffer.toString('latin1', start, end))} is not a decimal`);
    if (fraction >= 0) {
      if (fraction === scale) {
        if (d !== 0)
          throw new WireValueError(`${buffer.toString('latin1', start, end)} has more than ${scale} fraction digits`);
        continue;
      }
      fraction++;
    }
    if (digitCount > 0 || d !== 0) digitCount++;
    if (big === undefined && digitCount > 15) big = BigInt(unscaled);
    if (big === undefined) unscaled = unscaled * 10 + d;
    else big = big * 10n + BigInt(d);
  }
  const missing = scale - Math.max(fraction, 0);
  digitCount += digitCount > 0 ? missing : 0;
  if (digitCount > precision)
    throw new WireValueError(`${buffer.toString('latin1', start, end)} has more than ${precision} digits`);
  if (big === undefined && digitCount <= 15) {
    const value = missing === 0 ? unscaled : unscaled * 10 ** missing;
    writeSmallDecimal(words, row, negative ? -value : value);
  } else {
    const value = (big ?? BigInt(unscaled)) * 10n ** BigInt(missing);
    writeBigDecimal(words, row, negative ? -value : value);
  }
  return end;
}

/**
 * Reads the BIT(n) value at `at` (length-encoded, big-endian, n ≤ 64) into the `slotBytes`-wide
 * little-endian unsigned slot `row` of `bytes` (8 for Int64, 16 for decimal(20,0)), and returns
 * where the next value starts.
 */
export function writeBits(buffer: Buffer, at: number, bytes: Uint8Array, row: number, slotBytes: number): number {
  const size = buffer[at] as number;
  if (size > 8) throw new WireValueError(`BIT value of ${size} bytes`);
  const slot = row * slotBytes;
  const last = at + size;
  for (let k = 0; k < slotBytes; k++) bytes[slot + k] = k < size ? (buffer[last - k] as number) : 0;
  return last + 1;
}
