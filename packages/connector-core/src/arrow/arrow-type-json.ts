/**
 * Converts between apache-arrow DataTypes and the ArrowType JSON the wire uses in value sets and
 * expressions (PROTOCOL.md §2.8). The JSON carries no children, so nested types convert one way
 * only; `arrowTypeFromJson` refuses them rather than invent a child type.
 */
import {
  Binary,
  Bool,
  DataType,
  Date_,
  DateUnit,
  Decimal,
  FixedSizeBinary,
  Float,
  Int,
  Interval,
  IntervalUnit,
  Null,
  Precision,
  Time,
  TimeUnit,
  Timestamp,
  Utf8,
} from 'apache-arrow';
import type { ArrowTimeUnit, ArrowTypeJson } from '../protocol/types.js';

const timeUnits: readonly ArrowTimeUnit[] = ['SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND'];
const precisions = ['HALF', 'SINGLE', 'DOUBLE'] as const;
const intervalUnits = ['YEAR_MONTH', 'DAY_TIME', 'MONTH_DAY_NANO'] as const;

/** The wire JSON of an Arrow type, as Java's ArrowTypeSerDe writes it. Throws for types the wire has no JSON for. */
export function arrowTypeToJson(type: DataType): ArrowTypeJson {
  if (DataType.isNull(type)) return { '@type': 'Null' };
  if (DataType.isBool(type)) return { '@type': 'Bool' };
  if (DataType.isInt(type)) return { '@type': 'Int', bitWidth: type.bitWidth, isSigned: type.isSigned };
  if (DataType.isFloat(type)) return { '@type': 'FloatingPoint', precision: precisions[type.precision] ?? 'DOUBLE' };
  if (DataType.isDecimal(type)) return { '@type': 'Decimal', precision: type.precision, scale: type.scale };
  if (DataType.isUtf8(type)) return { '@type': 'Utf8' };
  if (DataType.isBinary(type)) return { '@type': 'Binary' };
  if (DataType.isDate(type)) return { '@type': 'Date', unit: type.unit === DateUnit.DAY ? 'DAY' : 'MILLISECOND' };
  if (DataType.isTime(type))
    return { '@type': 'Time', unit: timeUnits[type.unit] ?? 'MILLISECOND', bitWidth: type.bitWidth };
  if (DataType.isTimestamp(type))
    return { '@type': 'Timestamp', unit: timeUnits[type.unit] ?? 'MILLISECOND', timezone: type.timezone ?? null };
  if (DataType.isInterval(type)) return { '@type': 'Interval', unit: intervalUnits[type.unit] ?? 'DAY_TIME' };
  if (DataType.isFixedSizeBinary(type)) return { '@type': 'FixedSizeBinary', byteWidth: type.byteWidth };
  if (DataType.isFixedSizeList(type)) return { '@type': 'FixedSizeList', listSize: type.listSize };
  if (DataType.isList(type)) return { '@type': 'List' };
  if (DataType.isStruct(type)) return { '@type': 'Struct' };
  if (DataType.isMap(type)) return { '@type': 'Map' };
  throw new RangeError(`Arrow type ${String(type)} has no ArrowType JSON on the Athena wire`);
}

/** The apache-arrow DataType of a scalar ArrowType JSON. Nested types (List, Struct, Map, FixedSizeList) need their children and are refused. */
export function arrowTypeFromJson(json: ArrowTypeJson): DataType {
  switch (json['@type']) {
    case 'Null':
      return new Null();
    case 'Bool':
      return new Bool();
    case 'Int':
      if (![8, 16, 32, 64].includes(json.bitWidth))
        throw new RangeError(`Int bitWidth ${json.bitWidth} is not 8, 16, 32 or 64`);
      return new Int(json.isSigned, json.bitWidth as 8 | 16 | 32 | 64);
    case 'FloatingPoint':
      return new Float(
        json.precision === 'HALF' ? Precision.HALF : json.precision === 'SINGLE' ? Precision.SINGLE : Precision.DOUBLE,
      );
    case 'Decimal':
      return new Decimal(json.scale, json.precision, 128);
    case 'Utf8':
      return new Utf8();
    case 'Binary':
      return new Binary();
    case 'Date':
      return new Date_(json.unit === 'DAY' ? DateUnit.DAY : DateUnit.MILLISECOND);
    case 'Time':
      return new Time(TimeUnit[json.unit], json.bitWidth as 32 | 64);
    case 'Timestamp':
      return new Timestamp(TimeUnit[json.unit], json.timezone);
    case 'Interval':
      return new Interval(IntervalUnit[json.unit]);
    case 'FixedSizeBinary':
      return new FixedSizeBinary(json.byteWidth);
    default:
      throw new RangeError(
        `ArrowType ${json['@type']} is nested; its children are not on the wire, so take the type from the table schema`,
      );
  }
}
