/**
 * Query results cross from DuckDB's thread as structured clones, which keep numbers, bigints,
 * strings, arrays and byte arrays but drop classes: a DuckDB decimal would arrive as a bare
 * `{ width, scale, value }` without its `toString`. Each value is sent as a tagged tree that names
 * the class of every DuckDB value in it, and rebuilt with the same class on the other side, so
 * callers get exactly what `getRows()` returns where the query ran.
 */
import * as duckdbApi from '@duckdb/node-api';

/** A value ready for `postMessage`: primitives as they are, everything else tagged. */
export type PortableValue = null | undefined | string | number | bigint | boolean | ArrayBufferView | PortableNode;
type PortableNode =
  | { readonly array: readonly PortableValue[] }
  | { readonly buffer: Uint8Array }
  | { readonly object: Readonly<Record<string, PortableValue>> }
  | { readonly instance: string; readonly fields: Readonly<Record<string, PortableValue>> };

/** The node-api value classes by name (DuckDBDecimalValue, DuckDBListValue, …). */
const valueClasses = new Map<string, { prototype: object }>();
for (const [name, exported] of Object.entries(duckdbApi) as [string, unknown][]) {
  if (/^DuckDB\w*Value$/.test(name) && typeof exported === 'function')
    valueClasses.set(name, exported as { prototype: object });
}

const portableFields = (value: object) =>
  Object.fromEntries(Object.entries(value).map(([key, field]) => [key, toPortable(field)]));

/** Tags `value` (a DuckDB result value, possibly nested) for the trip to the other thread. */
export function toPortable(value: unknown): PortableValue {
  if (
    value === null ||
    value === undefined ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'boolean'
  )
    return value;
  if (typeof value !== 'object')
    throw new Error(`A query result holds a ${typeof value}, which cannot leave DuckDB's thread`);
  // A clone of a Buffer arrives as a plain Uint8Array (DuckDB's blobs hold Buffers).
  if (Buffer.isBuffer(value)) return { buffer: new Uint8Array(value) };
  if (ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return { array: value.map(toPortable) };
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return { object: portableFields(value) };
  const name = (value as { constructor?: { name?: string } }).constructor?.name ?? '';
  if (!valueClasses.has(name))
    throw new Error(`A query result holds a ${name || 'class instance'}, which cannot leave DuckDB's thread`);
  return { instance: name, fields: portableFields(value) };
}

const restoredFields = (fields: Readonly<Record<string, PortableValue>>) =>
  Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, fromPortable(field)]));

/** Rebuilds what {@link toPortable} tagged, with DuckDB's classes. */
export function fromPortable(value: PortableValue): unknown {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if ('array' in value) return value.array.map(fromPortable);
  if ('buffer' in value) return Buffer.from(value.buffer.buffer, value.buffer.byteOffset, value.buffer.byteLength);
  if ('object' in value) return restoredFields(value.object);
  const valueClass = valueClasses.get(value.instance);
  if (valueClass === undefined)
    throw new Error(`A query result names ${value.instance}, which is not a DuckDB value class`);
  return Object.assign(Object.create(valueClass.prototype) as object, restoredFields(value.fields));
}
