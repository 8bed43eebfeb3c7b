// The order and equality constraint values are judged by, over the JS values `readValue` produces.
// It follows the Java SDK's ArrowTypeComparator (Double.compare for floats, scale-blind decimals,
// instants for zoned timestamps) but works by value across related Arrow types, because the literals
// Athena sends are not always typed exactly like the column they constrain. Where Java's order would
// drop rows Athena keeps, core follows Athena: text by code point, not UTF-16 unit (see
// compareStrings), and −0.0 equal to 0.0, as Athena's `=`, `<` and `IN` treat them (Java's
// Double.compare puts −0.0 below 0.0, so its re-check drops −0.0 rows from `x = 0` and `x >= 0`).

import { DataType, DateUnit, Precision, TimeUnit } from 'apache-arrow';

import { formatDecimal, powerOfTen } from '../arrow/decimal.js';

/** What a column's values are compared as; one per family of Arrow types `readValue` supports. */
export type ValueKind =
  | 'integer'
  | 'float'
  | 'decimal'
  | 'bool'
  | 'utf8'
  | 'binary'
  | 'date-day'
  | 'date-millisecond'
  | 'timestamp-millisecond-tz'
  | 'timestamp-microsecond'
  | 'list'
  | 'struct'
  | 'map';

/**
 * Order and equality for the values of one Arrow type, resolved once so per-row work never
 * dispatches on the type again. `null` (and `undefined`) sort after every value, as in Java.
 */
export interface ValueComparator {
  readonly type: DataType;
  readonly kind: ValueKind;
  /** False for List, Struct and Map: they have equality but no order. */
  readonly ordered: boolean;
  /**
   * Negative, zero or positive as `a` sorts before, with or after `b`.
   * @throws {TypeError} for List/Struct/Map values, or values of the wrong JS type.
   */
  compare(a: unknown, b: unknown): number;
  /** Whether `a` and `b` are the same value (`compare(a, b) === 0` for ordered kinds; deep for the rest). */
  equals(a: unknown, b: unknown): boolean;
  /**
   * Returns a value that compares exactly like `value` but faster (decimal strings parsed,
   * timestamp zones dropped). Worth calling once for a value compared many times.
   */
  prepare(value: unknown): unknown;
  /**
   * A primitive that is identical for two non-null values exactly when `equals` holds, for hashing
   * big IN-lists; `undefined` for List/Struct/Map, which need {@link equals}.
   */
  readonly hashKey: ((value: unknown) => string | boolean) | undefined;
}

const MILLIS_PER_DAY = 86_400_000;
const MICROS_PER_DAY = 86_400_000_000n;

/**
 * The comparison kind of an Arrow type.
 *
 * @throws {TypeError} for types `readValue` cannot read (Time, Interval, unsigned ints, Timestamp
 *   in seconds or nanoseconds, millisecond Timestamp without a zone, …).
 */
export function valueKindOf(type: DataType): ValueKind {
  if (DataType.isInt(type) && type.isSigned) return 'integer';
  if (DataType.isFloat(type) && type.precision !== Precision.HALF) return 'float';
  if (DataType.isDecimal(type)) return 'decimal';
  if (DataType.isBool(type)) return 'bool';
  if (DataType.isUtf8(type)) return 'utf8';
  if (DataType.isBinary(type)) return 'binary';
  if (DataType.isDate(type)) return type.unit === DateUnit.DAY ? 'date-day' : 'date-millisecond';
  if (DataType.isTimestamp(type)) {
    if (type.unit === TimeUnit.MILLISECOND && typeof type.timezone === 'string') return 'timestamp-millisecond-tz';
    if (type.unit === TimeUnit.MICROSECOND) return 'timestamp-microsecond';
  }
  if (DataType.isList(type)) return 'list';
  if (DataType.isStruct(type)) return 'struct';
  if (DataType.isMap(type)) return 'map';
  throw new TypeError(
    `Constraint values of Arrow type ${String(type)} cannot be compared: Athena connectors do not use it`,
  );
}

/**
 * Builds the comparator of `type`'s values. Numeric kinds accept any mix of JS numbers, bigints and
 * decimal strings (so Int32 literals, Int64 cells and Decimal cells of any scale compare by value);
 * a zoned timestamp may also be given as bare epoch millis (see {@link coerceForComparison}).
 *
 * @throws {TypeError} as {@link valueKindOf}.
 */
