/**
 * Codec combinators: each wire shape is declared once, as an ordered list of members, and that one
 * declaration both reads (leniently: any member order, every error naming its JSON path) and
 * writes (strictly: Java's member order, `@type` first). Members that only exist from some serde
 * version on also tell the reader which versions a document can belong to.
 */
import { decodeBase64 } from './base64.js';
import type { DecodedBase64, JsonObject, JsonValue } from './json-reader.js';
import type { JsonSink } from './json-writer.js';
import { ProtocolError, elementPath, memberPath } from './protocol-error.js';

/** The oldest and newest serde versions this codec reads and writes. */
export const OLDEST_SERDE_VERSION = 2;
export const NEWEST_SERDE_VERSION = 6;

/**
 * State of one decode: the range of serde versions the document read so far is consistent with.
 * Java's CompositeHandler tries versions newest first and keeps the first that parses, so the
 * answer is the top of this range.
 */
export class ReadContext {
  #lowest: number;
  #lowestWhy: string;
  #highest: number;
  #highestWhy: string;
  #decoded: readonly DecodedBase64[] = [];

  constructor(lowest = OLDEST_SERDE_VERSION, highest = NEWEST_SERDE_VERSION, why = 'the caller') {
    this.#lowest = lowest;
    this.#highest = highest;
    this.#lowestWhy = why;
    this.#highestWhy = why;
  }

  /** The newest serde version consistent with everything read. */
  get newestVersion(): number {
    return this.#highest;
  }

  /** Base64 strings the parser already decoded (`parseJsonDecodingBase64`). */
  useDecoded(decoded: readonly DecodedBase64[]): void {
    this.#decoded = decoded;
  }

  /** The bytes of base64 member `text` at `path`: those the parser decoded, else decoded now. */
  base64(text: string, path: string): Uint8Array {
    for (const entry of this.#decoded) if (entry.text === text) return entry.bytes;
    return decodeBase64(text, path);
  }

  /** Narrows the version range; `reason` says what in the document implies it. */
  require(lowest: number, highest: number, path: string, reason: string): void {
    if (lowest > this.#lowest) {
      this.#lowest = lowest;
      this.#lowestWhy = reason;
    }
    if (highest < this.#highest) {
      this.#highest = highest;
      this.#highestWhy = reason;
    }
    if (this.#lowest > this.#highest) {
      throw new ProtocolError(
        path,
        `mixes serde versions: ${this.#lowestWhy} needs version ≥ ${this.#lowest}, but ${this.#highestWhy} needs version ≤ ${this.#highest}`,
      );
    }
  }
}

/** State of one encode. */
export interface WriteContext {
  readonly serDeVersion: number;
  /** Where the document's text goes. */
  readonly out: JsonSink;
}

/** Reads one JSON value into a model value and writes it back as compact JSON text. */
export interface Codec<T> {
  /** What the member must be, for error messages ("a string", "an object"). */
  readonly expected: string;
  read(value: JsonValue, path: string, ctx: ReadContext): T;
  /** Appends the value's JSON to `ctx.out`. */
  write(value: T, path: string, ctx: WriteContext): void;
}

/** Describes a JSON value's kind for "expected X, found Y" messages. */
export function describeJson(value: JsonValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return 'a number';
  }
}

/** Throws the standard "must be X" error. */
export function mismatch(path: string, expected: string, found: JsonValue | undefined): never {
  throw new ProtocolError(path, `must be ${expected}, found ${describeJson(found)}`);
}

/** A JSON object (not null, not an array). */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const string: Codec<string> = {
  expected: 'a string',
  read: (value, path) => (typeof value === 'string' ? value : mismatch(path, 'a string', value)),
  write: (value, _path, ctx) => ctx.out.text(JSON.stringify(value)),
};

export const boolean: Codec<boolean> = {
  expected: 'a boolean',
  read: (value, path) => (typeof value === 'boolean' ? value : mismatch(path, 'a boolean', value)),
  write: (value, _path, ctx) => ctx.out.text(value ? 'true' : 'false'),
};

/** A Java `int`. */
export const int32: Codec<number> = {
  expected: 'a 32-bit integer',
  read: (value, path) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff)
      return mismatch(path, 'a 32-bit integer', value);
    return value;
  },
  write: (value, path, ctx) => {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff)
      throw new ProtocolError(path, `must be a 32-bit integer to encode, got ${value}`);
    ctx.out.text(String(value));
  },
};

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** A Java `long`, exactly, as a bigint. */
export const int64: Codec<bigint> = {
  expected: 'a 64-bit integer',
  read: (value, path) => {
    const n =
      typeof value === 'bigint'
        ? value
        : typeof value === 'number' && Number.isInteger(value)
          ? BigInt(value)
          : mismatch(path, 'a 64-bit integer', value);
    if (n < LONG_MIN || n > LONG_MAX) throw new ProtocolError(path, `must fit a 64-bit integer, found ${n}`);
    return n;
  },
  write: (value, path, ctx) => {
    if (value < LONG_MIN || value > LONG_MAX)
      throw new ProtocolError(path, `must fit a 64-bit integer to encode, got ${value}`);
    ctx.out.text(value.toString());
  },
};

