/**
 * A strict JSON parser for wire documents. It exists instead of `JSON.parse` because Java longs
 * (e.g. `constraints.limit`) must survive exactly: integers beyond 2^53 come back as `bigint`.
 * It also bounds nesting depth so hostile input cannot overflow the stack.
 */
import { BASE64_PIECE, base64DecodedLength } from './base64.js';
import { ProtocolError } from './protocol-error.js';

/** A parsed JSON value. Objects have no prototype, so a member named `__proto__` is just data. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;
/** A parsed JSON object. */
export interface JsonObject {
  [member: string]: JsonValue;
}

const MAX_DEPTH = 256;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const numberPattern = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** A long string the parser found to be base64 and decoded while finding its end. */
export interface DecodedBase64 {
  /** The string's value (also in the parsed tree). */
  readonly text: string;
  readonly bytes: Uint8Array;
}

/** A parsed document and the bytes of its long base64 strings. */
export interface ParsedDocument {
  readonly value: JsonValue;
  readonly decoded: readonly DecodedBase64[];
}

/** Parses a JSON document (text or UTF-8 bytes); throws `ProtocolError` at path `$` on malformed input. */
export function parseJson(input: string | Uint8Array): JsonValue {
  return new JsonParser(documentText(input), false).document();
}

/**
 * Parses like {@link parseJson}, and decodes every string longer than one base64 piece that is
 * base64 as it looks for the string's end. A block's records are megabytes of base64: finding their
 * closing quote and decoding them afterwards would read them from memory twice; piece by piece,
 * the decoder reads what the search just brought into cache. A string that turns out not to be
 * base64 is parsed as any other (the decoded part is discarded).
 */
export function parseJsonDecodingBase64(input: string | Uint8Array): ParsedDocument {
  const parser = new JsonParser(documentText(input), true);
  const value = parser.document();
  return { value, decoded: parser.decoded };
}

/** The text of a wire document given as text or UTF-8 bytes; throws `ProtocolError` at `$` when the bytes are not UTF-8. */
function documentText(input: string | Uint8Array): string {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = utf8.decode(input);
    } catch (cause) {
      throw new ProtocolError('$', 'the document is not valid UTF-8', { cause });
    }
  }
  return text;
}

/** Decoded bytes of a long string's first base64 piece, while it is not yet known to be base64 throughout. */
const firstPiece = Buffer.allocUnsafeSlow((BASE64_PIECE / 4) * 3);

/** Whether `text[start, end)` holds a backslash; bounded, unlike `indexOf`, so it never reads past a short string. */
function hasBackslash(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === 0x5c) return true;
  return false;
}

class JsonParser {
  readonly #text: string;
  readonly #decodeBase64: boolean;
  #pos = 0;
  readonly decoded: DecodedBase64[] = [];

  constructor(text: string, decodeBase64: boolean) {
    this.#text = text;
    this.#decodeBase64 = decodeBase64;
  }

  document(): JsonValue {
    this.#skipSpace();
    const value = this.#value(0);
    this.#skipSpace();
    if (this.#pos !== this.#text.length) this.#fail('unexpected text after the JSON document');
    return value;
  }

  #fail(detail: string): never {
    const at = this.#pos >= this.#text.length ? 'the end' : `offset ${this.#pos}`;
    throw new ProtocolError('$', `malformed JSON at ${at}: ${detail}`);
  }