export function createValueComparator(type: DataType): ValueComparator {
  const kind = valueKindOf(type);
  switch (kind) {
    case 'integer':
    case 'float':
    case 'decimal':
    case 'date-day':
    case 'date-millisecond':
    case 'timestamp-microsecond':
      return ordered(type, kind, compareNumeric, prepareNumeric, numericHashKey);
    case 'timestamp-millisecond-tz':
      return ordered(
        type,
        kind,
        (a, b) => compareNumeric(epochMillisOf(a), epochMillisOf(b)),
        (value) => prepareNumeric(epochMillisOf(value)),
        (value) => numericHashKey(epochMillisOf(value)),
      );
    case 'bool':
      return ordered(type, kind, compareBooleans, identity, (value) => expectBoolean(value));
    case 'utf8':
      return ordered(type, kind, compareStrings, identity, (value) => expectString(value));
    case 'binary':
      return ordered(type, kind, compareBytes, identity, binaryHashKey);
    case 'list':
    case 'struct':
    case 'map':
      return unordered(type, kind);
  }
}

/** {@link ValueComparator.compare} of a one-off comparator; build one with {@link createValueComparator} for loops. */
export function compareValues(type: DataType, a: unknown, b: unknown): number {
  return createValueComparator(type).compare(a, b);
}

/** {@link ValueComparator.equals} of a one-off comparator; build one with {@link createValueComparator} for loops. */
export function valuesEqual(type: DataType, a: unknown, b: unknown): boolean {
  return createValueComparator(type).equals(a, b);
}

/**
 * Converts a literal read (with `readValue`) from a block of type `from` into something the
 * comparator of `to` compares by value: Int/Float/Decimal of any width or scale pass through;
 * dates and timestamps are rescaled to `to`'s unit exactly (microseconds that are not whole
 * milliseconds become an exact decimal of millis). DateMillisecond is taken as a UTC instant, which
 * is how the SDK writes it. The result is meant for comparison only, not for writing.
 *
 * @throws {TypeError} when the two types share no value domain (text vs number, date vs float, …)
 *   or `from` days cannot be expressed in `to`'s coarser unit.
 */
export function coerceForComparison(value: unknown, from: DataType, to: DataType): unknown {
  if (value === null || value === undefined) return null;
  const source = valueKindOf(from);
  const target = valueKindOf(to);
  if (source === target) return value;
  if (isPlainNumericKind(source) && isPlainNumericKind(target)) return value;
  switch (target) {
    case 'date-millisecond':
    case 'timestamp-millisecond-tz':
      if (source === 'date-day') return expectNumber(value) * MILLIS_PER_DAY;
      if (source === 'date-millisecond' || source === 'timestamp-millisecond-tz') return epochMillisOf(value);
      if (source === 'timestamp-microsecond') return microsToMillis(expectBigInt(value));
      break;
    case 'timestamp-microsecond':
      if (source === 'date-day') return BigInt(expectNumber(value)) * MICROS_PER_DAY;
      if (source === 'date-millisecond' || source === 'timestamp-millisecond-tz') {
        const millis = epochMillisOf(value);
        return (typeof millis === 'bigint' ? millis : BigInt(expectNumber(millis))) * 1000n;
      }
      break;
    default:
      break;
  }
  throw new TypeError(
    `A ${describeKind(source)} constraint value (${String(from)}) cannot be compared with a ${describeKind(target)} column (${String(to)})`,
  );
}

// ----------------------------------------------------------------------------------------------
// Comparator construction

function ordered(
  type: DataType,
  kind: ValueKind,
  compareNonNull: (a: unknown, b: unknown) => number,
  prepare: (value: unknown) => unknown,
  hashKey: (value: unknown) => string | boolean,
): ValueComparator {
  const compare = (a: unknown, b: unknown): number => {
    const aNull = a === null || a === undefined;
    const bNull = b === null || b === undefined;
    if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
    return compareNonNull(a, b);
  };
  return {
    type,
    kind,
    ordered: true,
    compare,
    equals: (a, b) => compare(a, b) === 0,
    prepare: (value) => (value === null || value === undefined ? null : prepare(value)),
    hashKey,
  };
}

