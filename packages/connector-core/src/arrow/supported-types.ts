/**
 * The Arrow types Athena accepts from a connector (Java `SupportedTypes`). GetTable answers are
 * checked against it so an unsupported column fails with its name at metadata time, not as an
 * opaque engine error mid-query.
 */
import { DataType, type Field, type Schema, TimeUnit } from 'apache-arrow';

function describe(type: DataType): string | undefined {
  if (DataType.isBool(type) || DataType.isUtf8(type) || DataType.isBinary(type) || DataType.isDate(type))
    return undefined;
  if (DataType.isInt(type))
    return type.isSigned
      ? undefined
      : `unsigned ${type.bitWidth}-bit integers are not supported (use the next wider signed type, or decimal(20,0) for 64 bits)`;
  if (DataType.isFloat(type)) return type.precision === 0 ? 'half-precision floats are not supported' : undefined;
  if (DataType.isDecimal(type))
    return type.bitWidth === 128 && type.precision <= 38
      ? undefined
      : `decimal(${type.precision},${type.scale}) with ${type.bitWidth} bits is not supported (precision ≤ 38, 128 bits)`;
  if (DataType.isTimestamp(type)) {
    if (type.unit !== TimeUnit.MILLISECOND && type.unit !== TimeUnit.MICROSECOND)
      return 'timestamps must have MILLISECOND or MICROSECOND unit';
    return type.timezone === null || type.timezone === undefined
      ? 'timestamps need a time zone (use Date(MILLISECOND) for zone-less date-times)'
      : undefined;
  }
  if (DataType.isList(type) || DataType.isStruct(type) || DataType.isMap(type)) return undefined;
  return `${String(type)} is not a type Athena reads from connectors`;
}

/** The first unsupported field (dotted path) and why, or undefined when all are supported. */
export function findUnsupportedField(
  fields: readonly Field[],
  parent = '',
): { path: string; reason: string } | undefined {
  for (const field of fields) {
    const path = parent === '' ? field.name : `${parent}.${field.name}`;
    const reason = describe(field.type);
    if (reason !== undefined) return { path, reason };
    const nested = findUnsupportedField(field.type.children ?? [], path);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

/** Whether every field of `schema` (recursively) is a type Athena supports. */
export function isSupportedSchema(schema: Schema): boolean {
  return findUnsupportedField(schema.fields) === undefined;
}
