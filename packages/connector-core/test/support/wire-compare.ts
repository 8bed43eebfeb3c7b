/**
 * Compares two wire documents the way the conformance tests need: member order and values must be
 * identical at every level, while Arrow payloads are compared by decoded content (schema fields,
 * types, nullability, every value), because apache-arrow and Arrow Java lay out bytes differently.
 */
import { type Field, type RecordBatch, type Schema, type Vector, RecordBatchReader } from 'apache-arrow';
import { expect } from 'vitest';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const arrowSchemaMembers = new Set(['schema', 'outputSchema']);

function decodeSchema(b64: string): { bytes: Buffer; schema: Schema } {
  const bytes = Buffer.from(b64, 'base64');
  const reader = RecordBatchReader.from(bytes);
  reader.open();
  return { bytes, schema: reader.schema };
}

function decodeBatch(schemaBytes: Buffer, recordsB64: string): RecordBatch | null {
  if (recordsB64 === '') return null;
  const reader = RecordBatchReader.from(Buffer.concat([schemaBytes, Buffer.from(recordsB64, 'base64')]));
  const next = reader.next();
  if (next.done === true) throw new Error('no record batch');
  return next.value;
}

/** A plain description of a field: enough to say two schemas are the same. */
export function describeField(field: Field): unknown {
  return {
    name: field.name,
    type: String(field.type),
    nullable: field.nullable,
    metadata: Object.fromEntries(field.metadata),
    children: (field.type.children ?? []).map(describeField),
  };
}

/** Every value of a column as comparable plain data (NaN and -0 kept distinguishable). */
export function columnValues(vector: Vector | null): unknown[] {
  if (vector === null) return [];
  const out: unknown[] = [];
  for (let i = 0; i < vector.length; i++) out.push(plain(vector.get(i)));
  return out;
}

function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : Number.isNaN(value) ? 'NaN' : value;
  if (typeof value === 'bigint') return `${value}n`;
  if (
    value instanceof Uint8Array ||
    value instanceof Uint32Array ||
    value instanceof Int32Array ||
    value instanceof BigInt64Array
  )
    return Array.from(value as ArrayLike<number | bigint>, (v) => String(v));
  if (typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function')
    return plain(value.toJSON());
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Map) return [...value].map(([k, v]) => [plain(k), plain(v)]);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** Decoded content of a block `{aId, schema, records}`. */
export function describeBlock(block: { schema: string; records: string }): unknown {
  const { bytes, schema } = decodeSchema(block.schema);
  const batch = decodeBatch(bytes, block.records);
  return {
    fields: schema.fields.map(describeField),
    rows: batch?.numRows ?? 0,
    columns: schema.fields.map((_, i) => columnValues(batch?.getChildAt(i) ?? null)),
  };
}

function isBlock(value: Json): value is { aId: string; schema: string; records: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof value['schema'] === 'string' &&
    typeof value['records'] === 'string' &&
    'aId' in value
  );
}

function compare(actual: Json, expected: Json, path: string): void {
  if (isBlock(expected)) {
    expect(isBlock(actual), `${path} is a block`).toBe(true);
    expect(Object.keys(actual as object), `${path} member order`).toEqual(Object.keys(expected));
    expect((actual as { aId: string }).aId, `${path}.aId`).toBe(expected.aId);
    expect(describeBlock(actual as { schema: string; records: string }), `${path} Arrow content`).toEqual(
      describeBlock(expected),
    );
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true);
    const items = actual as Json[];
    expect(items.length, `${path} length`).toBe(expected.length);
    expected.forEach((item, i) => {
      compare(items[i] as Json, item, `${path}[${i}]`);
    });
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    expect(typeof actual === 'object' && actual !== null && !Array.isArray(actual), `${path} is an object`).toBe(true);
    const object = actual as { [key: string]: Json };
    expect(Object.keys(object), `${path} member order`).toEqual(Object.keys(expected));
    for (const key of Object.keys(expected)) {
      const at = `${path}.${key}`;
      const e = expected[key] as Json;
      const a = object[key] as Json;
      if (arrowSchemaMembers.has(key) && typeof e === 'string') {
        expect(typeof a, `${at} is a string`).toBe('string');
        expect(decodeSchema(a as string).schema.fields.map(describeField), `${at} Arrow schema`).toEqual(
          decodeSchema(e).schema.fields.map(describeField),
        );
      } else {
        compare(a, e, at);
      }
    }
    return;
  }
  expect(actual, path).toEqual(expected);
}

/**
 * Asserts that `actualText` is the same wire document as `expectedText`: identical member order and
 * values, Arrow payloads equal by content. Members the expected document lacks are not allowed.
 */
export function expectSameWire(actualText: string, expectedText: string, ignoreTopLevel: readonly string[] = []): void {
  const expected = JSON.parse(expectedText) as { [key: string]: Json };
  for (const key of ignoreTopLevel) delete expected[key];
  compare(JSON.parse(actualText) as Json, expected, '$');
}
