/**
 * Translates V4 complex expressions (`constraints.expression`) into MySQL SQL. A translation is only
 * made when MySQL computes exactly what Athena computes, NULLs and all, so a pushed expression can
 * sit under `NOT` or beside a LIMIT; anything else is left untranslated (never loosened), and the
 * caller decides what that means. Every constant is a bound `?`, every column a quoted identifier.
 */
import type { Vector } from 'apache-arrow';
import { ComparisonOperators, StandardFunctionNames, arrowTypeToJson, readValue } from '@athena-federation/connector-core';
import type { ArrowTypeJson, Block, FederationExpression, FunctionCallExpression } from '@athena-federation/connector-core';
import type { SqlParam } from './aurora-client.js';
import { type MappedColumn, formatDay, formatMillis } from './aurora-types.js';

/** The function names {@link translateExpression} handles: exactly what capabilities advertise. */
export const PUSHED_FUNCTIONS: readonly string[] = [
  StandardFunctionNames.and,
  StandardFunctionNames.or,
  StandardFunctionNames.not,
  StandardFunctionNames.isNull,
  StandardFunctionNames.nullIf,
  StandardFunctionNames.equal,
  StandardFunctionNames.notEqual,
  StandardFunctionNames.lessThan,
  StandardFunctionNames.lessThanOrEqual,
  StandardFunctionNames.greaterThan,
  StandardFunctionNames.greaterThanOrEqual,
  StandardFunctionNames.isDistinctFrom,
  StandardFunctionNames.add,
  StandardFunctionNames.subtract,
  StandardFunctionNames.multiply,
  StandardFunctionNames.divide,
  StandardFunctionNames.modulus,
  StandardFunctionNames.negate,
  StandardFunctionNames.likePattern,
  StandardFunctionNames.in,
  StandardFunctionNames.array,
];

/**
 * The value classes whose MySQL and Athena semantics agree. `real` (FLOAT) is comparable but has no
 * arithmetic: Athena rounds every REAL operation to 32 bits, MySQL computes in doubles.
 */
type ValueClass = 'int' | 'decimal' | 'double' | 'real' | 'bool' | 'string' | 'date' | 'timestamp';

/** A translated sub-expression. String SQL is utf8mb4 text; `bool` SQL yields 1, 0 or NULL. */
interface Sql {
  readonly sql: string;
  readonly params: readonly SqlParam[];
  readonly cls: ValueClass;
  /** Decimal scale (0 for the others). */
  readonly scale: number;
  /** A constant that is neither NULL nor zero (the only divisors pushed: MySQL's x/0 is NULL, Athena's an error or Infinity). */
  readonly nonZeroConstant: boolean;
}

/** MySQL's largest DECIMAL scale (MariaDB allows 38, MySQL 30). */
const MAX_SCALE = 30;

/** The class of an expression's wire type, or undefined for types that are never pushed. */
function classOf(type: ArrowTypeJson): { cls: ValueClass; scale: number } | undefined {
  switch (type['@type']) {
    case 'Int':
      return { cls: 'int', scale: 0 };
    case 'Decimal':
      return type.scale <= MAX_SCALE ? { cls: 'decimal', scale: type.scale } : undefined;
    case 'FloatingPoint':
      return type.precision === 'DOUBLE' ? { cls: 'double', scale: 0 } : type.precision === 'SINGLE' ? { cls: 'real', scale: 0 } : undefined;
    case 'Bool':
      return { cls: 'bool', scale: 0 };
    case 'Utf8':
      return { cls: 'string', scale: 0 };
    case 'Date':
      return { cls: type.unit === 'DAY' ? 'date' : 'timestamp', scale: 0 };
    default:
      return undefined;
  }
}

/**
 * Classes Athena and MySQL compare alike when mixed (Athena casts to decimal or double, MySQL does the
 * same). REAL is left out: Athena would compare an integer cast to 32-bit float, MySQL as double.
 */
const numeric = (cls: ValueClass) => cls === 'int' || cls === 'decimal' || cls === 'double';

