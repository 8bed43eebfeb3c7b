/**
 * A strict JSON parser for wire documents. It exists instead of `JSON.parse` because Java longs
 * (e.g. `constraints.limit`) must survive exactly: integers beyond 2^53 come back as `bigint`.
 * It also bounds nesting depth so hostile input cannot overflow the stack.
 */
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

/** Parses a JSON document (text or UTF-8 bytes); throws `ProtocolError` at path `$` on malformed input. */
export function parseJson(input: string | Uint8Array): JsonValue {
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
  return new JsonParser(text).document();
}

class JsonParser {
  readonly #text: string;
  #pos = 0;
  /** Position of the next backslash at or after the last search; scanning again per string would be quadratic. */
  #nextBackslash = -2;

  constructor(text: string) {
    this.#text = text;
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
        return this.#fail(Number.isNaN(c) ? 'the document ends early' : `unexpected character ${JSON.stringify(this.#text[this.#pos])}`);
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
    const end = text.indexOf('"', start);
    if (end === -1) this.#fail('unterminated string');
    if (this.#nextBackslash !== -1 && this.#nextBackslash < start) this.#nextBackslash = text.indexOf('\\', start);
    const backslash = this.#nextBackslash;
    if (backslash === -1 || backslash > end) {
      // Raw control characters are tolerated here (not re-checked) because scanning multi-megabyte
      // base64 members for them would cost more than decoding them; they are data, never syntax.
      this.#pos = end + 1;
      return text.slice(start, end);
    }
    return this.#escapedString(start);
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
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
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
