/**
 * PostgreSQL types → Arrow, exact by design, and PostgreSQL's text form of each value → what core's
 * RecordBatchWriter stores. Every value arrives as the server's text (postgres-client.ts fixes the
 * session's time zone, date, interval, float and bytea formats), so the conversion is independent
 * of the server's and the Lambda's settings. Domains read as their base type, enums as text, arrays
 * of the scalar types as Arrow lists; anything else as its text, as the Java connector maps unknown
 * types to VARCHAR.
 */
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  List,
  TimeUnit,
  Timestamp,
  Utf8,
} from 'apache-arrow';
import { ConnectorError, daysFromCivil, isCalendarDate } from '@athena-federation/connector-core';

/** How a column (or an array's items) is read and pushed down. */
export type PostgresKind =
  | 'smallint'
  | 'integer'
  | 'bigint'
  | 'numeric'
  | 'real'
  | 'double'
  | 'boolean'
  | 'text'
  | 'char'
  | 'bytea'
  | 'date'
  | 'timestamp'
  | 'timestamp-micros'
  | 'timestamptz'
  | 'array'
  | 'other';

/** One row of pg_type, as {@link describeTypes} in postgres-catalog.ts reads it. */
export interface PostgresTypeRow {
  readonly oid: number;
  readonly name: string;
  /** Schema of the type: built-in types are `pg_catalog`'s. */
  readonly namespace: string;
  /** `typtype`: b(ase), d(omain), e(num), c(omposite), r(ange), m(ultirange), p(seudo). */
  readonly type: string;
  /** `typcategory`: A for arrays. */
  readonly category: string;
  /** The element type of an array type, else 0. */
  readonly element: number;
  /** The base type of a domain, else 0. */
  readonly base: number;
  /** A domain's type modifier (numeric(10,2) of `CREATE DOMAIN … AS numeric(10,2)`), else -1. */
  readonly baseModifier: number;
  /** The array delimiter (`,` for every type but box). */
  readonly delimiter: string;
}

/** A column (or a passthrough result column) before mapping. */
export interface PostgresRawColumn {
  readonly name: string;
  readonly typeOid: number;
  /** `atttypmod`: precision and scale of numeric, fraction digits of timestamps, -1 when none. */
  readonly typeModifier: number;
  /** Whether the column's collation is deterministic (equal only when the bytes are); true when it has none. */
  readonly deterministic: boolean;
  /** Whether the database's encoding is UTF8, where byte order (COLLATE "C") is code point order. */
  readonly utf8: boolean;
}

/** A mapped scalar: how it is read and its Arrow type. */
export interface PostgresScalar {
  readonly kind: PostgresKind;
  readonly type: DataType;
  /** The resolved built-in type name (`int4`, `numeric`, `timestamptz`), or the type's own name for others. */
  readonly typeName: string;
  /** Unbounded NUMERIC read as decimal(38, scale): values needing more digits are refused at read. */
  readonly unboundedScale?: number;
}

/** A column mapped for Athena. */
export interface PostgresColumn extends PostgresScalar {
  readonly name: string;
  readonly field: Field;
  readonly deterministic: boolean;
  readonly utf8: boolean;
  /** The items of an array column. */
  readonly element?: PostgresScalar;
}

/** Options of the mapping (from aurora-config.ts). */
export interface PostgresTypeOptions {
  /** NUMERIC(p > 38): refuse (`error`) or read as text (`varchar`); also unbounded NUMERIC as text with `varchar`. */
  readonly decimalOverflow: 'error' | 'varchar';
  /** Scale of unbounded NUMERIC read as decimal(38, s) (`default_scale`, Java's). */
  readonly defaultScale: number;
}

/** Athena's `timestamp with time zone` of an instant, kept to the microsecond. */
const MICROS_UTC = (): DataType => new Timestamp(TimeUnit.MICROSECOND, 'UTC');