/** A column reference, valid only when the column's MySQL kind reads as the wire type's class. */
function variable(column: MappedColumn, quoted: string, cls: ValueClass, scale: number): Sql | undefined {
  const unsigned = column.mysql.columnType.toLowerCase().includes('unsigned');
  const make = (sql: string): Sql => ({ sql, params: [], cls, scale, nonZeroConstant: false });
  switch (column.kind) {
    case 'integer':
    case 'year':
      // Unsigned operands would make MySQL compute `a - b` unsigned (an error below zero); Athena's are signed.
      return cls === 'int' ? make(unsigned || column.kind === 'year' ? `CAST(${quoted} AS SIGNED)` : quoted) : undefined;
    case 'unsigned-bigint':
      return cls === 'decimal' && scale === 0 ? make(`CAST(${quoted} AS DECIMAL(20,0))`) : undefined;
    case 'decimal':
      if (cls !== 'decimal' || (column.mysql.numericScale ?? 0) !== scale) return undefined;
      // As for integers: a DECIMAL UNSIGNED operand is made signed before any arithmetic.
      return make(unsigned ? `CAST(${quoted} AS DECIMAL(65,${scale}))` : quoted);
    case 'double':
      return cls === 'double' ? make(quoted) : undefined;
    case 'float':
      return cls === 'real' ? make(quoted) : undefined;
    case 'bit-bool':
    case 'int-bool':
      // TINYINT(1) holding 5 is true in Athena (getBoolean), so truth is `<> 0`, never `= 1`.
      return cls === 'bool' ? make(`(${quoted} <> 0)`) : undefined;
    case 'string':
      // Converted so every column compares in one character set; collations are bypassed per operator.
      return cls === 'string' ? make(`CONVERT(${quoted} USING utf8mb4)`) : undefined;
    case 'date':
    case 'datetime':
      // Zero dates (`0000-00-00`, `2024-00-05`) are NULL to Athena, so they are NULL here too.
      return cls === (column.kind === 'date' ? 'date' : 'timestamp') ? make(`IF(MONTH(${quoted}) = 0 OR DAYOFMONTH(${quoted}) = 0, NULL, ${quoted})`) : undefined;
    default:
      // DATETIME(p > 3) and TIME text, binaries, bits, fallbacks: not pushed.
      return undefined;
  }
}

const INTEGER_TEXT = /^-?\d+$/;
const DECIMAL_TEXT = /^-?\d+(?:\.\d+)?$/;

/** One bound constant of class `cls`, or undefined when its value cannot be bound exactly. */
function bindConstant(value: unknown, cls: ValueClass, scale: number): Sql | undefined {
  const make = (sql: string, param: SqlParam, nonZero: boolean): Sql => ({ sql, params: [param], cls, scale, nonZeroConstant: nonZero });
  if (value === null) {
    const cast = cls === 'int' || cls === 'bool' ? 'SIGNED' : cls === 'decimal' ? `DECIMAL(65,${scale})` : cls === 'string' ? 'CHAR' : cls === 'date' ? 'DATE' : cls === 'timestamp' ? 'DATETIME(3)' : 'DOUBLE';
    // DOUBLE as a CAST target needs MySQL 8.0.17+/MariaDB 10.4.5+; a NULL double is rare enough to need neither.
    return cls === 'double' || cls === 'real' ? undefined : make(`CAST(? AS ${cast})`, null, false);
  }
  switch (cls) {
    case 'int': {
      const text = typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value)) ? String(value) : undefined;
      return text !== undefined && INTEGER_TEXT.test(text) ? make('CAST(? AS SIGNED)', text, BigInt(text) !== 0n) : undefined;
    }
    case 'decimal': {
      if (typeof value !== 'string' || !DECIMAL_TEXT.test(value)) return undefined;
      // The scale is a number from the wire type, checked against MAX_SCALE; never request text.
      return make(`CAST(? AS DECIMAL(65,${scale}))`, value, /[1-9]/.test(value));
    }
    case 'double':
    case 'real':
      // mysql2 sends a JS number as a binary DOUBLE, exact; Infinity and NaN cannot be sent.
      return typeof value === 'number' && Number.isFinite(value) ? make('?', value, value !== 0) : undefined;
    case 'bool':
      return typeof value === 'boolean' ? make('CAST(? AS SIGNED)', value ? '1' : '0', value) : undefined;
    case 'string':
      return typeof value === 'string' ? make('CONVERT(? USING utf8mb4)', value, false) : undefined;
    case 'date': {
      const text = typeof value === 'number' && Number.isSafeInteger(value) ? formatDay(value) : undefined;
      return text === undefined ? undefined : make('CAST(? AS DATE)', text, false);
    }
    case 'timestamp': {
      const text = typeof value === 'number' && Number.isSafeInteger(value) ? formatMillis(value) : undefined;
      return text === undefined ? undefined : make('CAST(? AS DATETIME(3))', text, false);
    }
  }
}

