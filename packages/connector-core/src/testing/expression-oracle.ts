/**
 * Evaluates V4 expressions over rows with Athena's (Trino's) semantics, written independently of
 * any connector's translation: three-valued logic, integer division truncating toward zero, exact
 * decimals, code point string order, LIKE without a default escape character. The conformance suite,
 * the validator and plugins' differential tests compare pushed answers with what it keeps from an
 * unpushed read. No vitest here: the validator uses it.
 */
import { readValue } from '../arrow/block-reader.js';
import type { ArrowTypeJson, FederationExpression } from '../protocol/types.js';
import { compareByCodePoint } from './code-point-order.js';

/** A decimal as an unscaled integer and its scale. */
interface DecimalValue {
  readonly unscaled: bigint;
  readonly scale: number;
}

type Value = null | boolean | bigint | number | string | DecimalValue | Uint8Array;

const isDecimal = (v: Value): v is DecimalValue => typeof v === 'object' && v !== null && !(v instanceof Uint8Array);

function parseDecimal(text: string, scale: number): DecimalValue {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const unscaled = BigInt(whole + fraction.padEnd(scale, '0').slice(0, scale));
  return { unscaled: negative ? -unscaled : unscaled, scale };
}

function rescale(v: DecimalValue, scale: number): bigint {
  return v.unscaled * 10n ** BigInt(scale - v.scale);
}

/** Converts a value read from Arrow (or a constant block) into the oracle's form for `type`. */
function fromArrow(value: unknown, type: ArrowTypeJson): Value {
  if (value === null || value === undefined) return null;
  switch (type['@type']) {
    case 'Int':
      return BigInt(value as number | bigint);
    case 'Decimal':
      return parseDecimal(String(value), type.scale);
    case 'FloatingPoint':
      return type.precision === 'SINGLE' ? Math.fround(value as number) : (value as number);
    case 'Bool':
      return value as boolean;
    case 'Utf8':
      return value as string;
    case 'Date':
      // Days or epoch milliseconds: compared as numbers.
      return value as number;
    case 'Binary':
      return value as Uint8Array;
    case 'Timestamp':
      // Instants compare as numbers: epoch millis of a zoned value, epoch micros of a microsecond one.
      return typeof value === 'bigint' ? value : (value as { epochMillis: number }).epochMillis;
    default:
      throw new Error(`oracle: unsupported type ${type['@type']}`);
  }
}