/** numeric's precision and scale from its type modifier (PostgreSQL 15 allows a negative scale, or one above the precision). */
function numericModifier(typeModifier: number): { precision: number; scale: number } | undefined {
  if (typeModifier < 4) return undefined;
  const packed = typeModifier - 4;
  const rawScale = packed & 0x7ff;
  return { precision: (packed >> 16) & 0xffff, scale: rawScale & 0x400 ? rawScale - 0x800 : rawScale };
}

function numericType(
  typeModifier: number,
  options: PostgresTypeOptions,
  describe: () => string,
): { kind: PostgresKind; type: DataType; unboundedScale?: number } {
  const modifier = numericModifier(typeModifier);
  if (modifier === undefined) {
    // Java reads unbounded NUMERIC as decimal(38, default_scale) and rounds; here a value that
    // would round is refused at read (see numericText), or the column is text with `varchar`.
    if (options.decimalOverflow === 'varchar') return { kind: 'other', type: new Utf8() };
    return { kind: 'numeric', type: new Decimal(options.defaultScale, 38, 128), unboundedScale: options.defaultScale };
  }
  // A negative scale stores integers of up to precision - scale digits; a scale above the precision, fractions.
  const scale = Math.max(modifier.scale, 0);
  const precision = modifier.scale < 0 ? modifier.precision - modifier.scale : Math.max(modifier.precision, scale);
  if (precision <= 38) return { kind: 'numeric', type: new Decimal(scale, precision, 128) };
  if (options.decimalOverflow === 'varchar') return { kind: 'other', type: new Utf8() };
  throw new ConnectorError(
    'Unsupported',
    `${describe()} is numeric(${modifier.precision},${modifier.scale}); Athena decimals hold at most 38 digits (set decimal_precision_overflow=varchar to read it as text)`,
  );
}

/** The built-in scalar a (domain-resolved) type reads as. */
function scalarOf(
  row: PostgresTypeRow,
  typeModifier: number,
  options: PostgresTypeOptions,
  describe: () => string,
): PostgresScalar {
  const typeName = row.name;
  const builtIn = row.namespace === 'pg_catalog';
  const of = (kind: PostgresKind, type: DataType): PostgresScalar => ({ kind, type, typeName });
  if (!builtIn || row.type !== 'b') return of('other', new Utf8());
  switch (typeName) {
    case 'int2':
      return of('smallint', new Int16());
    case 'int4':
      return of('integer', new Int32());
    case 'int8':
      return of('bigint', new Int64());
    case 'numeric':
      return { ...numericType(typeModifier, options, describe), typeName };
    case 'float4':
      return of('real', new Float32());
    case 'float8':
      return of('double', new Float64());
    case 'bool':
      return of('boolean', new Bool());
    case 'text':
    case 'varchar':
    case 'name':
      return of('text', new Utf8());
    case 'bpchar':
      return of('char', new Utf8());
    case 'bytea':
      return of('bytea', new Binary());
    case 'date':
      return of('date', new DateDay());
    case 'timestamp':
      // Up to milliseconds Athena's timestamp holds every value; finer ones keep their microseconds
      // as an instant in UTC (the wall clock read as UTC, as MySQL's DATETIME is).
      return typeModifier >= 0 && typeModifier <= 3
        ? of('timestamp', new DateMillisecond())
        : of('timestamp-micros', MICROS_UTC());
    case 'timestamptz':
      return of('timestamptz', MICROS_UTC());
    default:
      // interval, time, timetz, uuid, json, jsonb, money, inet, xml, …: the server's text.
      return of('other', new Utf8());
  }
}

/** Follows domains to their base type; a domain's own modifier applies when the column has none. */
function resolveDomain(
  types: ReadonlyMap<number, PostgresTypeRow>,
  oid: number,
  typeModifier: number,
): { row: PostgresTypeRow | undefined; typeModifier: number } {
  let row = types.get(oid);
  let modifier = typeModifier;
  for (let depth = 0; row !== undefined && row.type === 'd' && depth < 32; depth++) {
    if (modifier < 0) modifier = row.baseModifier;
    row = types.get(row.base);
  }
  return { row, typeModifier: modifier };
}