/** The values of a constant's block (column `col1`). */
function constantValues(block: Block): unknown[] | undefined {
  const vector: Vector | null = block.records.getChild('col1');
  if (vector === null) return undefined;
  return Array.from({ length: vector.length }, (_, i) => readValue(vector, i));
}

/** Byte order of UTF-8 is code point order, which is how Athena compares varchar; PAD SPACE and case rules are bypassed. */
function comparable(operand: Sql): string {
  return operand.cls === 'string' ? `CAST(${operand.sql} AS BINARY)` : operand.sql;
}

/** Whether two operands may be compared: Athena coerces numbers among themselves, nothing else. */
function compatible(a: Sql, b: Sql): boolean {
  return a.cls === b.cls || (numeric(a.cls) && numeric(b.cls));
}

/**
 * Rewrites an Athena LIKE pattern (no escape character unless one is given) for MySQL with `!` as
 * its escape character; undefined for a pattern Athena itself would reject (a dangling escape).
 */
export function mysqlLikePattern(pattern: string, escape: string | undefined): string | undefined {
  let out = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (escape !== undefined && c === escape) {
      const next = chars[++i];
      if (next === undefined || (next !== '%' && next !== '_' && next !== escape)) return undefined;
      out += next === '!' ? '!!' : next === '%' || next === '_' ? `!${next}` : next;
      continue;
    }
    out += c === '!' ? '!!' : c;
  }
  return out;
}

/** Resolves a column of the table by the name Athena uses (case-insensitively), or undefined. */
export type ColumnLookup = (name: string) => MappedColumn | undefined;

/** Translates one expression; undefined when any part of it cannot be pushed exactly. */
function translate(expression: FederationExpression, lookup: ColumnLookup, quote: (name: string) => string): Sql | undefined {
  const target = classOf(expression.type);
  switch (expression['@type']) {
    case 'VariableExpression': {
      const column = lookup(expression.columnName);
      if (column === undefined || target === undefined) return undefined;
      return variable(column, quote(column.name), target.cls, target.scale);
    }
    case 'ConstantExpression': {
      const values = constantValues(expression.valueBlock);
      if (target === undefined || values?.length !== 1) return undefined;
      return bindConstant(values[0], target.cls, target.scale);
    }
    case 'FunctionCallExpression':
      return call(expression, target, lookup, quote);
  }
}

/** The constants of an IN list: a multi-row constant or an `$array` of constants. */
function listItems(expression: FederationExpression, cls: ValueClass, scale: number): Sql[] | undefined {
  const values: { value: unknown; type: ArrowTypeJson }[] = [];
  if (expression['@type'] === 'ConstantExpression') {
    const all = constantValues(expression.valueBlock);
    if (all === undefined) return undefined;
    const type = listElementType(expression);
    for (const value of all) values.push({ value, type });
  } else if (expression['@type'] === 'FunctionCallExpression' && expression.functionName.functionName === StandardFunctionNames.array) {
    for (const item of expression.arguments) {
      if (item['@type'] !== 'ConstantExpression') return undefined;
      const one = constantValues(item.valueBlock);
      if (one?.length !== 1) return undefined;
      values.push({ value: one[0], type: item.type });
    }
  } else {
    return undefined;
  }
  if (values.length === 0) return undefined;
  const items: Sql[] = [];
  for (const { value, type } of values) {
    const itemClass = classOf(type);
    // Each item is bound in the operand's class so MySQL compares like with like.
    if (itemClass === undefined || !(itemClass.cls === cls || (numeric(itemClass.cls) && numeric(cls)))) return undefined;
    const bound = bindConstant(value, itemClass.cls === cls ? cls : itemClass.cls, itemClass.cls === cls ? scale : itemClass.scale);
    if (bound === undefined) return undefined;
    items.push(bound);
  }
  return items;
}

/** A list constant's element type: its block's column type (the expression's own type may be a List). */
function listElementType(expression: FederationExpression & { '@type': 'ConstantExpression' }): ArrowTypeJson {
  const type = expression.type;
  if (type['@type'] !== 'List') return type;
  const vector = expression.valueBlock.records.getChild('col1');
  return vector === null ? type : arrowTypeToJson(vector.type);
}

