// Thousands of random mutations of every vector: each decode either succeeds with a complete,
// re-encodable message whose Arrow data can be read in full, or throws a ProtocolError naming a
// JSON path. Any other exception, a hang or a partial object fails the property.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RecordBatch } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Json, locations } from '../support/json-tree.js';
import {
  ProtocolError,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  readRows,
} from '../../src/index.js';

const fixtures = join(import.meta.dirname, '../fixtures');
const files = [
  ...readdirSync(join(fixtures, 'java-sdk/serde/v2')).map((f) => ({
    path: join(fixtures, 'java-sdk/serde/v2', f),
    version: 2,
  })),
  ...['PingRequest.json', 'PingResponse.json'].map((f) => ({ path: join(fixtures, 'java-sdk/serde', f), version: 2 })),
  ...['v2', 'v3', 'v4', 'v5', 'v6'].flatMap((dir) =>
    readdirSync(join(fixtures, 'spec', dir)).map((f) => ({
      path: join(fixtures, 'spec', dir, f),
      version: Number(dir.slice(1)),
    })),
  ),
]
  .filter((f) => !f.path.endsWith('LambdaFunctionException.json'))
  .map((f) => ({ ...f, text: readFileSync(f.path, 'utf8') }));

const randomJson: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.constant(''),
  fc.constant('AAAA'),
  fc.constant({} as Json),
  fc.constant([] as Json),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'add'; at: number; name: string; value: Json }
  | { kind: 'flipByte'; at: number; byte: number; xor: number }
  | { kind: 'truncateBytes'; at: number; keep: number }
  | { kind: 'truncateText'; keep: number }
  | { kind: 'insertChar'; pos: number; char: string }
  | { kind: 'deleteChar'; pos: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: randomJson }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    name: fc.oneof(fc.string(), fc.constant('__proto__'), fc.constant('@type')),
    value: randomJson,
  }),
  fc.record({
    kind: fc.constant('flipByte' as const),
    at: fc.nat(),
    byte: fc.nat(),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('flipByte' as const),
    at: fc.nat(),
    byte: fc.nat({ max: 300 }),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncateBytes' as const), at: fc.nat(), keep: fc.nat() }),
  fc.record({ kind: fc.constant('truncateText' as const), keep: fc.nat() }),
  fc.record({
    kind: fc.constant('insertChar' as const),
    pos: fc.nat(),
    char: fc.constantFrom('{', '}', '"', ',', ':', '\\', 'x', '0', ' ', '\u0000'),
  }),
  fc.record({ kind: fc.constant('deleteChar' as const), pos: fc.nat() }),
);

const isBase64ish = (s: unknown): s is string => typeof s === 'string' && s.length >= 8 && /^[A-Za-z0-9+/]+=*$/.test(s);

function apply(text: string, mutations: readonly Mutation[]): string | Json {
  let doc = JSON.parse(text) as Json;
  let asText: string | undefined;
  for (const m of mutations) {
    if (m.kind === 'truncateText' || m.kind === 'insertChar' || m.kind === 'deleteChar') {
      const t = asText ?? JSON.stringify(doc);
      asText =
        m.kind === 'truncateText'
          ? t.slice(0, m.keep % (t.length + 1))
          : m.kind === 'insertChar'
            ? t.slice(0, m.pos % (t.length + 1)) + m.char + t.slice(m.pos % (t.length + 1))
            : t.slice(0, m.pos % t.length) + t.slice((m.pos % t.length) + 1);
      continue;
    }
    if (asText !== undefined) continue;
    const all = locations(doc);
    if (m.kind === 'flipByte' || m.kind === 'truncateBytes') {
      const blobs = all.filter((l) => isBase64ish((l.parent as Record<string | number, Json>)[l.key]));
      const target = blobs[m.at % Math.max(blobs.length, 1)];
      if (target === undefined) continue;
      const holder = target.parent as Record<string | number, Json>;
      const bytes = Buffer.from(holder[target.key] as string, 'base64');
      if (m.kind === 'flipByte') bytes[m.byte % bytes.length] = (bytes[m.byte % bytes.length] ?? 0) ^ m.xor;
      holder[target.key] = (m.kind === 'flipByte' ? bytes : bytes.subarray(0, m.keep % bytes.length)).toString(
        'base64',
      );
      continue;
    }
    if (all.length === 0) {
      doc = m.kind === 'replace' ? m.value : doc;
      continue;
    }
    const target = all[m.at % all.length];
    if (target === undefined) continue;
    const holder = target.parent as Record<string | number, Json>;
    if (m.kind === 'delete') {
      if (Array.isArray(target.parent)) target.parent.splice(target.key as number, 1);
      else delete holder[target.key];
    } else if (m.kind === 'replace') {
      holder[target.key] = m.value;
    } else {
      const value = holder[target.key];
      if (value !== null && typeof value === 'object' && !Array.isArray(value))
        Object.defineProperty(value, m.name, { value: m.value, enumerable: true, writable: true, configurable: true });
    }
  }
  return asText ?? JSON.stringify(doc);
}

/**
 * Reads every value of every Arrow batch in a decoded message with core's reader, so lazily-read
 * garbage would surface. A value that is well-formed Arrow but has no exact JS form, or a type
 * connectors never use, is the reader's documented refusal, not a codec failure.
 */
function touchAll(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (value instanceof RecordBatch) {
    try {
      return readRows(value).length;
    } catch (error) {
      if (
        error instanceof RangeError &&
        /cannot be read as an exact JS number|Unknown time zone key/.test(error.message)
      )
        return 0;
      if (error instanceof TypeError && /Athena connectors do not use it/.test(error.message)) return 0;
      throw error;
    }
  }
  if (value instanceof Uint8Array) return 0;
  let n = 0;
  for (const child of Object.values(value)) n += touchAll(child, seen);
  return n;
}

describe('mutated vectors', () => {
  it('decode to a complete message or a ProtocolError with a path — never anything else', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: files.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (index, mutations) => {
          const file = files[index];
          if (file === undefined) return;
          const input = apply(file.text, mutations);
          const isRequest = file.path.includes('Request');
          try {
            if (isRequest) {
              const { request, serDeVersion } = decodeRequest(input as string);
              touchAll(request);
              const again = encodeRequest(request, serDeVersion);
              expect(encodeRequest(decodeRequest(again).request, serDeVersion)).toBe(again);
            } else {
              const response = decodeResponse(input as string, file.version);
              touchAll(response);
              const again = encodeResponse(response, file.version);
              expect(encodeResponse(decodeResponse(again, file.version), file.version)).toBe(again);
            }
            accepted++;
          } catch (error) {
            if (!(error instanceof ProtocolError)) throw error;
            expect(error.message.startsWith(`${error.path}: `)).toBe(true);
            refused++;
          }
        },
      ),
      { numRuns: 4000, seed: Number(process.env['PROPERTY_SEED'] ?? 20261127) },
    );
    // Both outcomes must actually occur, or the mutations are not exercising anything.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(1000);
  }, 120_000);
});