/**
 * Maps one column, given the pg_type rows of its type, its domains' base types and array elements.
 *
 * @throws {ConnectorError} `Unsupported` for NUMERIC(p > 38) unless `decimalOverflow` is `varchar`.
 */
export function mapPostgresColumn(
  raw: PostgresRawColumn,
  types: ReadonlyMap<number, PostgresTypeRow>,
  options: PostgresTypeOptions,
  table: string,
): PostgresColumn {
  const describe = () => `Column ${JSON.stringify(raw.name)} of ${table}`;
  const { row, typeModifier } = resolveDomain(types, raw.typeOid, raw.typeModifier);
  const common = { name: raw.name, deterministic: raw.deterministic, utf8: raw.utf8 };
  if (row === undefined)
    return { ...common, kind: 'other', type: new Utf8(), typeName: 'unknown', field: textField(raw.name) };
  if (row.category === 'A' && row.element !== 0) {
    const item = resolveDomain(types, row.element, typeModifier);
    const element = item.row === undefined ? undefined : scalarOf(item.row, item.typeModifier, options, describe);
    // Items of a type whose array text is not comma-separated (box) are read as the array's text.
    if (element !== undefined && item.row?.delimiter === ',') {
      const type = new List(new Field('item', element.type, true));
      return { ...common, kind: 'array', type, typeName: row.name, element, field: new Field(raw.name, type, true) };
    }
    return { ...common, kind: 'other', type: new Utf8(), typeName: row.name, field: textField(raw.name) };
  }
  const scalar = scalarOf(row, typeModifier, options, describe);
  return { ...common, ...scalar, field: new Field(raw.name, scalar.type, true) };
}

function textField(name: string): Field {
  return new Field(name, new Utf8(), true);
}

// ---- Values ------------------------------------------------------------------------------------

const DATE_TEXT = /^(\d{4,})-(\d\d)-(\d\d)( BC)?$/;
const TIMESTAMP_TEXT =
  /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?)?( BC)?$/;

/** Epoch day of a `YYYY-MM-DD[ BC]` date part; BC years are astronomical (1 BC is year 0). */
function dayOf(yearText: string, monthText: string, dayText: string, bc: string | undefined): number | undefined {
  const year = bc === undefined ? Number(yearText) : 1 - Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  return isCalendarDate(year, month, day) ? daysFromCivil(year, month, day) : undefined;
}

/** Epoch seconds and the fraction digits of a timestamp's text (an offset, when present, applied). */
function timestampParts(text: string): { seconds: number; fraction: string } | undefined {
  const m = TIMESTAMP_TEXT.exec(text);
  if (m === null) return undefined;
  const [, y = '', mo = '', d = '', h = '', mi = '', s = '', fraction = '', sign, oh = '0', om = '0', os = '0', bc] = m;
  const day = dayOf(y, mo, d, bc);
  if (day === undefined) return undefined;
  const offset = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os));
  return { seconds: day * 86_400 + Number(h) * 3600 + Number(mi) * 60 + Number(s) - offset, fraction };
}

/** The refusal of a value Athena's type cannot hold, naming the column, never the value. */
function unreadable(column: string, why: string): ConnectorError {
  return new ConnectorError('Unsupported', `Column ${JSON.stringify(column)} holds ${why}`);
}

/** An unbounded NUMERIC's text, checked to fit decimal(38, scale) without rounding. */
function numericText(column: string, scale: number): (text: string) => string {
  return (text) => {
    const m = /^-?0*(\d*?)(?:\.(\d*?)0*)?$/.exec(text);
    if (m === null) throw unreadable(column, 'a NUMERIC NaN or infinity, which Athena decimals cannot hold');
    const [, whole = '', fraction = ''] = m;
    if (fraction.length > scale || whole.length + scale > 38)
      throw unreadable(
        column,
        `an unbounded NUMERIC value that decimal(38,${scale}) cannot hold without rounding; set default_scale to the digits it needs, or decimal_precision_overflow=varchar to read the column as text`,
      );
    return text;
  };
}

