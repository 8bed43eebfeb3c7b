/**
 * DynamoDB attribute values ⇄ Arrow: schema inference from sampled items, and conversion of raw
 * AttributeValues into the JS values core's RecordBatchWriter stores exactly. Numbers stay decimal
 * text from the wire to the Arrow buffer — never a JS double — so 38-digit values survive.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { instantOf, wallTimeOf, type ParsedDateTime } from './dynamodb-datetime.js';
import {
  Binary,
  Bool,
  DataType,
  DateUnit,
  Decimal,
  Field,
  Int64,
  List,
  Map_,
  Struct,
  Utf8,
  type Schema,
} from 'apache-arrow';

/** A DynamoDB item as the low-level client returns it. */
export type Item = Record<string, AttributeValue>;

/** Field metadata key naming the single DynamoDB type a column was inferred from (S, N, BOOL, B); absent when mixed. */
export const SOURCE_TYPE_METADATA = 'dynamodb.type';

// ----------------------------------------------------------------------------------------------
// Numbers as exact decimal text

/** A DynamoDB number: `digits × 10^exponent`, digits without leading or trailing zeros ('' for zero). */
export interface ParsedNumber {
  readonly negative: boolean;
  readonly digits: string;
  readonly exponent: number;
}

const NUMBER_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses DynamoDB's number text (plain or exponent notation); undefined if it is not a number. */
export function parseNumber(text: string): ParsedNumber | undefined {
  const match = NUMBER_TEXT.exec(text.trim());
  if (match === null) return undefined;
  const whole = match[2] ?? '';
  const fraction = match[3] ?? '';
  if (whole === '' && fraction === '') return undefined;
  let digits = (whole + fraction).replace(/^0+/, '');
  let exponent = Number(match[4] ?? '0') - fraction.length;
  const trailing = /0+$/.exec(digits);
  if (trailing !== null) {
    digits = digits.slice(0, trailing.index);
    exponent += trailing[0].length;
  }
  if (digits === '') return { negative: false, digits: '', exponent: 0 };
  return { negative: match[1] === '-', digits, exponent };
}

/** Digits before the decimal point (0 for |x| < 1). */
export function integerDigits(n: ParsedNumber): number {
  return n.digits === '' ? 0 : Math.max(0, n.digits.length + n.exponent);
}

/** Digits after the decimal point, trailing zeros excluded. */
export function fractionDigits(n: ParsedNumber): number {
  return Math.max(0, -n.exponent);
}