/** A non-negative Java `long` sent as a JSON string of decimal digits (ReadRecordsRequest block sizes). */
export const sizeString: Codec<number> = {
  expected: 'a string holding a byte count',
  read: (value, path) => {
    if (typeof value !== 'string' || !/^-?\d{1,19}$/.test(value))
      return mismatch(path, 'a string holding a decimal integer', value);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new ProtocolError(path, `must be a byte count between 0 and 2^53, found "${value}"`);
    return n;
  },
  write: (value, path, ctx) => {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new ProtocolError(path, `must be a non-negative integer to encode, got ${value}`);
    ctx.out.text(`"${value}"`);
  },
};

/** One of a fixed set of strings (a Java enum, matched exactly as `Enum.valueOf` does). */
export function oneOf<const T extends string>(values: readonly T[]): Codec<T> {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  const allowed = new Set<string>(values);
  return {
    expected,
    read: (value, path) =>
      typeof value === 'string' && allowed.has(value) ? (value as T) : mismatch(path, expected, value),
    write: (value, path, ctx) => {
      if (!allowed.has(value))
        throw new ProtocolError(path, `must be ${expected} to encode, got ${JSON.stringify(value)}`);
      ctx.out.text(JSON.stringify(value));
    },
  };
}

/** `codec`, or JSON `null`. */
export function nullable<T>(codec: Codec<T>): Codec<T | null> {
  const expected = `${codec.expected} or null`;
  return {
    expected,
    read: (value, path, ctx) => (value === null ? null : codec.read(value, path, ctx)),
    write: (value, path, ctx) => (value === null ? ctx.out.text('null') : codec.write(value, path, ctx)),
  };
}

/** A JSON array of `codec`. */
export function arrayOf<T>(codec: Codec<T>): Codec<readonly T[]> {
  const expected = `an array of ${codec.expected.replace(/^an? /, '')}`;
  return {
    expected,
    read: (value, path, ctx) => {
      if (!Array.isArray(value)) return mismatch(path, expected, value);
      return value.map((item, index) => codec.read(item, elementPath(path, index), ctx));
    },
    write: (value, path, ctx) => {
      ctx.out.text('[');
      value.forEach((item, index) => {
        if (index > 0) ctx.out.text(',');
        codec.write(item, elementPath(path, index), ctx);
      });
      ctx.out.text(']');
    },
  };
}

/** A JSON object used as a map (Java `Map<String, T>`); keys are data, so `__proto__` is safe. */
export function mapOf<T>(codec: Codec<T>): Codec<Readonly<Record<string, T>>> {
  const expected = `an object of ${codec.expected.replace(/^an? /, '')} values`;
  return {
    expected,
    read: (value, path, ctx) => {
      if (!isJsonObject(value)) return mismatch(path, expected, value);
      const out = Object.create(null) as Record<string, T>;
      for (const key of Object.keys(value)) out[key] = codec.read(value[key] as JsonValue, memberPath(path, key), ctx);
      return out;
    },
    write: (value, path, ctx) => {
      let separator = '{';
      for (const key of Object.keys(value)) {
        ctx.out.text(`${separator}${JSON.stringify(key)}:`);
        codec.write(value[key] as T, memberPath(path, key), ctx);
        separator = ',';
      }
      ctx.out.text(separator === '{' ? '{}' : '}');
    },
  };
}

/** One member of a JSON object, in Java write order. */
export interface MemberSpec<T, K extends keyof T & string = keyof T & string> {
  readonly key: K;
  readonly codec: Codec<Exclude<T[K], undefined>>;
  /** First serde version whose Java serde writes and requires this member (default: all). */
  readonly since?: number;
  /** The Java reader tolerates its absence even in versions that write it. */
  readonly optional?: boolean;
  /** Value when absent (needed with `since` or `optional`); may look at members read before it. */
  readonly fallback?: (partial: Partial<T>, path: string) => T[K];
  /** Value written when the model leaves the member out (default: `fallback`). */
  readonly writeFallback?: () => T[K];
  /** Whether a value may be left out when encoding a version that predates the member. */
  readonly isDefault?: (value: T[K]) => boolean;
}

/** Helper that keeps member specs type-checked against the model interface. */
export function member<T, K extends keyof T & string>(spec: MemberSpec<T, K>): MemberSpec<T> {
  return spec as unknown as MemberSpec<T>;
}

/** Options of an object codec. */
export interface RecordOptions<T> {
  /** Unknown members are an error (Java closes nested objects strictly); top-level messages ignore them. */
  readonly strict: boolean;
  /** First serde version that has this object at all. */
  readonly since?: number;
  /** Extra validation after every member is read. */
  readonly check?: (value: T, path: string) => void;
  /** What the object is, for messages. */
  readonly name: string;
}