describe('every single-byte corruption of an Arrow block', () => {
  it('is refused as a ProtocolError or decodes to readable data', () => {
    const text = readFileSync(join(fixtures, 'spec/v3/ReadRecordsResponse.every-type.json'), 'utf8');
    const doc = JSON.parse(text) as { records: { schema: string; records: string } };
    const outcomes = { accepted: 0, refused: 0 };
    for (const member of ['schema', 'records'] as const) {
      const original = Buffer.from(doc.records[member], 'base64');
      for (let i = 0; i < original.length; i++) {
        for (const xor of [0x01, 0x80, 0xff]) {
          const bytes = Buffer.from(original);
          bytes[i] = (bytes[i] ?? 0) ^ xor;
          const mutated = { ...doc, records: { ...doc.records, [member]: bytes.toString('base64') } };
          try {
            touchAll(decodeResponse(mutated, 3));
            outcomes.accepted++;
          } catch (error) {
            if (!(error instanceof ProtocolError))
              throw new Error(`${member} byte ${i} ^ ${xor}: ${String(error)}`, { cause: error });
            outcomes.refused++;
          }
        }
      }
    }
    expect(outcomes.refused).toBeGreaterThan(100);
    expect(outcomes.accepted).toBeGreaterThan(100);
  }, 120_000);
});