function call(expression: FunctionCallExpression, target: { cls: ValueClass; scale: number } | undefined, lookup: ColumnLookup, quote: (name: string) => string): Sql | undefined {
  const name = expression.functionName.functionName;
  const args = expression.arguments;
  const sub = (e: FederationExpression | undefined) => (e === undefined ? undefined : translate(e, lookup, quote));
  const result = (sql: string, params: readonly SqlParam[], cls: ValueClass, scale = 0): Sql => ({ sql, params, cls, scale, nonZeroConstant: false });
  switch (name) {
    case StandardFunctionNames.and:
    case StandardFunctionNames.or: {
      if (args.length === 0) return undefined;
      const parts: Sql[] = [];
      for (const arg of args) {
        const part = sub(arg);
        if (part?.cls !== 'bool') return undefined;
        parts.push(part);
      }
      return result(`(${parts.map((p) => p.sql).join(name === StandardFunctionNames.and ? ' AND ' : ' OR ')})`, parts.flatMap((p) => p.params), 'bool');
    }
    case StandardFunctionNames.not: {
      const operand = args.length === 1 ? sub(args[0]) : undefined;
      return operand?.cls === 'bool' ? result(`(NOT ${operand.sql})`, operand.params, 'bool') : undefined;
    }
    case StandardFunctionNames.isNull: {
      const operand = args.length === 1 ? sub(args[0]) : undefined;
      return operand === undefined ? undefined : result(`(${operand.sql} IS NULL)`, operand.params, 'bool');
    }
    case StandardFunctionNames.equal:
    case StandardFunctionNames.notEqual:
    case StandardFunctionNames.lessThan:
    case StandardFunctionNames.lessThanOrEqual:
    case StandardFunctionNames.greaterThan:
    case StandardFunctionNames.greaterThanOrEqual:
    case StandardFunctionNames.isDistinctFrom: {
      const [a, b] = args.length === 2 ? [sub(args[0]), sub(args[1])] : [];
      if (a === undefined || b === undefined || !compatible(a, b)) return undefined;
      const params = [...a.params, ...b.params];
      // MySQL spells IS DISTINCT FROM as NOT (a <=> b), its NULL-safe equality.
      if (name === StandardFunctionNames.isDistinctFrom) return result(`(NOT (${comparable(a)} <=> ${comparable(b)}))`, params, 'bool');
      return result(`(${comparable(a)} ${ComparisonOperators[name] ?? '='} ${comparable(b)})`, params, 'bool');
    }
    case StandardFunctionNames.nullIf: {
      const [a, b] = args.length === 2 ? [sub(args[0]), sub(args[1])] : [];
      if (a === undefined || b === undefined || !compatible(a, b) || target?.cls !== a.cls) return undefined;
      // NULLIF would compare with the column's collation; CASE with the exact comparison does not.
      return result(`(CASE WHEN ${comparable(a)} = ${comparable(b)} THEN NULL ELSE ${a.sql} END)`, [...a.params, ...b.params, ...a.params], a.cls, a.scale);
    }
    case StandardFunctionNames.add:
    case StandardFunctionNames.subtract:
    case StandardFunctionNames.multiply:
    case StandardFunctionNames.divide:
    case StandardFunctionNames.modulus: {
      const [a, b] = args.length === 2 ? [sub(args[0]), sub(args[1])] : [];
      if (a === undefined || b === undefined || target === undefined) return undefined;
      return arithmetic(name, a, b, target, result);
    }
    case StandardFunctionNames.negate: {
      const operand = args.length === 1 ? sub(args[0]) : undefined;
      if (operand === undefined || target === undefined || operand.cls !== target.cls || !['int', 'decimal', 'double'].includes(operand.cls)) return undefined;
      return result(`(-${operand.sql})`, operand.params, operand.cls, operand.scale);
    }
    case StandardFunctionNames.likePattern: {
      if (args.length !== 2 && args.length !== 3) return undefined;
      const value = sub(args[0]);
      const patternValues = args[1]?.['@type'] === 'ConstantExpression' ? constantValues(args[1].valueBlock) : undefined;
      const escapeValues = args[2] === undefined ? [undefined] : args[2]['@type'] === 'ConstantExpression' ? constantValues(args[2].valueBlock) : undefined;
      const pattern = patternValues?.[0];
      const escape = escapeValues?.[0];
      if (value?.cls !== 'string' || typeof pattern !== 'string' || patternValues?.length !== 1) return undefined;
      if (escape !== undefined && (typeof escape !== 'string' || [...escape].length !== 1)) return undefined;
      const rewritten = mysqlLikePattern(pattern, escape);
      if (rewritten === undefined) return undefined;
      // utf8mb4_bin: case-sensitive, `_` is one code point, and LIKE never pads spaces. `!` is our escape.
      return result(`(${value.sql} COLLATE utf8mb4_bin LIKE CONVERT(? USING utf8mb4) COLLATE utf8mb4_bin ESCAPE '!')`, [...value.params, rewritten], 'bool');
    }
    case StandardFunctionNames.in: {
      const value = args.length === 2 ? sub(args[0]) : undefined;
      if (value === undefined || args[1] === undefined) return undefined;
      const items = listItems(args[1], value.cls, value.scale);
      if (items === undefined) return undefined;
      return result(`(${comparable(value)} IN (${items.map(comparable).join(', ')}))`, [...value.params, ...items.flatMap((i) => i.params)], 'bool');
    }
    default:
      return undefined;
  }
}