/** Three-way comparison of two non-null values of comparable types (Athena's coercions). */
function compare(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return compareByCodePoint(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
    return a.length - b.length;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number' || typeof b === 'number') {
    const toNumber = (v: Value) => (isDecimal(v) ? Number(v.unscaled) / 10 ** v.scale : Number(v));
    const x = toNumber(a);
    const y = toNumber(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const asDecimal = (v: Value): DecimalValue => (isDecimal(v) ? v : { unscaled: v as bigint, scale: 0 });
  const x = asDecimal(a);
  const y = asDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Regular-expression syntax characters; `-` is not one outside a class, and the `u` flag refuses escaping it. */
const REGEX_SYNTAX = /[.*+?^${}()|[\]\\/]/g;

function likeRegex(pattern: string, escapeChar: string | undefined): RegExp {
  let source = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (escapeChar !== undefined && c === escapeChar) {
      const next = chars[++i];
      if (next === undefined) throw new Error('oracle: dangling escapeChar');
      source += next.replace(REGEX_SYNTAX, '\\$&');
    } else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += c.replace(REGEX_SYNTAX, '\\$&');
  }
  return new RegExp(`^${source}$`, 'su');
}

/** A row on which Athena would fail the query (division by zero, integer or decimal overflow). */
export class AthenaQueryFailure extends Error {}

const isNaNValue = (v: Value) => typeof v === 'number' && Number.isNaN(v);

/** Athena fails a query whose integer result leaves its type, or whose decimal result has more digits than its precision; REAL results are 32-bit. */
function checked(result: Value, type: ArrowTypeJson): Value {
  if (typeof result === 'bigint' && type['@type'] === 'Int') {
    const limit = 1n << BigInt(type.bitWidth - 1);
    if (result < -limit || result >= limit) throw new AthenaQueryFailure('integer overflow');
  }
  if (isDecimal(result) && type['@type'] === 'Decimal') {
    const digits = (result.unscaled < 0n ? -result.unscaled : result.unscaled).toString().length;
    if (digits - result.scale > type.precision - type.scale) throw new AthenaQueryFailure('decimal overflow');
  }
  if (typeof result === 'number' && type['@type'] === 'FloatingPoint' && type.precision === 'SINGLE')
    return Math.fround(result);
  return result;
}

function arithmetic(name: string, a: Value, b: Value, type: ArrowTypeJson): Value {
  return checked(unchecked(name, a, b, type), type);
}

function unchecked(name: string, a: Value, b: Value, type: ArrowTypeJson): Value {
  if (a === null || b === null) return null;
  if ((name === '$divide' || name === '$modulus') && (b === 0n || (isDecimal(b) && b.unscaled === 0n)))
    throw new AthenaQueryFailure('Division by zero');
  if (typeof a === 'number' && typeof b === 'number') {
    switch (name) {
      case '$add':
        return a + b;
      case '$subtract':
        return a - b;
      case '$multiply':
        return a * b;
      case '$divide':
        return a / b;
      case '$modulus':
        return a % b;
    }
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    switch (name) {
      case '$add':
        return a + b;
      case '$subtract':
        return a - b;
      case '$multiply':
        return a * b;
      case '$divide':
        return a / b;
      case '$modulus':
        return a % b;
    }
  }
  if (isDecimal(a) && isDecimal(b) && type['@type'] === 'Decimal') {
    const scale = Math.max(a.scale, b.scale);
    switch (name) {
      case '$add':
        return { unscaled: rescale(a, scale) + rescale(b, scale), scale };
      case '$subtract':
        return { unscaled: rescale(a, scale) - rescale(b, scale), scale };
      case '$multiply':
        return { unscaled: a.unscaled * b.unscaled, scale: a.scale + b.scale };
      case '$modulus':
        return { unscaled: rescale(a, scale) % rescale(b, scale), scale };
    }
  }
  throw new Error(`oracle: ${name} on ${typeof a}/${typeof b}`);
}

/** Evaluates `expression` for one row (column name → value as read from Arrow). */
export function evaluateExpression(expression: FederationExpression, row: Readonly<Record<string, unknown>>): Value {
  switch (expression['@type']) {
    case 'VariableExpression':
      return fromArrow(row[expression.columnName], expression.type);
    case 'ConstantExpression': {
      const vector = expression.valueBlock.records.getChild('col1');
      if (vector === null) throw new Error('oracle: constant without col1');
      return fromArrow(readValue(vector, 0), expression.type);
    }
    case 'FunctionCallExpression':
      break;
  }
  const name = expression.functionName.functionName;
  const args = expression.arguments;
  const value = (i: number) => evaluateExpression(args[i] as FederationExpression, row);
  switch (name) {
    case '$and': {
      const values = args.map((_, i) => value(i));
      if (values.includes(false)) return false;
      return values.includes(null) ? null : true;
    }
    case '$or': {
      const values = args.map((_, i) => value(i));
      if (values.includes(true)) return true;
      return values.includes(null) ? null : false;
    }
    case '$not': {
      const v = value(0);
      return v === null ? null : !v;
    }
    case '$is_null':
      return value(0) === null;
    case '$equal':
    case '$not_equal':
    case '$less_than':
    case '$less_than_or_equal':
    case '$greater_than':
    case '$greater_than_or_equal': {
      const a = value(0);
      const b = value(1);
      if (a === null || b === null) return null;
      // Trino: NaN is unordered and equal to nothing, itself included.
      if (isNaNValue(a) || isNaNValue(b)) return name === '$not_equal';
      const c = compare(a, b);
      return {
        $equal: c === 0,
        $not_equal: c !== 0,
        $less_than: c < 0,
        $less_than_or_equal: c <= 0,
        $greater_than: c > 0,
        $greater_than_or_equal: c >= 0,
      }[name];
    }
    case '$is_distinct_from': {
      const a = value(0);
      const b = value(1);
      if (a === null || b === null) return a !== b;
      // Trino's IS DISTINCT FROM holds NaN not distinct from NaN.
      if (isNaNValue(a) || isNaNValue(b)) return !(isNaNValue(a) && isNaNValue(b));
      return compare(a, b) !== 0;
    }
    case '$nullif': {
      const a = value(0);
      const b = value(1);
      return a !== null && b !== null && !isNaNValue(a) && !isNaNValue(b) && compare(a, b) === 0 ? null : a;
    }
    case '$negate': {
      const a = value(0);
      if (a === null) return null;
      if (isDecimal(a)) return { unscaled: -a.unscaled, scale: a.scale };
      return checked(typeof a === 'bigint' ? -a : -(a as number), expression.type);
    }
    case '$add':
    case '$subtract':
    case '$multiply':
    case '$divide':
    case '$modulus':
      return arithmetic(name, value(0), value(1), expression.type);
    case '$like_pattern': {
      const v = value(0);
      const pattern = value(1);
      const escapeChar = args.length > 2 ? value(2) : undefined;
      if (v === null || pattern === null || escapeChar === null) return null;
      return likeRegex(pattern as string, escapeChar as string | undefined).test(v as string);
    }
    case '$in': {
      const v = value(0);
      const list = args[1] as FederationExpression;
      let items: Value[];
      if (list['@type'] === 'ConstantExpression') {
        const vector = list.valueBlock.records.getChild('col1');
        if (vector === null) throw new Error('oracle: list without col1');
        items = Array.from({ length: vector.length }, (_, i) =>
          fromArrow(readValue(vector, i), args[0]?.type as ArrowTypeJson),
        );
      } else {
        items = (list as { arguments: readonly FederationExpression[] }).arguments.map((e) =>
          evaluateExpression(e, row),
        );
      }
      if (v === null) return null;
      if (!isNaNValue(v) && items.some((item) => item !== null && !isNaNValue(item) && compare(v, item) === 0))
        return true;
      return items.includes(null) ? null : false;
    }
    default:
      throw new Error(`oracle: unknown function ${name}`);
  }
}
