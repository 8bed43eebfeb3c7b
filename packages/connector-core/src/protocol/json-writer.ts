/**
 * Collects the pieces of one JSON document and joins them once. Response documents are mostly one
 * multi-megabyte base64 member; joining strings (or letting V8 flatten a rope) copies it slowly, so
 * large documents are assembled in a single buffer, where each piece is one memcpy.
 */

const ASSEMBLE_AT = 1 << 20;

/**
 * Scratch space for assembling large documents, kept between calls: encoding is synchronous, so
 * one buffer serves every call, and fresh multi-megabyte allocations (page faults and zeroing)
 * would otherwise cost as much as the copy itself.
 */
let scratch = Buffer.alloc(0);

/** An append-only JSON text under construction. */
export class JsonOut {
  #chunks: string[] = [];
  /** Pieces known to be ASCII (base64), which can be copied as Latin-1 without a UTF-8 pass. */
  #ascii: boolean[] = [];
  #length = 0;

  /** Appends JSON text (any Unicode). */
  text(piece: string): void {
    this.#chunks.push(piece);
    this.#ascii.push(false);
    this.#length += piece.length;
  }

  /** Appends text the caller guarantees is ASCII, such as base64. */
  asciiText(piece: string): void {
    this.#chunks.push(piece);
    this.#ascii.push(true);
    this.#length += piece.length;
  }

  /** The whole document. */
  toString(): string {
    if (this.#length < ASSEMBLE_AT) return this.#chunks.join('');
    let bytes = 0;
    let allAscii = true;
    const sizes = this.#chunks.map((chunk, i) => {
      const size = this.#ascii[i] === true ? chunk.length : Buffer.byteLength(chunk, 'utf8');
      if (size !== chunk.length) allAscii = false;
      bytes += size;
      return size;
    });
    if (scratch.length < bytes) scratch = Buffer.allocUnsafeSlow(Math.max(bytes, scratch.length * 2));
    const buffer = scratch.subarray(0, bytes);
    let offset = 0;
    this.#chunks.forEach((chunk, i) => {
      offset += buffer.write(chunk, offset, sizes[i] ?? 0, this.#ascii[i] === true ? 'latin1' : 'utf8');
    });
    return allAscii ? buffer.toString('latin1') : buffer.toString('utf8');
  }
}
