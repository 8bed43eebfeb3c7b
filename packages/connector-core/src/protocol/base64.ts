/**
 * Strict standard base64 (RFC 4648, `=` padding, no line breaks), as Jackson writes binary values.
 * Node's own decoder silently skips characters it does not know, so decoding is checked here.
 */
import { ProtocolError } from './protocol-error.js';

/** Exact decoded size of a well-formed base64 string, or -1 when its shape is wrong. */
function decodedLength(text: string): number {
  const length = text.length;
  if (length % 4 !== 0) return -1;
  if (length === 0) return 0;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  // A '=' anywhere else makes Node stop decoding early, which the exact byte count then catches;
  // the URL-safe alphabet would decode to the right count, so it is refused here.
  if (text.indexOf('-') !== -1 || text.indexOf('_') !== -1) return -1;
  return (length / 4) * 3 - padding;
}

/** Decodes into `target` at `offset`; returns the byte count. Throws `ProtocolError` at `path`. */
export function decodeBase64Into(text: string, target: Buffer, offset: number, path: string): number {
  const expected = decodedLength(text);
  if (expected < 0 || offset + expected > target.length) throw new ProtocolError(path, 'is not valid base64');
  const written = target.write(text, offset, expected, 'base64');
  if (written !== expected) throw new ProtocolError(path, 'is not valid base64');
  return written;
}

/** Size in bytes that `text` decodes to; throws `ProtocolError` at `path` when it is not base64. */
export function base64ByteLength(text: string, path: string): number {
  const expected = decodedLength(text);
  if (expected < 0) throw new ProtocolError(path, 'is not valid base64');
  return expected;
}

/** Decodes a base64 string to fresh bytes; throws `ProtocolError` at `path`. */
export function decodeBase64(text: string, path: string): Uint8Array {
  const target = Buffer.allocUnsafe(base64ByteLength(text, path));
  decodeBase64Into(text, target, 0, path);
  return new Uint8Array(target.buffer, target.byteOffset, target.length);
}

/** Encodes bytes as standard padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