function arithmetic(name: string, a: Sql, b: Sql, target: { cls: ValueClass; scale: number }, result: (sql: string, params: readonly SqlParam[], cls: ValueClass, scale?: number) => Sql): Sql | undefined {
  // Athena inserts casts (never pushed) when operand types differ, so equal classes are the rule.
  if (a.cls !== target.cls || b.cls !== target.cls) return undefined;
  const params = [...a.params, ...b.params];
  const cls = target.cls;
  switch (name) {
    case StandardFunctionNames.add:
    case StandardFunctionNames.subtract: {
      // Not doubles: a result past ±1.8e308 fails the MySQL statement (ER_DATA_OUT_OF_RANGE) where Athena has ±Infinity.
      if (cls !== 'int' && cls !== 'decimal') return undefined;
      if (cls === 'decimal' && target.scale !== Math.max(a.scale, b.scale)) return undefined;
      return result(`(${a.sql} ${name === StandardFunctionNames.add ? '+' : '-'} ${b.sql})`, params, cls, target.scale);
    }
    case StandardFunctionNames.multiply: {
      if (cls !== 'int' && cls !== 'decimal') return undefined;
      // MySQL keeps a product's full scale a+b only up to 30 digits; beyond that it would round.
      if (cls === 'decimal' && (a.scale + b.scale > MAX_SCALE || target.scale !== a.scale + b.scale)) return undefined;
      return result(`(${a.sql} * ${b.sql})`, params, cls, target.scale);
    }
    case StandardFunctionNames.divide: {
      // MySQL's `/` on integers is decimal division and its decimal quotients round differently from
      // Athena's, so only integer DIV (truncating, as Athena), by non-zero constants; double quotients
      // can overflow, which fails the MySQL statement.
      if (!b.nonZeroConstant) return undefined;
      return cls === 'int' ? result(`(${a.sql} DIV ${b.sql})`, params, cls) : undefined;
    }
    case StandardFunctionNames.modulus: {
      // The remainder takes the dividend's sign in both engines.
      if (!b.nonZeroConstant || cls === 'real' || cls === 'bool' || cls === 'string') return undefined;
      if (cls === 'decimal' && target.scale !== Math.max(a.scale, b.scale)) return undefined;
      // MariaDB's decimal MOD of a negative multiple is a "-0" that sorts below 0 and is unequal to
      // it (MOD(-5.0, 5) < 0 holds); adding 0 makes it 0 (found by pushdown-differential.test.ts).
      return result(cls === 'decimal' ? `(MOD(${a.sql}, ${b.sql}) + 0)` : `MOD(${a.sql}, ${b.sql})`, params, cls, target.scale);
    }
    default:
      return undefined;
  }
}

/** The WHERE conjuncts pushed for `constraints.expression`, and whether every conjunct was pushed. */
export interface ExpressionPushdown {
  readonly conjuncts: readonly { readonly sql: string; readonly params: readonly SqlParam[] }[];
  readonly complete: boolean;
}

/**
 * Translates the expression list (ANDed, as Athena sends it). A top-level `$and` is split so each
 * of its parts is pushed or left on its own; every pushed conjunct is exact.
 */
export function translateExpressions(expressions: readonly FederationExpression[], lookup: ColumnLookup, quote: (name: string) => string): ExpressionPushdown {
  const pending = [...expressions];
  const conjuncts: { sql: string; params: readonly SqlParam[] }[] = [];
  let complete = true;
  while (pending.length > 0) {
    const expression = pending.shift() as FederationExpression;
    if (expression['@type'] === 'FunctionCallExpression' && expression.functionName.functionName === StandardFunctionNames.and) {
      pending.unshift(...expression.arguments);
      continue;
    }
    const translated = translate(expression, lookup, quote);
    if (translated?.cls === 'bool') conjuncts.push({ sql: translated.sql, params: translated.params });
    else complete = false;
  }
  return { conjuncts, complete };
}