/** Plain decimal notation (`-12.5`, `1000`, `0.001`), exact. */
export function plainNumber(n: ParsedNumber): string {
  if (n.digits === '') return '0';
  const sign = n.negative ? '-' : '';
  if (n.exponent >= 0) return sign + n.digits + '0'.repeat(n.exponent);
  const point = n.digits.length + n.exponent;
  return point > 0
    ? `${sign}${n.digits.slice(0, point)}.${n.digits.slice(point)}`
    : `${sign}0.${'0'.repeat(-point)}${n.digits}`;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The number as a bigint when it is an integer in the int64 range. */
export function int64Of(n: ParsedNumber): bigint | undefined {
  if (n.exponent < 0 || integerDigits(n) > 19) return undefined;
  const value = BigInt(plainNumber(n));
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

// ----------------------------------------------------------------------------------------------
// Schema inference

/** What the sampled values of one attribute (or nested element) have in common. */
export type Shape =
  | { readonly kind: 'string' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'binary' }
  | { readonly kind: 'number'; readonly int64: boolean; readonly intDigits: number; readonly fracDigits: number }
  | { readonly kind: 'list'; readonly element: Shape | undefined }
  | { readonly kind: 'object'; readonly fields: ReadonlyMap<string, Shape | undefined> }
  | { readonly kind: 'mixed' };

const STRING: Shape = { kind: 'string' };
const BOOL: Shape = { kind: 'bool' };
const BINARY: Shape = { kind: 'binary' };
const MIXED: Shape = { kind: 'mixed' };

function numberShape(text: string): Shape {
  const n = parseNumber(text);
  if (n === undefined) return MIXED;
  return {
    kind: 'number',
    int64: int64Of(n) !== undefined,
    intDigits: integerDigits(n),
    fracDigits: fractionDigits(n),
  };
}

/** The shape of one value; undefined for NULL (it says nothing about the type). */
export function shapeOf(value: AttributeValue): Shape | undefined {
  if (value.S !== undefined) return STRING;
  if (value.N !== undefined) return numberShape(value.N);
  if (value.BOOL !== undefined) return BOOL;
  if (value.B !== undefined) return BINARY;
  if (value.NULL !== undefined) return undefined;
  if (value.SS !== undefined) return { kind: 'list', element: value.SS.length === 0 ? undefined : STRING };
  if (value.NS !== undefined)
    return {
      kind: 'list',
      element: value.NS.reduce<Shape | undefined>((shape, n) => mergeShapes(shape, numberShape(n)), undefined),
    };
  if (value.BS !== undefined) return { kind: 'list', element: value.BS.length === 0 ? undefined : BINARY };
  if (value.L !== undefined)
    return {
      kind: 'list',
      element: value.L.reduce<Shape | undefined>((shape, v) => mergeShapes(shape, shapeOf(v)), undefined),
    };
  if (value.M !== undefined)
    return { kind: 'object', fields: new Map(Object.entries(value.M).map(([k, v]) => [k, shapeOf(v)])) };
  return MIXED;
}

/** The shape both `a` and `b` fit: same kinds combine, different kinds are `mixed` (read as text). */
export function mergeShapes(a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.kind === 'mixed' || b.kind === 'mixed') return MIXED;
  if (a.kind === 'number' && b.kind === 'number') {
    return {
      kind: 'number',
      int64: a.int64 && b.int64,
      intDigits: Math.max(a.intDigits, b.intDigits),
      fracDigits: Math.max(a.fracDigits, b.fracDigits),
    };
  }
  if (a.kind === 'list' && b.kind === 'list') return { kind: 'list', element: mergeShapes(a.element, b.element) };
  if (a.kind === 'object' && b.kind === 'object') {
    const fields = new Map(a.fields);
    for (const [name, shape] of b.fields) fields.set(name, mergeShapes(fields.get(name), shape));
    return { kind: 'object', fields };
  }
  return a.kind === b.kind ? a : MIXED;
}

/** Merges the shape of every attribute of `item` into `shapes` (schema inference and passthrough sampling). */
export function recordShapes(shapes: Map<string, Shape | undefined>, item: Item): void {
  for (const name in item) {
    const value = item[name];
    if (value !== undefined) shapes.set(name, mergeShapes(shapes.get(name), shapeOf(value)));
  }
}

/** Rough size of a value (names plus payload), to bound the inference sample in bytes. */
function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return value.S.length;
  if (value.N !== undefined) return value.N.length;
  if (value.B !== undefined) return value.B.length;
  if (value.SS !== undefined) return value.SS.reduce((n, s) => n + s.length, 0);
  if (value.NS !== undefined) return value.NS.reduce((n, s) => n + s.length, 0);
  if (value.BS !== undefined) return value.BS.reduce((n, b) => n + b.length, 0);
  if (value.L !== undefined) return value.L.reduce((n, v) => n + 1 + valueBytes(v), 3);
  if (value.M !== undefined) return itemBytes(value.M);
  return 1;
}

/** Rough size of an item, to bound the inference sample in bytes. */
export function itemBytes(item: Item): number {
  let total = 3;
  for (const key in item) {
    const value = item[key];
    total += key.length + (value === undefined ? 0 : valueBytes(value));
  }
  return total;
}

/** Maps with more distinct keys than this across the sample read as `map`, not `struct`. */
export const MAX_STRUCT_KEYS = 32;

