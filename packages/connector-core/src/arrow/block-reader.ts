// Reads Arrow vectors back into plain JS values with the SDK's conventions (exact decimal strings,
// bigint int64s, unpacked zone-carrying timestamps). apache-arrow's own `get` returns packed
// timestamps as if they were plain millis and decimals as raw words, so this module reads the
// buffers directly; it serves tests, constraint evaluation and UDF inputs, not the hot write path.

import { DataType, DateUnit, Precision, TimeUnit, type Data, type RecordBatch, type Vector } from 'apache-arrow';

import { formatDecimal, readDecimal128 } from './decimal.js';
import { unpackTimestampWithZone } from './time-zone-key.js';

/** A Timestamp(MILLISECOND, tz) value: the UTC instant and the zone it was written with. */
export interface TimestampWithZone {
  readonly epochMillis: number;
  readonly zoneId: string;
}

/** `ignoreBOM`: a leading U+FEFF is part of the value, not a byte-order mark to strip. */
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Reads the value at `index` of `vector`:
 * Bool → boolean; Int8/16/32 → number; Int64 → bigint; Float32/64 → number; Decimal → plain string
 * with exactly `scale` fraction digits; Utf8 → string; Binary → Uint8Array (a copy);
 * DateDay → days (number); DateMillisecond → epoch millis (number); Timestamp(MILLISECOND, tz) →
 * {@link TimestampWithZone}; Timestamp(MICROSECOND) → epoch micros (bigint); List → array;
 * Struct → plain object; Map → `Map`; null → null.
 *
 * @throws {RangeError} if `index` is out of bounds, or a value has no exact JS form (a DateMillisecond
 *   beyond ±2^53, a packed timestamp with an unknown zone key).
 * @throws {TypeError} for Arrow types Athena connectors do not use.
 */
export function readValue(vector: Vector, index: number): unknown {
  if (!Number.isInteger(index) || index < 0 || index >= vector.length) {
    throw new RangeError(`Index ${index} is out of bounds for a vector of length ${vector.length}`);
  }
  let position = index;
  for (const data of vector.data) {
    if (position < data.length) return readDataValue(data, position);
    position -= data.length;
  }
  throw new RangeError(`Index ${index} is out of bounds for a vector of length ${vector.length}`);
}

/** All rows of `batch`, each an array of {@link readValue}-convention values in schema order. */
export function readRows(batch: RecordBatch): unknown[][] {
  const rowCount = batch.numRows;
  const columns = batch.data.children;
  const rows: unknown[][] = [];
  for (let row = 0; row < rowCount; row++) {
    const values = new Array<unknown>(columns.length);
    for (let column = 0; column < columns.length; column++) {
      values[column] = readDataValue(columns[column] as Data, row);
    }
    rows.push(values);
  }
  return rows;
}

/**
 * Reads slot `index` of one Data chunk. apache-arrow slices `values` and `valueOffsets` when it
 * slices Data, but not bit-packed buffers, so only validity and Bool bits add `data.offset`.
 */
function readDataValue(data: Data, index: number): unknown {
  if (!data.getValid(index)) return null;
  const type = data.type;
  if (DataType.isBool(type)) {
    const bit = data.offset + index;
    return (((data.values as Uint8Array)[bit >> 3] ?? 0) & (1 << (bit & 7))) !== 0;
  }
  if (DataType.isInt(type)) {
    const value: unknown = (data.values as ArrayLike<unknown>)[index];
    return type.bitWidth === 64 ? value : Number(value);
  }
  if (DataType.isFloat(type) && type.precision !== Precision.HALF) {
    return (data.values as Float32Array | Float64Array)[index];
  }
  if (DataType.isDecimal(type) && type.bitWidth === 128) {
    return formatDecimal(readDecimal128(data.values as Uint32Array, index), type.scale);
  }
  if (DataType.isUtf8(type)) {
    return utf8Decoder.decode(variableWidthBytes(data, index));
  }
  if (DataType.isBinary(type)) {
    return new Uint8Array(variableWidthBytes(data, index));
  }
  if (DataType.isDate(type)) {
    if (type.unit === DateUnit.DAY) return (data.values as Int32Array)[index];
    return exactNumber((data.values as BigInt64Array)[index] ?? 0n, 'DateMillisecond');
  }
  if (DataType.isTimestamp(type)) {
    const value = (data.values as BigInt64Array)[index] ?? 0n;
    if (type.unit === TimeUnit.MILLISECOND && typeof type.timezone === 'string') {
      const { epochMillis, zoneId } = unpackTimestampWithZone(value);
      return { epochMillis: Number(epochMillis), zoneId } satisfies TimestampWithZone;
    }
    if (type.unit === TimeUnit.MICROSECOND) return value;
  }
  if (DataType.isList(type)) {
    const { start, end } = offsetRange(data, index);
    const child = data.children[0] as Data;
    const items = new Array<unknown>(end - start);
    for (let item = start; item < end; item++) items[item - start] = readDataValue(child, item);
    return items;
  }
  if (DataType.isStruct(type)) {
    const record: Record<string, unknown> = {};
    type.children.forEach((field, child) => {
      const value = readDataValue(data.children[child] as Data, index);
      // A field literally named __proto__ must become an own property, not the prototype.
      if (field.name === '__proto__') {
        Object.defineProperty(record, field.name, { value, enumerable: true, writable: true, configurable: true });
      } else {
        record[field.name] = value;
      }
    });
    return record;
  }
  if (DataType.isMap(type)) {
    const { start, end } = offsetRange(data, index);
    const entries = data.children[0] as Data;
    const keys = entries.children[0] as Data;
    const values = entries.children[1] as Data;
    const map = new Map<unknown, unknown>();
    for (let entry = start; entry < end; entry++) map.set(readDataValue(keys, entry), readDataValue(values, entry));
    return map;
  }
  throw new TypeError(`Cannot read Arrow type ${String(type)}: Athena connectors do not use it`);
}

function offsetRange(data: Data, index: number): { start: number; end: number } {
  const offsets = data.valueOffsets as Int32Array;
  return { start: offsets[index] ?? 0, end: offsets[index + 1] ?? 0 };
}

function variableWidthBytes(data: Data, index: number): Uint8Array {
  const { start, end } = offsetRange(data, index);
  return (data.values as Uint8Array).subarray(start, end);
}

function exactNumber(value: bigint, what: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) {
    throw new RangeError(`${what} value ${value} cannot be read as an exact JS number`);
  }
  return number;
}