/** The converter of one non-NULL text value of a scalar. */
function scalarConverter(column: string, scalar: PostgresScalar): (text: string) => unknown {
  switch (scalar.kind) {
    case 'smallint':
    case 'integer':
    case 'double':
      // PostgreSQL prints NaN and ±Infinity as Number reads them.
      return Number;
    case 'real':
      // extra_float_digits = 3 prints enough digits that the nearest 32-bit float is the stored one.
      return (text) => Math.fround(Number(text));
    case 'numeric':
      return scalar.unboundedScale === undefined ? (text) => text : numericText(column, scalar.unboundedScale);
    case 'boolean':
      return (text) => text === 't';
    case 'bytea':
      return (text) => Buffer.from(text.slice(2), 'hex');
    case 'date':
      return (text) => {
        const m = DATE_TEXT.exec(text);
        const day = m === null ? undefined : dayOf(m[1] ?? '', m[2] ?? '', m[3] ?? '', m[4]);
        if (day === undefined) throw unreadable(column, "a date Athena's date cannot hold (infinity)");
        return day;
      };
    case 'timestamp':
      return (text) => {
        const parts = timestampParts(text);
        if (parts === undefined) throw unreadable(column, "a timestamp Athena's timestamp cannot hold (infinity)");
        return parts.seconds * 1000 + Number(parts.fraction.padEnd(3, '0').slice(0, 3));
      };
    case 'timestamp-micros':
    case 'timestamptz':
      return (text) => {
        const parts = timestampParts(text);
        if (parts === undefined) throw unreadable(column, "a timestamp Athena's timestamp cannot hold (infinity)");
        return BigInt(parts.seconds) * 1_000_000n + BigInt(parts.fraction.padEnd(6, '0'));
      };
    default:
      // bigint as its digits (core reads them exactly); text and everything read as text, as is.
      return (text) => text;
  }
}

/**
 * The items of a one-dimensional array's text (`{1,NULL,"a b"}`, optionally after `[0:2]=`), as
 * text or null; undefined for a multi-dimensional array, which has no Arrow list type here.
 */
export function parseArrayText(text: string): (string | null)[] | undefined {
  let i = text.startsWith('[') ? text.indexOf('=') + 1 : 0;
  if (text[i] !== '{') return undefined;
  i++;
  const items: (string | null)[] = [];
  if (text[i] === '}') return items;
  for (;;) {
    if (text[i] === '{') return undefined;
    if (text[i] === '"') {
      let item = '';
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\') i++;
        item += text[i] ?? '';
      }
      items.push(item);
      i++;
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '}') end++;
      const item = text.slice(i, end);
      items.push(item.toUpperCase() === 'NULL' ? null : item);
      i = end;
    }
    if (text[i] === '}') return items;
    if (text[i] !== ',') return undefined;
    i++;
  }
}

/**
 * The function turning a column's text (or NULL) into what core's writer stores exactly for its
 * Arrow type. Text, bigint and bounded numeric go in as the text; arrays item by item.
 */
export function postgresValueConverter(column: PostgresColumn): (value: unknown) => unknown {
  if (column.kind === 'array' && column.element !== undefined) {
    const item = scalarConverter(column.name, column.element);
    return (value) => {
      if (value === null || value === undefined) return null;
      const items = parseArrayText(String(value));
      if (items === undefined)
        throw unreadable(column.name, 'a multi-dimensional array, which is read only as one-dimensional lists');
      return items.map((text) => (text === null ? null : item(text)));
    };
  }
  const convert = scalarConverter(column.name, column);
  return (value) => (value === null || value === undefined ? null : convert(String(value)));
}