function isIrregular(fields: ReadonlyMap<string, Shape | undefined>): boolean {
  if (fields.size === 0 || fields.size > MAX_STRUCT_KEYS) return true;
  // Athena folds identifier case, so keys differing only by case cannot both be struct fields.
  return new Set([...fields.keys()].map((k) => k.toLowerCase())).size !== fields.size;
}

/** The Arrow type that holds every sampled value of `shape` exactly. */
export function arrowTypeOf(shape: Shape | undefined): DataType {
  if (shape === undefined) return new Utf8();
  switch (shape.kind) {
    case 'string':
    case 'mixed':
      return new Utf8();
    case 'bool':
      return new Bool();
    case 'binary':
      return new Binary();
    case 'number':
      if (shape.int64) return new Int64();
      if (shape.intDigits <= 29 && shape.fracDigits <= 9) return new Decimal(9, 38, 128);
      // Wider than decimal(38,9) but still 38 digits: keep every sampled digit.
      if (shape.intDigits + shape.fracDigits <= 38) return new Decimal(shape.fracDigits, 38, 128);
      return new Utf8();
    case 'list':
      return new List(new Field('item', arrowTypeOf(shape.element), true));
    case 'object': {
      if (isIrregular(shape.fields)) {
        const value = [...shape.fields.values()].reduce<Shape | undefined>(
          (merged, s) => mergeShapes(merged, s),
          undefined,
        );
        const entries = new Struct([new Field('key', new Utf8(), false), new Field('value', arrowTypeOf(value), true)]);
        return new Map_(new Field('entries', entries, false), false);
      }
      const names = [...shape.fields.keys()].sort();
      return new Struct(names.map((name) => new Field(name, arrowTypeOf(shape.fields.get(name)), true)));
    }
  }
}

function sourceType(shape: Shape | undefined, type: DataType): string | undefined {
  if (shape === undefined) return undefined;
  if (shape.kind === 'string') return 'S';
  if (shape.kind === 'bool') return 'BOOL';
  if (shape.kind === 'binary') return 'B';
  if (shape.kind === 'number' && !DataType.isUtf8(type)) return 'N';
  return undefined;
}

/** Field metadata key listing (JSON array) every attribute spelling a column reads, when several differ only by case. */
export const SPELLINGS_METADATA = 'dynamodb.spellings';

/**
 * A nullable column for attribute `name`; uniform scalar columns record their DynamoDB type for
 * pushdown. A column that stands for several spellings (`Color`, `color`) lists them instead and
 * is never pushed down, since a FilterExpression names one spelling only.
 */
export function fieldOf(name: string, shape: Shape | undefined, spellings: readonly string[] = [name]): Field {
  const type = arrowTypeOf(shape);
  if (spellings.length > 1)
    return new Field(name, type, true, new Map([[SPELLINGS_METADATA, JSON.stringify(spellings)]]));
  const source = sourceType(shape, type);
  return new Field(name, type, true, source === undefined ? null : new Map([[SOURCE_TYPE_METADATA, source]]));
}

/** The attribute names a column reads: its spellings when it has several, else its name. */
export function spellingsOf(field: Field): string[] {
  const listed = field.metadata.get(SPELLINGS_METADATA);
  if (listed !== undefined) {
    try {
      const parsed: unknown = JSON.parse(listed);
      if (Array.isArray(parsed) && parsed.every((n) => typeof n === 'string')) return parsed as string[];
    } catch {
      // Not ours: fall back to the field name.
    }
  }
  return [field.name];
}

/**
 * `field` under its attribute's real spelling, when Athena handed the name back lower-cased and the
 * table's inferred columns (`known`) spell it otherwise: a ProjectionExpression or filter naming the
 * lower-cased attribute would find nothing, while the reader matches names case-insensitively.
 */
export function withRealName(field: Field, known: readonly Field[] | undefined): Field {
  if (known === undefined || known.some((f) => f.name === field.name)) return field;
  const lower = field.name.toLowerCase();
  const real = known.find((f) => f.name.toLowerCase() === lower);
  return real === undefined ? field : field.clone({ name: real.name });
}

// ----------------------------------------------------------------------------------------------
// Conversion