function unordered(type: DataType, kind: ValueKind): ValueComparator {
  const equalsNonNull = deepEquality(type, kind);
  return {
    type,
    kind,
    ordered: false,
    compare: () => {
      // Java orders these by hashCode, i.e. arbitrarily; refusing is safer than inventing an order.
      throw new TypeError(
        `${describeKind(kind)} values (${String(type)}) have no order; only equality constraints can apply to them`,
      );
    },
    equals: (a, b) => {
      const aNull = a === null || a === undefined;
      const bNull = b === null || b === undefined;
      if (aNull || bNull) return aNull === bNull;
      return equalsNonNull(a, b);
    },
    prepare: identity,
    hashKey: undefined,
  };
}

/** Element-wise equality for nested values, using each child type's own equality. */
function deepEquality(type: DataType, kind: ValueKind): (a: unknown, b: unknown) => boolean {
  if (kind === 'list') {
    const item = type.children[0];
    if (item === undefined) throw new TypeError(`List type ${String(type)} has no item field`);
    const items = createValueComparator(item.type);
    return (a, b) => {
      const left = expectArray(a);
      const right = expectArray(b);
      if (left.length !== right.length) return false;
      for (let index = 0; index < left.length; index++) {
        if (!items.equals(left[index], right[index])) return false;
      }
      return true;
    };
  }
  if (kind === 'struct') {
    const fields = type.children.map((field) => ({ name: field.name, comparator: createValueComparator(field.type) }));
    return (a, b) => {
      const left = expectRecord(a);
      const right = expectRecord(b);
      return fields.every(({ name, comparator }) => comparator.equals(ownValue(left, name), ownValue(right, name)));
    };
  }
  const [keyField, valueField] = type.children[0]?.type.children ?? [];
  if (keyField === undefined || valueField === undefined) {
    throw new TypeError(`Map type ${String(type)} lacks its entries{key, value} struct`);
  }
  const keys = createValueComparator(keyField.type);
  const values = createValueComparator(valueField.type);
  return (a, b) => {
    const left = expectMap(a);
    const right = expectMap(b);
    if (left.size !== right.size) return false;
    // Keys may be bytes or decimals that are equal without being identical, so no Map.get here.
    const unmatched = [...right];
    for (const [key, value] of left) {
      const index = unmatched.findIndex(([otherKey]) => keys.equals(key, otherKey));
      if (index === -1 || !values.equals(value, (unmatched[index] as [unknown, unknown])[1])) return false;
      unmatched.splice(index, 1);
    }
    return true;
  };
}

function identity(value: unknown): unknown {
  return value;
}

// ----------------------------------------------------------------------------------------------
// Numbers: ints, floats, decimals, dates and microsecond timestamps share one exact order.

/** A parsed decimal: `unscaled × 10^-scale`. Scale may be negative (`1e+300`). */
class ExactDecimal {
  readonly unscaled: bigint;
  readonly scale: number;

  constructor(unscaled: bigint, scale: number) {
    this.unscaled = unscaled;
    this.scale = scale;
  }
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Exponents beyond this cannot come from doubles or decimal128 and would build huge bigints. */
const MAX_EXPONENT = 1000;

/**
 * Java's `Double.compare` except at zero: numeric order, −0.0 equal to 0.0 (as Athena compares them),
 * NaN above everything and equal to itself (a superset of what Athena's comparisons keep, which it
 * filters again).
 */
function compareDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const aNaN = Number.isNaN(a);
  return aNaN === Number.isNaN(b) ? 0 : aNaN ? 1 : -1;
}

/**
 * Exact order over number | bigint | decimal string | ExactDecimal. Two numbers follow
 * {@link compareDoubles}. Otherwise a number stands for its shortest round-trip decimal (`String(n)`,
 * what Java's `BigDecimal.valueOf(double)` reads; −0 is zero), and NaN sorts above +Infinity.
 */