  #skipSpace(): void {
    const text = this.#text;
    let pos = this.#pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
    this.#pos = pos;
  }

  #value(depth: number): JsonValue {
    const c = this.#text.charCodeAt(this.#pos);
    switch (c) {
      case 0x7b: // {
        return this.#object(depth + 1);
      case 0x5b: // [
        return this.#array(depth + 1);
      case 0x22: // "
        return this.#string();
      case 0x74: // t
        return this.#literal('true', true);
      case 0x66: // f
        return this.#literal('false', false);
      case 0x6e: // n
        return this.#literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.#number();
        return this.#fail(
          Number.isNaN(c) ? 'the document ends early' : `unexpected character ${JSON.stringify(this.#text[this.#pos])}`,
        );
    }
  }

  #literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.#text.startsWith(word, this.#pos)) this.#fail(`expected ${word}`);
    this.#pos += word.length;
    return value;
  }

  #number(): number | bigint {
    numberPattern.lastIndex = this.#pos;
    const match = numberPattern.exec(this.#text);
    if (match === null) return this.#fail('invalid number');
    const raw = match[0];
    this.#pos += raw.length;
    if (match[1] === undefined && match[2] === undefined) {
      const n = Number(raw);
      return Number.isSafeInteger(n) ? n : BigInt(raw);
    }
    return Number(raw);
  }

  #string(): string {
    const text = this.#text;
    const start = this.#pos + 1;
    if (this.#decodeBase64 && text.length - start > BASE64_PIECE) {
      const decoded = this.#base64String(start);
      if (decoded !== undefined) return decoded;
    }
    const end = text.indexOf('"', start);
    if (end === -1) this.#fail('unterminated string');
    if (end - start > 4096 ? !text.slice(start, end).includes('\\') : !hasBackslash(text, start, end)) {
      // Raw control characters are tolerated here (not re-checked) because scanning multi-megabyte
      // base64 members for them would cost more than decoding them; they are data, never syntax.
      this.#pos = end + 1;
      return text.slice(start, end);
    }
    return this.#escapedString(start);
  }

  /**
   * The string at `start` when it is longer than one piece and all base64, its bytes decoded on the
   * way; `undefined` otherwise. A base64 string holds no backslash, so its text is its value.
   */
  #base64String(start: number): string | undefined {
    const text = this.#text;
    const first = text.slice(start, start + BASE64_PIECE);
    if (first.includes('"') || text.charCodeAt(start + BASE64_PIECE) === 0x22) return undefined;
    // The first piece is decoded into a reused buffer before anything is allocated for the whole, so
    // a long string that is not base64 (usually found in its first bytes) costs no large allocation.
    const firstBytes = (BASE64_PIECE / 4) * 3;
    if (firstPiece.write(first, 0, firstBytes, 'base64') !== firstBytes) return undefined;
    // Most of the rest of the document, at most; only the pages written are ever touched.
    const bytes = Buffer.allocUnsafe(Math.floor(((text.length - start) * 3) / 4));
    firstPiece.copy(bytes, 0, 0, firstBytes);
    let written = firstBytes;
    for (let at = start + BASE64_PIECE; ; at += BASE64_PIECE) {
      const piece = text.slice(at, at + BASE64_PIECE);
      let quote = piece.indexOf('"');
      if (quote === -1) {
        if (piece.length < BASE64_PIECE) return undefined;
        // The string may end exactly where the piece does (and then with its padding).
        if (text.charCodeAt(at + BASE64_PIECE) === 0x22) quote = BASE64_PIECE;
      }
      const chars = quote === -1 || quote === BASE64_PIECE ? piece : piece.slice(0, quote);
      const expected = base64DecodedLength(chars);
      // A character base64 does not have (a backslash among them) makes a piece come up short.
      if (expected < 0 || (quote === -1 && expected !== (chars.length / 4) * 3)) return undefined;
      if (bytes.write(chars, written, expected, 'base64') !== expected) return undefined;
      written += expected;
      if (quote !== -1) {
        const end = at + quote;
        this.#pos = end + 1;
        const value = text.slice(start, end);
        this.decoded.push({ text: value, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, written) });
        return value;
      }
    }
  }

  #escapedString(start: number): string {
    const text = this.#text;
    let out = '';
    let pos = start;
    let run = pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (Number.isNaN(c)) {
        this.#pos = pos;
        this.#fail('unterminated string');
      }
      if (c === 0x22) break;
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(run, pos);
      const e = text[pos + 1];
      pos += 2;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = text.slice(pos, pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.#pos = pos;
            this.#fail('invalid \\u escape');
          }
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 4;
          break;
        }
        default:
          this.#pos = pos - 2;
          this.#fail('invalid escape');
      }
      run = pos;
    }
    out += text.slice(run, pos);
    this.#pos = pos + 1;
    return out;
  }

  #array(depth: number): JsonValue[] {
    if (depth > MAX_DEPTH) this.#fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.#pos++;
    const items: JsonValue[] = [];
    this.#skipSpace();
    if (this.#text.charCodeAt(this.#pos) === 0x5d) {
      this.#pos++;
      return items;
    }
    for (;;) {
      this.#skipSpace();
      items.push(this.#value(depth));
      this.#skipSpace();
      const c = this.#text.charCodeAt(this.#pos++);
      if (c === 0x5d) return items;
      if (c !== 0x2c) {
        this.#pos--;
        this.#fail('expected , or ] in an array');
      }
    }
  }

  #object(depth: number): JsonObject {
    if (depth > MAX_DEPTH) this.#fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.#pos++;
    const object = Object.create(null) as JsonObject;
    this.#skipSpace();
    if (this.#text.charCodeAt(this.#pos) === 0x7d) {
      this.#pos++;
      return object;
    }
    for (;;) {
      this.#skipSpace();
      if (this.#text.charCodeAt(this.#pos) !== 0x22) this.#fail('expected a member name');
      const name = this.#string();
      if (Object.hasOwn(object, name)) this.#fail(`duplicate member ${JSON.stringify(name)}`);
      this.#skipSpace();
      if (this.#text.charCodeAt(this.#pos) !== 0x3a) this.#fail('expected : after a member name');
      this.#pos++;
      this.#skipSpace();
      object[name] = this.#value(depth);
      this.#skipSpace();
      const c = this.#text.charCodeAt(this.#pos++);
      if (c === 0x7d) return object;
      if (c !== 0x2c) {
        this.#pos--;
        this.#fail('expected , or } in an object');
      }
    }
  }
}
