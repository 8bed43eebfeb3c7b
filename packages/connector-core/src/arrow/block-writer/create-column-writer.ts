// Picks the column writer for each field of a schema, refusing types Athena connectors do not support.

import { DataType, DateUnit, Precision, TimeUnit, type Field } from 'apache-arrow';

import { MAX_DECIMAL128_PRECISION } from '../decimal.js';
import { describeType, type ColumnWriter, type RowCursor } from './column-writer.js';
import { BigIntWriter, BoolWriter, DecimalWriter, FloatWriter, SmallIntWriter } from './fixed-width.js';
import { ListWriter, MapWriter, StructWriter } from './nested.js';
import {
  DateDayWriter,
  DateMillisecondWriter,
  TimestampMicrosecondWriter,
  TimestampMillisecondWriter,
} from './temporal.js';
import { BinaryWriter, Utf8Writer } from './variable-width.js';

/** Picks the writer class for a field once, so appends never dispatch on the type. */
export function createColumnWriter(field: Field, path: string, nullable: boolean, cursor: RowCursor): ColumnWriter {
  const type = field.type;
  if (DataType.isBool(type)) return new BoolWriter(field, path, nullable, cursor);
  if (DataType.isInt(type) && type.isSigned) {
    if (type.bitWidth === 64) return new BigIntWriter(field, path, nullable, cursor);
    if (type.bitWidth === 8 || type.bitWidth === 16 || type.bitWidth === 32)
      return new SmallIntWriter(field, path, nullable, cursor, type.bitWidth);
  }
  if (DataType.isFloat(type) && type.precision !== Precision.HALF) {
    return new FloatWriter(field, path, nullable, cursor, type.precision === Precision.SINGLE);
  }
  if (DataType.isDecimal(type) && type.bitWidth === 128) {
    if (!Number.isInteger(type.precision) || type.precision < 1 || type.precision > MAX_DECIMAL128_PRECISION) {
      throw new TypeError(
        `Column ${JSON.stringify(path)} has decimal precision ${type.precision}; Decimal128 allows 1 to ${MAX_DECIMAL128_PRECISION}`,
      );
    }
    return new DecimalWriter(field, path, nullable, cursor, type.precision, type.scale);
  }
  if (DataType.isUtf8(type)) return new Utf8Writer(field, path, nullable, cursor);
  if (DataType.isBinary(type)) return new BinaryWriter(field, path, nullable, cursor);
  if (DataType.isDate(type)) {
    return type.unit === DateUnit.DAY
      ? new DateDayWriter(field, path, nullable, cursor)
      : new DateMillisecondWriter(field, path, nullable, cursor);
  }
  if (DataType.isTimestamp(type)) {
    if (type.unit === TimeUnit.MILLISECOND) {
      if (typeof type.timezone !== 'string' || type.timezone === '') {
        throw new TypeError(
          `Column ${JSON.stringify(path)} is a Timestamp(MILLISECOND) without a time zone; Athena needs Timestamp(MILLISECOND, tz)`,
        );
      }
      return new TimestampMillisecondWriter(field, path, nullable, cursor, type.timezone);
    }
    if (type.unit === TimeUnit.MICROSECOND) return new TimestampMicrosecondWriter(field, path, nullable, cursor);
  }
  if (DataType.isList(type)) {
    const item = type.children[0];
    if (item === undefined) throw new TypeError(`List column ${JSON.stringify(path)} has no item field`);
    return new ListWriter(field, path, nullable, cursor, createColumnWriter(item, `${path}[]`, item.nullable, cursor));
  }
  if (DataType.isStruct(type)) {
    const children = type.children.map((child) =>
      createColumnWriter(child, `${path}.${child.name}`, child.nullable, cursor),
    );
    return new StructWriter(field, path, nullable, cursor, children);
  }
  if (DataType.isMap(type)) {
    const entries = type.children[0];
    const key = entries?.type.children?.[0];
    const value = entries?.type.children?.[1];
    if (entries === undefined || key === undefined || value === undefined) {
      throw new TypeError(`Map column ${JSON.stringify(path)} lacks its entries{key, value} struct`);
    }
    // Arrow forbids null map keys whatever the key field claims.
    const keys = createColumnWriter(key, `${path}[].key`, false, cursor);
    const values = createColumnWriter(value, `${path}[].value`, value.nullable, cursor);
    return new MapWriter(field, path, nullable, cursor, entries, keys, values);
  }
  throw new TypeError(
    `Column ${JSON.stringify(path)} has Arrow type ${describeType(type)}, which Athena connectors do not support`,
  );
}