function compareNumeric(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return compareDoubles(a, b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'number' && Number.isSafeInteger(b)) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'bigint' && Number.isSafeInteger(a)) return a < b ? -1 : a > b ? 1 : 0;
  const aRank = specialRank(a);
  const bRank = specialRank(b);
  if (aRank !== 0 || bRank !== 0) return Math.sign(aRank - bRank);
  return compareExact(exactOf(a), exactOf(b));
}

/** −2 for −Infinity, 2 for +Infinity, 3 for NaN, 0 for everything finite. */
function specialRank(value: unknown): number {
  if (typeof value !== 'number' || Number.isFinite(value)) return 0;
  return Number.isNaN(value) ? 3 : value > 0 ? 2 : -2;
}

function compareExact(a: ExactDecimal, b: ExactDecimal): number {
  let left = a.unscaled;
  let right = b.unscaled;
  // A sign test first spares the rescale for most mixed-sign comparisons.
  if (left < 0n !== right < 0n) return left < 0n ? -1 : 1;
  if (a.scale > b.scale) right *= powerOfTen(a.scale - b.scale);
  else if (b.scale > a.scale) left *= powerOfTen(b.scale - a.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** A finite numeric value as an ExactDecimal. */
function exactOf(value: unknown): ExactDecimal {
  if (value instanceof ExactDecimal) return value;
  if (typeof value === 'bigint') return new ExactDecimal(value, 0);
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? new ExactDecimal(BigInt(value), 0) : parseDecimalText(String(value));
  }
  if (typeof value === 'string') return parseDecimalText(value);
  throw new TypeError(`Expected a number, bigint or decimal string, got ${describeJsValue(value)}`);
}

function parseDecimalText(text: string): ExactDecimal {
  const match = DECIMAL_TEXT.exec(text);
  const integerPart = match?.[2] ?? '';
  const fractionPart = match?.[3] ?? '';
  const exponent = Number(match?.[4] ?? '0');
  if (match === null || integerPart.length + fractionPart.length === 0 || Math.abs(exponent) > MAX_EXPONENT) {
    throw new TypeError(`${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)} is not a decimal number`);
  }
  const magnitude = BigInt(integerPart + fractionPart);
  return new ExactDecimal(match[1] === '-' ? -magnitude : magnitude, fractionPart.length - exponent);
}

function prepareNumeric(value: unknown): unknown {
  if (typeof value === 'string') return parseDecimalText(value);
  if (typeof value === 'number' || typeof value === 'bigint' || value instanceof ExactDecimal) return value;
  throw new TypeError(`Expected a number, bigint or decimal string, got ${describeJsValue(value)}`);
}

/**
 * Canonical text of a numeric value: equal under {@link compareNumeric} exactly when the texts are
 * equal. Integers print as plain digits (−0 as 0), fractions without trailing zeros; the non-finite
 * doubles keep their own spellings because they equal nothing else.
 */
function numericHashKey(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return String(value);
    if (!Number.isFinite(value)) return String(value);
  } else if (typeof value === 'bigint') {
    return value.toString();
  }
  const exact = value instanceof ExactDecimal ? value : exactOf(value);
  let { unscaled, scale } = exact;
  while (scale > 0 && unscaled !== 0n && unscaled % 10n === 0n) {
    unscaled /= 10n;
    scale--;
  }
  if (unscaled === 0n) return '0';
  return scale <= 0 ? (unscaled * powerOfTen(-scale)).toString() : formatDecimal(unscaled, scale);
}

/** Exact milliseconds of a microsecond count: a bigint when whole, else an exact decimal. */
function microsToMillis(micros: bigint): bigint | ExactDecimal {
  return micros % 1000n === 0n ? micros / 1000n : new ExactDecimal(micros, 3);
}

/** The instant of a zoned timestamp (the zone does not take part, as in Java) or a bare numeric. */
function epochMillisOf(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !(value instanceof ExactDecimal)) {
    if ('epochMillis' in value) return (value as { epochMillis: unknown }).epochMillis;
    throw new TypeError(`Expected a { epochMillis, zoneId } timestamp, got ${describeJsValue(value)}`);
  }
  return value;
}

function isPlainNumericKind(kind: ValueKind): boolean {
  return kind === 'integer' || kind === 'float' || kind === 'decimal';
}

// ----------------------------------------------------------------------------------------------
// Booleans, text and bytes

