/**
 * Builds one JSON document as bytes in a reused buffer and turns it into a string once. Response
 * documents are mostly one multi-megabyte base64 member: holding it as strings first (megabytes of
 * fresh memory each, then joined or flattened) costs more than the encoding itself, so base64 is
 * written into the buffer in small pieces that die young, and the buffer's pages are never new.
 */
import { forEachBase64Piece } from './base64.js';

/**
 * Bytes of the document buffer kept between calls: encoding is synchronous, so one buffer serves
 * every document, and fresh multi-megabyte allocations (page faults and zeroing) would otherwise
 * cost as much as the copy itself.
 */
let shared: Buffer | undefined = Buffer.allocUnsafeSlow(64 * 1024);

/** Where an encoder's JSON text goes: built ({@link JsonOut}) or only measured ({@link JsonByteCounter}). */
export interface JsonSink {
  /** Appends JSON text (any Unicode). */
  text(piece: string): void;
  /** Appends text the caller guarantees is ASCII, such as base64. */
  asciiText(piece: string): void;
  /** Appends the base64 of the concatenation of `chunks` (no quotes). */
  base64(chunks: readonly Uint8Array[]): void;
}

/**
 * Counts the UTF-8 bytes a document would take without building it: base64 is counted from the
 * length of the bytes it encodes, so measuring a response costs no encoding of its Arrow data.
 */
export class JsonByteCounter implements JsonSink {
  #bytes = 0;

  get bytes(): number {
    return this.#bytes;
  }

  text(piece: string): void {
    this.#bytes += Buffer.byteLength(piece, 'utf8');
  }

  asciiText(piece: string): void {
    this.#bytes += piece.length;
  }

  base64(chunks: readonly Uint8Array[]): void {
    let length = 0;
    for (const chunk of chunks) length += chunk.byteLength;
    this.#bytes += Math.ceil(length / 3) * 4;
  }
}

/** An append-only JSON text under construction. Call {@link toString} (or {@link release}) once done. */
export class JsonOut implements JsonSink {
  #buffer: Buffer;
  /** Whether `#buffer` is the shared one, to hand back when done. */
  #borrowed: boolean;
  #length = 0;
  /** Whether every character so far is ASCII: then the bytes are also the Latin-1 text. */
  #ascii = true;

  constructor() {
    // A document built while another is (never, today) gets a buffer of its own.
    this.#borrowed = shared !== undefined;
    this.#buffer = shared ?? Buffer.allocUnsafe(4096);
    shared = undefined;
  }

  #reserve(bytes: number): void {
    const needed = this.#length + bytes;
    if (needed <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.#buffer.length * 2));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }

  /** Appends JSON text (any Unicode). */
  text(piece: string): void {
    this.#reserve(piece.length * 3);
    const written = this.#buffer.write(piece, this.#length, 'utf8');
    if (written !== piece.length) this.#ascii = false;
    this.#length += written;
  }

  /** Appends text the caller guarantees is ASCII, such as base64. */
  asciiText(piece: string): void {
    this.#reserve(piece.length);
    this.#length += this.#buffer.write(piece, this.#length, 'latin1');
  }

  /** Appends the base64 of the concatenation of `chunks` (no quotes). */
  base64(chunks: readonly Uint8Array[]): void {
    forEachBase64Piece(chunks, (piece) => this.asciiText(piece));
  }

  /** UTF-8 bytes written so far. */
  get byteLength(): number {
    return this.#length;
  }

  /** The whole document; the builder is spent afterwards. */
  toString(): string {
    const text = this.#ascii
      ? this.#buffer.toString('latin1', 0, this.#length)
      : this.#buffer.toString('utf8', 0, this.#length);
    this.release();
    return text;
  }

  /** Hands the shared buffer back (also after a failed encode); the builder is spent afterwards. */
  release(): void {
    if (this.#borrowed) shared = this.#buffer;
    this.#borrowed = false;
    this.#buffer = Buffer.alloc(0);
    this.#length = 0;
  }
}
