/**
 * Base64 as Jackson writes binary values (RFC 4648, `=` padding, no line breaks). Node's decoder
 * silently skips characters it does not know, so every decode is checked against the exact byte
 * count the text's length implies: any skipped character makes it come up short. The URL-safe
 * `-`/`_` decode to the same bytes as `+`/`/`, so they are accepted rather than scanned for.
 */
import { ProtocolError } from './protocol-error.js';

/** Exact decoded size of a well-formed base64 string, or -1 when its shape is wrong. */
export function base64DecodedLength(text: string): number {
  const length = text.length;
  if (length % 4 !== 0) return -1;
  if (length === 0) return 0;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (length / 4) * 3 - padding;
}

/**
 * Characters decoded per call. Node copies a string it did not create into a two-byte buffer before
 * decoding it; in pieces this size that copy stays in cache instead of doubling a 20 MB member in
 * memory. A multiple of 4, so every piece but the last decodes to whole bytes.
 */
export const BASE64_PIECE = 256 * 1024;

/** Decodes a base64 string to fresh bytes, piece by piece; throws `ProtocolError` at `path`. */
export function decodeBase64(text: string, path: string): Uint8Array {
  const expected = base64DecodedLength(text);
  if (expected < 0) throw new ProtocolError(path, 'is not valid base64');
  const target = Buffer.allocUnsafe(expected);
  let written = 0;
  for (let start = 0; start < text.length; start += BASE64_PIECE) {
    const end = Math.min(start + BASE64_PIECE, text.length);
    const piece = end === text.length ? expected - written : ((end - start) / 4) * 3;
    // A skipped character (or padding inside the text) makes a piece come up short.
    if (target.write(text.slice(start, end), written, piece, 'base64') !== piece)
      throw new ProtocolError(path, 'is not valid base64');
    written += piece;
  }
  return new Uint8Array(target.buffer, target.byteOffset, target.length);
}

/** Encodes bytes as standard padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Bytes encoded per piece by {@link forEachBase64Piece}: a multiple of 3, so pieces join without
 * padding, and small enough that each piece is an ordinary young string (larger ones get fresh
 * memory of their own, which costs more than the encoding).
 */
const ENCODE_PIECE = 48 * 1024;

/**
 * Calls `emit` with the base64 of the concatenation of `chunks`, piece by piece in order: each
 * chunk is encoded in place, with at most two bytes carried across a boundary, so the bytes are
 * never gathered into one buffer first and no piece outlives its `emit`.
 */
export function forEachBase64Piece(chunks: readonly Uint8Array[], emit: (piece: string) => void): void {
  let carry = new Uint8Array(0);
  for (const chunk of chunks) {
    let start = 0;
    if (carry.length > 0) {
      const take = Math.min(3 - carry.length, chunk.byteLength);
      const joined = new Uint8Array(carry.length + take);
      joined.set(carry, 0);
      joined.set(chunk.subarray(0, take), carry.length);
      start = take;
      if (joined.length < 3) {
        carry = joined;
        continue;
      }
      emit(encodeBase64(joined));
      carry = new Uint8Array(0);
    }
    const whole = start + Math.floor((chunk.byteLength - start) / 3) * 3;
    for (let at = start; at < whole; at += ENCODE_PIECE)
      emit(encodeBase64(chunk.subarray(at, Math.min(at + ENCODE_PIECE, whole))));
    carry = chunk.slice(whole);
  }
  if (carry.length > 0) emit(encodeBase64(carry));
}