function compareBooleans(a: unknown, b: unknown): number {
  const left = expectBoolean(a);
  const right = expectBoolean(b);
  return left === right ? 0 : left ? 1 : -1;
}

/**
 * Code point order, as Athena (Trino) orders varchar — not the UTF-16 unit order of Java's
 * `String.compareTo` and JS `<`, which puts every character above U+FFFF (a surrogate pair) before
 * U+E000–U+FFFF. The two orders part only where the first differing units are a surrogate and a unit
 * of U+E000–U+FFFF, so a string with no unit from U+D800 up (a regular expression scans it natively)
 * leaves the engine's own comparison right; otherwise only the first differing pair is remapped,
 * so surrogates rank above every other unit, and no character is ever decoded.
 */
function compareStrings(a: unknown, b: unknown): number {
  const left = expectString(a);
  const right = expectString(b);
  if (left === right) return 0;
  if (!HIGH_UNIT.test(left) || !HIGH_UNIT.test(right)) return left < right ? -1 : 1;
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const x = left.charCodeAt(index);
    const y = right.charCodeAt(index);
    if (x !== y) return codePointRank(x) < codePointRank(y) ? -1 : 1;
  }
  return left.length < right.length ? -1 : 1;
}

/** A UTF-16 unit from U+D800 up: a surrogate or U+E000–U+FFFF (no `u` flag: units, not characters). */
const HIGH_UNIT = /[\ud800-\uffff]/;

/** U+E000–U+FFFF move down by 0x800 and surrogates (U+D800–U+DFFF) up by 0x2000, above them. */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** Unsigned bytes, then length: a prefix sorts first. */
function compareBytes(a: unknown, b: unknown): number {
  const left = expectBytes(a);
  const right = expectBytes(b);
  const common = Math.min(left.length, right.length);
  for (let index = 0; index < common; index++) {
    const difference = (left[index] as number) - (right[index] as number);
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
  return Math.sign(left.length - right.length);
}

function binaryHashKey(value: unknown): string {
  const bytes = expectBytes(value);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

// ----------------------------------------------------------------------------------------------
// Type checks and messages

function expectBoolean(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`Expected a boolean, got ${describeJsValue(value)}`);
  return value;
}

function expectString(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`Expected a string, got ${describeJsValue(value)}`);
  return value;
}

function expectNumber(value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`Expected a number, got ${describeJsValue(value)}`);
  return value;
}

function expectBigInt(value: unknown): bigint {
  if (typeof value !== 'bigint') throw new TypeError(`Expected a bigint, got ${describeJsValue(value)}`);
  return value;
}

function expectBytes(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`Expected a Uint8Array, got ${describeJsValue(value)}`);
  return value;
}

function expectArray(value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`Expected an array, got ${describeJsValue(value)}`);
  return value;
}

function expectRecord(value: unknown): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Map) {
    throw new TypeError(`Expected a struct object, got ${describeJsValue(value)}`);
  }
  return value as Readonly<Record<string, unknown>>;
}

function expectMap(value: unknown): ReadonlyMap<unknown, unknown> {
  if (!(value instanceof Map)) throw new TypeError(`Expected a Map, got ${describeJsValue(value)}`);
  return value;
}

function ownValue(record: Readonly<Record<string, unknown>>, name: string): unknown {
  return Object.hasOwn(record, name) ? record[name] : null;
}

function describeKind(kind: ValueKind): string {
  switch (kind) {
    case 'integer':
      return 'integer';
    case 'float':
      return 'floating-point';
    case 'decimal':
      return 'decimal';
    case 'bool':
      return 'boolean';
    case 'utf8':
      return 'text';
    case 'binary':
      return 'binary';
    case 'date-day':
      return 'date';
    case 'date-millisecond':
      return 'date-millisecond';
    case 'timestamp-millisecond-tz':
      return 'timestamp-with-zone';
    case 'timestamp-microsecond':
      return 'timestamp-microsecond';
    case 'list':
      return 'List';
    case 'struct':
      return 'Struct';
    case 'map':
      return 'Map';
  }
}

function describeJsValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return `bigint ${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Map) return 'a Map';
  if (value instanceof Uint8Array) return 'a Uint8Array';
  return typeof value;
}