/** A value that does not fit its declared column; the reader adds table and column names. */
export class ValueMismatchError extends Error {
  readonly path: string;
  readonly dynamoType: string;
  readonly arrowType: string;

  constructor(path: string, dynamoType: string, arrowType: string, detail: string) {
    super(`a DynamoDB ${dynamoType} value ${detail}`);
    this.name = 'ValueMismatchError';
    this.path = path;
    this.dynamoType = dynamoType;
    this.arrowType = arrowType;
  }
}

/** The DynamoDB type tag of a value (S, N, …). */
export function dynamoTypeOf(value: AttributeValue): string {
  for (const tag of ['S', 'N', 'B', 'BOOL', 'NULL', 'SS', 'NS', 'BS', 'L', 'M'] as const)
    if (value[tag] !== undefined) return tag;
  return 'unknown';
}

/** Athena's spelling of an Arrow type, for error messages. */
export function athenaTypeName(type: DataType): string {
  if (DataType.isUtf8(type)) return 'varchar';
  if (DataType.isBool(type)) return 'boolean';
  if (DataType.isBinary(type)) return 'varbinary';
  if (DataType.isInt(type))
    return (
      ({ 8: 'tinyint', 16: 'smallint', 32: 'int', 64: 'bigint' } as Record<number, string>)[type.bitWidth] ?? 'int'
    );
  if (DataType.isFloat(type)) return type.precision === 1 ? 'real' : 'double';
  if (DataType.isDecimal(type)) return `decimal(${type.precision},${type.scale})`;
  if (DataType.isDate(type)) return type.unit === DateUnit.DAY ? 'date' : 'timestamp';
  if (DataType.isTimestamp(type)) return 'timestamp with time zone';
  if (DataType.isList(type)) return `array<${athenaTypeName(type.children[0]?.type ?? new Utf8())}>`;
  if (DataType.isMap(type)) {
    const entries = type.children[0]?.type.children ?? [];
    return `map<${athenaTypeName(entries[0]?.type ?? new Utf8())},${athenaTypeName(entries[1]?.type ?? new Utf8())}>`;
  }
  if (DataType.isStruct(type))
    return `struct<${type.children.map((f) => `${f.name}:${athenaTypeName(f.type)}`).join(',')}>`;
  return String(type);
}

/** Athena type names of a schema's columns, for logs and docs (`name: type`). */
export function describeSchema(schema: Schema): string[] {
  return schema.fields.map((f: Field) => `${f.name}: ${athenaTypeName(f.type as DataType)}`);
}

/** Converts one attribute value (undefined = attribute absent) to a RecordBatchWriter value. */
export type ValueConverter = (value: AttributeValue | undefined) => unknown;

/** Plain JSON-able rendering, numbers kept as exact JSON number text. */
function toJsonText(value: AttributeValue): string {
  if (value.S !== undefined) return JSON.stringify(value.S);
  if (value.N !== undefined) return plainOrRaw(value.N);
  if (value.BOOL !== undefined) return String(value.BOOL);
  if (value.B !== undefined) return JSON.stringify(Buffer.from(value.B).toString('base64'));
  if (value.NULL !== undefined) return 'null';
  if (value.SS !== undefined) return `[${value.SS.map((s) => JSON.stringify(s)).join(',')}]`;
  if (value.NS !== undefined) return `[${value.NS.map(plainOrRaw).join(',')}]`;
  if (value.BS !== undefined)
    return `[${value.BS.map((b) => JSON.stringify(Buffer.from(b).toString('base64'))).join(',')}]`;
  if (value.L !== undefined) return `[${value.L.map(toJsonText).join(',')}]`;
  if (value.M !== undefined)
    return `{${Object.entries(value.M)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
      .join(',')}}`;
  return 'null';
}

function plainOrRaw(text: string): string {
  const n = parseNumber(text);
  return n === undefined ? JSON.stringify(text) : plainNumber(n);
}

/** The text a varchar column shows for any value: strings as is, numbers exactly, containers as JSON. */
export function textOf(value: AttributeValue): string | null {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return value.N;
  if (value.NULL !== undefined) return null;
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  return toJsonText(value);
}