/** A JSON object with a fixed, ordered set of members. */
export function record<T>(members: readonly MemberSpec<T>[], options: RecordOptions<T>): Codec<T> {
  const known = new Set(members.map((m) => m.key as string));
  const keys = new Map(members.map((m) => [m.key as string, JSON.stringify(m.key)]));
  const expected = `an object (${options.name})`;
  return {
    expected,
    read(value, path, ctx) {
      if (!isJsonObject(value)) return mismatch(path, expected, value);
      if (options.since !== undefined) ctx.require(options.since, NEWEST_SERDE_VERSION, path, `${options.name}`);
      const out: Partial<T> = {};
      const target = out as Record<string, unknown>;
      for (const spec of members) {
        const at = memberPath(path, spec.key);
        const since = spec.since ?? OLDEST_SERDE_VERSION;
        if (Object.hasOwn(value, spec.key)) {
          if (since > OLDEST_SERDE_VERSION) ctx.require(since, NEWEST_SERDE_VERSION, at, `member ${at}`);
          target[spec.key] = spec.codec.read(value[spec.key] as JsonValue, at, ctx);
          continue;
        }
        if (spec.fallback === undefined) throw new ProtocolError(at, `is missing (must be ${spec.codec.expected})`);
        if (!spec.optional) ctx.require(OLDEST_SERDE_VERSION, since - 1, at, `the absence of ${at}`);
        const fallback = spec.fallback(out, at);
        if (fallback !== undefined) target[spec.key] = fallback;
      }
      if (options.strict) {
        for (const key of Object.keys(value)) {
          if (!known.has(key)) throw new ProtocolError(memberPath(path, key), `is not a member of ${options.name}`);
        }
      }
      const result = out as T;
      options.check?.(result, path);
      return result;
    },
    write(value, path, ctx) {
      if (options.since !== undefined && ctx.serDeVersion < options.since) {
        throw new ProtocolError(
          path,
          `${options.name} does not exist in serDe version ${ctx.serDeVersion} (needs ${options.since}+)`,
        );
      }
      let separator = '{';
      const add = <V>(codec: Codec<V>, v: V, at: string, key: string) => {
        ctx.out.text(`${separator}${keys.get(key)}:`);
        codec.write(v, at, ctx);
        separator = ',';
      };
      for (const spec of members) {
        const v = value[spec.key];
        const at = memberPath(path, spec.key);
        if ((spec.since ?? OLDEST_SERDE_VERSION) > ctx.serDeVersion) {
          if (spec.isDefault?.(v) ?? v === undefined) continue;
          throw new ProtocolError(
            at,
            `cannot be encoded in serDe version ${ctx.serDeVersion} (it exists from version ${spec.since ?? OLDEST_SERDE_VERSION}); it would be dropped`,
          );
        }
        const present = v === undefined ? (spec.writeFallback?.() ?? spec.fallback?.(value, at)) : v;
        if (present === undefined) {
          if (spec.fallback === undefined) throw new ProtocolError(at, `is missing (must be ${spec.codec.expected})`);
          continue;
        }
        add(spec.codec, present as Exclude<T[keyof T & string], undefined>, at, spec.key);
      }
      ctx.out.text(separator === '{' ? '{}' : '}');
    },
  };
}

/** A fixed string; used for `@type`. */
export function literal<const T extends string>(text: T): Codec<T> {
  return oneOf([text]);
}

/** A polymorphic object chosen by its `@type` member (the Java simple class name). */
export function polymorphic<T extends { readonly '@type': string }>(
  name: string,
  codecs: { readonly [K in T['@type']]: Codec<Extract<T, { '@type': K }>> },
): Codec<T> {
  const table = codecs as Readonly<Record<string, Codec<T>>>;
  const typeNames = Object.keys(table);
  const expected = `an object (${name})`;
  return {
    expected,
    read(value, path, ctx) {
      if (!isJsonObject(value)) return mismatch(path, expected, value);
      const type = value['@type'];
      const at = memberPath(path, '@type');
      if (type === undefined) throw new ProtocolError(at, `is missing (${name} needs one of ${typeNames.join(', ')})`);
      if (typeof type !== 'string') return mismatch(at, 'a string', type);
      const codec = Object.hasOwn(table, type) ? table[type] : undefined;
      if (codec === undefined)
        throw new ProtocolError(
          at,
          `${JSON.stringify(type)} is not a known ${name} (expected one of ${typeNames.join(', ')})`,
        );
      return codec.read(value, path, ctx);
    },
    write(value, path, ctx) {
      const type = value['@type'];
      const codec = Object.hasOwn(table, type) ? table[type] : undefined;
      if (codec === undefined)
        throw new ProtocolError(memberPath(path, '@type'), `${JSON.stringify(type)} is not a known ${name}`);
      return codec.write(value, path, ctx);
    },
  };
}

/** Empty-map test used for members that default to `{}`. */
export function isEmptyMap(value: unknown): boolean {
  return value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
}

/** Empty-array test used for members that default to `[]`. */
export function isEmptyArray(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0);
}