function findAttribute(map: Record<string, AttributeValue>, name: string): AttributeValue | undefined {
  const exact = map[name];
  if (exact !== undefined) return exact;
  // Athena may hand back lower-cased names; match the real, mixed-case attribute.
  const lower = name.toLowerCase();
  for (const key in map) if (key.toLowerCase() === lower) return map[key];
  return undefined;
}

/** How a date/time column reads strings: a compiled `datetimeFormatMapping` pattern and the zone of zone-less values. */
export interface DateTimeReading {
  readonly parse: ((text: string) => ParsedDateTime | undefined) | undefined;
  readonly zone: string;
}

/** `-123`: up to 15 digits, so the value is a safe integer. */
const SAFE_INTEGER_TEXT = /^-?\d{1,15}$/;
/** `-123.45`: integer digits (group 1) and fraction digits (group 2), no exponent. */
const PLAIN_DECIMAL_TEXT = /^-?(\d+)(?:\.(\d+))?$/;

/** Builds the converter for one Arrow field; `path` names the column in errors. */
export function createValueConverter(type: DataType, path: string, dates?: DateTimeReading): ValueConverter {
  const typeName = athenaTypeName(type);
  const mismatch = (value: AttributeValue, detail = `cannot be read as ${typeName}`): never => {
    throw new ValueMismatchError(path, dynamoTypeOf(value), typeName, detail);
  };
  const number = (value: AttributeValue): ParsedNumber => {
    const n = value.N === undefined ? undefined : parseNumber(value.N);
    return n ?? mismatch(value);
  };

  if (DataType.isUtf8(type)) return (v) => (v === undefined ? null : textOf(v));
  if (DataType.isBool(type)) return (v) => (v === undefined || v.NULL !== undefined ? null : (v.BOOL ?? mismatch(v)));
  if (DataType.isBinary(type)) return (v) => (v === undefined || v.NULL !== undefined ? null : (v.B ?? mismatch(v)));
  if (DataType.isInt(type)) {
    const wide = type.bitWidth === 64;
    return (v) => {
      if (v === undefined || v.NULL !== undefined) return null;
      // The common case, without a parse: at most 15 digits is a safe integer, which a double holds exactly.
      if (wide && v.N !== undefined && v.N.length <= 16 && SAFE_INTEGER_TEXT.test(v.N)) return Number(v.N);
      const n = number(v);
      if (n.exponent < 0) mismatch(v, `with a fraction cannot be read as ${typeName}`);
      const value = int64Of(n) ?? mismatch(v, `is out of the ${typeName} range`);
      return type.bitWidth === 64 ? value : Number(value);
    };
  }
  if (DataType.isFloat(type))
    return (v) => (v === undefined || v.NULL !== undefined ? null : Number(plainNumber(number(v))));
  if (DataType.isDecimal(type)) {
    const integerRoom = type.precision - type.scale;
    return (v) => {
      if (v === undefined || v.NULL !== undefined) return null;
      // Plain text that fits as it is goes to core unchanged (core reads decimal text exactly).
      if (v.N !== undefined) {
        const match = PLAIN_DECIMAL_TEXT.exec(v.N);
        if (match !== null && (match[1] ?? '').length <= integerRoom && (match[2] ?? '').length <= type.scale)
          return v.N;
      }
      const n = number(v);
      // Core would round extra fraction digits; a silently changed value is worse than an error.
      if (fractionDigits(n) > type.scale || integerDigits(n) > type.precision - type.scale)
        mismatch(v, `does not fit ${typeName} exactly`);
      return plainNumber(n);
    };
  }
  if (DataType.isDate(type) || DataType.isTimestamp(type)) {
    const days = DataType.isDate(type) && type.unit === DateUnit.DAY;
    const zoned = DataType.isTimestamp(type);
    const parse = dates?.parse;
    const zone = dates?.zone ?? 'UTC';
    return (v) => {
      if (v === undefined || v.NULL !== undefined) return null;
      if (v.S !== undefined && parse !== undefined) {
        const parsed = parse(v.S) ?? mismatch(v, "does not match the column's datetimeFormatMapping pattern");
        if (zoned) return { epochMillis: instantOf(parsed, zone), zone };
        const wall = wallTimeOf(parsed, zone);
        return days ? Math.floor(wall / 86_400_000) : wall;
      }
      // Without a pattern, core reads ISO-8601 text.
      if (v.S !== undefined) return v.S;
      // Numbers are epoch milliseconds, as in Java.
      const millis = int64Of(number(v)) ?? mismatch(v, 'is not integer epoch milliseconds');
      if (!days) return millis;
      const perDay = 86_400_000n;
      return Number(millis >= 0n ? millis / perDay : -((-millis + perDay - 1n) / perDay));
    };
  }
  if (DataType.isList(type)) {
    const itemType = type.children[0]?.type ?? new Utf8();
    const item = createValueConverter(itemType, `${path}[]`);
    // A string set in a varchar list and a binary set in a varbinary list are already the values.
    const stringsAsIs = DataType.isUtf8(itemType);
    const bytesAsIs = DataType.isBinary(itemType);
    return (v) => {
      if (v === undefined || v.NULL !== undefined) return null;
      if (v.L !== undefined) return v.L.map((element) => item(element));
      if (v.SS !== undefined) return stringsAsIs ? v.SS : v.SS.map((s) => item({ S: s }));
      if (v.BS !== undefined && bytesAsIs) return v.BS;
      if (v.NS !== undefined) return v.NS.map((n) => item({ N: n }));
      if (v.BS !== undefined) return v.BS.map((b) => item({ B: b }));
      return mismatch(v);
    };
  }
  if (DataType.isMap(type)) {
    const entries = type.children[0]?.type.children ?? [];
    const value = createValueConverter(entries[1]?.type ?? new Utf8(), `${path}[].value`);
    return (v) => {
      if (v === undefined || v.NULL !== undefined) return null;
      if (v.M === undefined) return mismatch(v);
      const out = new Map<string, unknown>();
      for (const [k, item] of Object.entries(v.M)) out.set(k, value(item));
      return out;
    };
  }
  if (DataType.isStruct(type)) {
    const children = type.children.map((field: Field) => ({
      name: field.name,
      convert: createValueConverter(field.type, `${path}.${field.name}`),
    }));
    return (v) => {
      if (v === undefined || v.NULL !== undefined) return null;
      if (v.M === undefined) return mismatch(v);
      const out: Record<string, unknown> = {};
      for (const child of children) out[child.name] = child.convert(findAttribute(v.M, child.name));
      return out;
    };
  }
  throw new TypeError(`Column ${path} has type ${String(type)}, which DynamoDB values cannot be read into`);
}

/**
 * Reads an item's attributes for `schema`'s columns, in schema order (mixed-case names matched
 * case-insensitively). A value that does not fit throws {@link ValueMismatchError}, or with
 * `lenient` becomes NULL.
 */
export function createItemReader(
  schema: Schema,
  lenient = false,
  dates: ReadonlyMap<string, DateTimeReading> = new Map(),
): { readonly names: readonly string[]; read(item: Item): unknown[] } {
  const columns = schema.fields.map((field) => {
    const strict = createValueConverter(field.type, field.name, dates.get(field.name));
    const convert: ValueConverter = lenient
      ? (v) => {
          try {
            return strict(v);
          } catch (error) {
            if (error instanceof ValueMismatchError) return null;
            throw error;
          }
        }
      : strict;
    return { name: field.name, convert };
  });
  return {
    names: columns.map((c) => c.name),
    read: (item) => {
      const row = new Array<unknown>(columns.length);
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c] as (typeof columns)[number];
        row[c] = column.convert(findAttribute(item, column.name));
      }
      return row;
    },
  };
}

/** Finds an attribute case-insensitively when the exact name is absent (exported for key resolution). */
export { findAttribute };
