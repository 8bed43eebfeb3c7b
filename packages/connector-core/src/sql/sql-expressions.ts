/**
 * V4 complex expressions (`constraints.expression`) as SQL. A translation is only made when the
 * engine computes exactly what Athena computes, NULLs and all, so a pushed expression can sit under
 * `NOT` or beside a LIMIT; anything else is left untranslated (never loosened), and the caller
 * decides what that means. Every constant is a bound {@link PARAMETER}, every column a quoted
 * identifier, and the dialect says which columns and constants read as which value class.
 */
import type { Vector } from 'apache-arrow';
import { arrowTypeToJson } from '../arrow/arrow-type-json.js';
import { readValue } from '../arrow/block-reader.js';
import { ComparisonOperators, StandardFunctionNames } from '../protocol/types.js';
import type { ArrowTypeJson, Block, FederationExpression, FunctionCallExpression } from '../protocol/types.js';
import {
  PARAMETER,
  quoteName,
  type SqlColumn,
  type SqlDialect,
  type SqlFragment,
  type SqlParam,
  type SqlValueClass,
} from './sql-dialect.js';

/** The function names the kit translates: what a connector on it may advertise in its capabilities. */
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

/** A translated sub-expression; `bool` SQL yields true, false or NULL. */
interface Sql {
  readonly sql: string;
  readonly params: readonly SqlParam[];
  readonly cls: SqlValueClass;
  /** Decimal scale (0 for the others). */
  readonly scale: number;
  /** A constant that is neither NULL nor zero: the only divisors pushed (engines differ from Athena on x/0). */
  readonly nonZeroConstant: boolean;
}

/** Resolves a column of the table by the name Athena uses, or undefined. */
export type ColumnLookup<Column extends SqlColumn> = (name: string) => Column | undefined;

interface Context<Column extends SqlColumn> {
  readonly dialect: SqlDialect<Column>;
  readonly lookup: ColumnLookup<Column>;
}

/** The class of an expression's wire type, or undefined for types that are never pushed. */
function classOf(type: ArrowTypeJson, maxScale: number): { cls: SqlValueClass; scale: number } | undefined {
  switch (type['@type']) {
    case 'Int':
      return { cls: 'int', scale: 0 };
    case 'Decimal':
      return type.scale <= maxScale ? { cls: 'decimal', scale: type.scale } : undefined;
    case 'FloatingPoint':
      return type.precision === 'DOUBLE'
        ? { cls: 'double', scale: 0 }
        : type.precision === 'SINGLE'
          ? { cls: 'real', scale: 0 }
          : undefined;
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
 * Classes Athena and SQL engines compare alike when mixed (both cast to decimal or double). REAL is
 * left out: Athena would compare an integer cast to a 32-bit float, engines as double.
 */
const numeric = (cls: SqlValueClass) => cls === 'int' || cls === 'decimal' || cls === 'double';

const INTEGER_TEXT = /^-?\d+$/;
const DECIMAL_TEXT = /^-?\d+(?:\.\d+)?$/;

/** Whether a constant is a valid, non-zero value of its class (so it may divide). */
function isNonZero(value: unknown, cls: SqlValueClass): boolean {
  if (value === null) return false;
  switch (cls) {
    case 'int':
      return (
        (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) &&
        INTEGER_TEXT.test(String(value)) &&
        BigInt(value) !== 0n
      );
    case 'decimal':
      return typeof value === 'string' && DECIMAL_TEXT.test(value) && /[1-9]/.test(value);
    case 'double':
    case 'real':
      return typeof value === 'number' && value !== 0;
    case 'bool':
      return value === true;
    default:
      return false;
  }
}

function bindConstant<Column extends SqlColumn>(
  context: Context<Column>,
  value: unknown,
  cls: SqlValueClass,
  scale: number,
): Sql | undefined {
  const bound = context.dialect.bindConstant(value, cls, scale);
  return bound === undefined
    ? undefined
    : { sql: bound.sql, params: [bound.param], cls, scale, nonZeroConstant: isNonZero(value, cls) };
}

/** The values of a constant's block (column `col1`). */
function constantValues(block: Block): unknown[] | undefined {
  const vector: Vector | null = block.records.getChild('col1');
  if (vector === null) return undefined;
  return Array.from({ length: vector.length }, (_, i) => readValue(vector, i));
}

/** Whether two operands may be compared: Athena coerces numbers among themselves, nothing else. */
function compatible(a: Sql, b: Sql): boolean {
  return a.cls === b.cls || (numeric(a.cls) && numeric(b.cls));
}

/**
 * Rewrites an Athena LIKE pattern (no escape character unless one is given) for `!` as the escape
 * character; undefined for a pattern Athena itself would reject (a dangling escape).
 */
export function rewriteLikePattern(pattern: string, escapeChar: string | undefined): string | undefined {
  let out = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (escapeChar !== undefined && c === escapeChar) {
      const next = chars[++i];
      if (next === undefined || (next !== '%' && next !== '_' && next !== escapeChar)) return undefined;
      out += next === '!' ? '!!' : next === '%' || next === '_' ? `!${next}` : next;
      continue;
    }
    out += c === '!' ? '!!' : c;
  }
  return out;
}

/** Translates one expression; undefined when any part of it cannot be pushed exactly. */
function translate<Column extends SqlColumn>(
  expression: FederationExpression,
  context: Context<Column>,
): Sql | undefined {
  const target = classOf(expression.type, context.dialect.maxDecimalScale);
  switch (expression['@type']) {
    case 'VariableExpression': {
      const column = context.lookup(expression.columnName);
      if (column === undefined || target === undefined) return undefined;
      const sql = context.dialect.expressionOperand(column, quoteName(context.dialect, column.name), target);
      return sql === undefined
        ? undefined
        : { sql, params: [], cls: target.cls, scale: target.scale, nonZeroConstant: false };
    }
    case 'ConstantExpression': {
      const values = constantValues(expression.valueBlock);
      if (target === undefined || values?.length !== 1) return undefined;
      return bindConstant(context, values[0], target.cls, target.scale);
    }
    case 'FunctionCallExpression':
      return call(expression, target, context);
  }
}

/** A list constant's element type: its block's column type (the expression's own type may be a List). */
function listElementType(expression: FederationExpression & { '@type': 'ConstantExpression' }): ArrowTypeJson {
  const type = expression.type;
  if (type['@type'] !== 'List') return type;
  const vector = expression.valueBlock.records.getChild('col1');
  return vector === null ? type : arrowTypeToJson(vector.type);
}

/** The constants of an IN list: a multi-row constant or an `$array` of constants. */
function listItems<Column extends SqlColumn>(
  expression: FederationExpression,
  cls: SqlValueClass,
  scale: number,
  context: Context<Column>,
): Sql[] | undefined {
  const values: { value: unknown; type: ArrowTypeJson }[] = [];
  if (expression['@type'] === 'ConstantExpression') {
    const all = constantValues(expression.valueBlock);
    if (all === undefined) return undefined;
    const type = listElementType(expression);
    for (const value of all) values.push({ value, type });
  } else if (
    expression['@type'] === 'FunctionCallExpression' &&
    expression.functionName.functionName === StandardFunctionNames.array
  ) {
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
    const itemClass = classOf(type, context.dialect.maxDecimalScale);
    // Each item is bound in the operand's class so the engine compares like with like.
    if (itemClass === undefined || !(itemClass.cls === cls || (numeric(itemClass.cls) && numeric(cls))))
      return undefined;
    const bound = bindConstant(
      context,
      value,
      itemClass.cls === cls ? cls : itemClass.cls,
      itemClass.cls === cls ? scale : itemClass.scale,
    );
    if (bound === undefined) return undefined;
    items.push(bound);
  }
  return items;
}

const result = (sql: string, params: readonly SqlParam[], cls: SqlValueClass, scale = 0): Sql => ({
  sql,
  params,
  cls,
  scale,
  nonZeroConstant: false,
});

function call<Column extends SqlColumn>(
  expression: FunctionCallExpression,
  target: { cls: SqlValueClass; scale: number } | undefined,
  context: Context<Column>,
): Sql | undefined {
  const { dialect } = context;
  const name = expression.functionName.functionName;
  const args = expression.arguments;
  const sub = (e: FederationExpression | undefined) => (e === undefined ? undefined : translate(e, context));
  const comparable = (operand: Sql) => dialect.comparable(operand.sql, operand.cls);
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
      return result(
        `(${parts.map((p) => p.sql).join(name === StandardFunctionNames.and ? ' AND ' : ' OR ')})`,
        parts.flatMap((p) => p.params),
        'bool',
      );
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
      if (name === StandardFunctionNames.isDistinctFrom)
        return result(dialect.isDistinctFrom(comparable(a), comparable(b)), params, 'bool');
      return result(`(${comparable(a)} ${ComparisonOperators[name] ?? '='} ${comparable(b)})`, params, 'bool');
    }
    case StandardFunctionNames.nullIf: {
      const [a, b] = args.length === 2 ? [sub(args[0]), sub(args[1])] : [];
      if (a === undefined || b === undefined || !compatible(a, b) || target?.cls !== a.cls) return undefined;
      // NULLIF would compare with the column's collation; CASE with the exact comparison does not.
      return result(
        `(CASE WHEN ${comparable(a)} = ${comparable(b)} THEN NULL ELSE ${a.sql} END)`,
        [...a.params, ...b.params, ...a.params],
        a.cls,
        a.scale,
      );
    }
    case StandardFunctionNames.add:
    case StandardFunctionNames.subtract:
    case StandardFunctionNames.multiply:
    case StandardFunctionNames.divide:
    case StandardFunctionNames.modulus: {
      const [a, b] = args.length === 2 ? [sub(args[0]), sub(args[1])] : [];
      if (a === undefined || b === undefined || target === undefined) return undefined;
      return arithmetic(name, a, b, target, dialect);
    }
    case StandardFunctionNames.negate: {
      const operand = args.length === 1 ? sub(args[0]) : undefined;
      if (operand === undefined || target === undefined || operand.cls !== target.cls || !numeric(operand.cls))
        return undefined;
      return result(`(-${operand.sql})`, operand.params, operand.cls, operand.scale);
    }
    case StandardFunctionNames.likePattern:
      return like(args, context);
    case StandardFunctionNames.in: {
      const value = args.length === 2 ? sub(args[0]) : undefined;
      if (value === undefined || args[1] === undefined) return undefined;
      const items = listItems(args[1], value.cls, value.scale, context);
      if (items === undefined) return undefined;
      return result(
        `(${comparable(value)} IN (${items.map(comparable).join(', ')}))`,
        [...value.params, ...items.flatMap((i) => i.params)],
        'bool',
      );
    }
    default:
      return undefined;
  }
}

function like<Column extends SqlColumn>(
  args: readonly FederationExpression[],
  context: Context<Column>,
): Sql | undefined {
  if (args.length !== 2 && args.length !== 3) return undefined;
  const value = args[0] === undefined ? undefined : translate(args[0], context);
  const patternValues = args[1]?.['@type'] === 'ConstantExpression' ? constantValues(args[1].valueBlock) : undefined;
  const escapeValues =
    args[2] === undefined
      ? [undefined]
      : args[2]['@type'] === 'ConstantExpression'
        ? constantValues(args[2].valueBlock)
        : undefined;
  const pattern = patternValues?.[0];
  const escapeChar = escapeValues?.[0];
  if (value?.cls !== 'string' || typeof pattern !== 'string' || patternValues?.length !== 1) return undefined;
  if (escapeChar !== undefined && (typeof escapeChar !== 'string' || [...escapeChar].length !== 1)) return undefined;
  const rewritten = rewriteLikePattern(pattern, escapeChar);
  if (rewritten === undefined) return undefined;
  const sql = context.dialect.like(value.sql, PARAMETER);
  return sql === undefined ? undefined : result(sql, [...value.params, rewritten], 'bool');
}

function arithmetic<Column extends SqlColumn>(
  name: string,
  a: Sql,
  b: Sql,
  target: { cls: SqlValueClass; scale: number },
  dialect: SqlDialect<Column>,
): Sql | undefined {
  // Athena inserts casts (never pushed) when operand types differ, so equal classes are the rule.
  if (a.cls !== target.cls || b.cls !== target.cls) return undefined;
  const params = [...a.params, ...b.params];
  const cls = target.cls;
  switch (name) {
    case StandardFunctionNames.add:
    case StandardFunctionNames.subtract: {
      // Not doubles: engines fail a statement on overflow where Athena has ±Infinity.
      if (cls !== 'int' && cls !== 'decimal') return undefined;
      if (cls === 'decimal' && target.scale !== Math.max(a.scale, b.scale)) return undefined;
      return result(`(${a.sql} ${name === StandardFunctionNames.add ? '+' : '-'} ${b.sql})`, params, cls, target.scale);
    }
    case StandardFunctionNames.multiply: {
      if (cls !== 'int' && cls !== 'decimal') return undefined;
      // A product's full scale is a+b; past the engine's largest scale it would round.
      if (cls === 'decimal' && (a.scale + b.scale > dialect.maxDecimalScale || target.scale !== a.scale + b.scale))
        return undefined;
      return result(`(${a.sql} * ${b.sql})`, params, cls, target.scale);
    }
    case StandardFunctionNames.divide: {
      // Decimal quotients round differently per engine and double quotients can overflow, so only
      // integer division by non-zero constants.
      if (!b.nonZeroConstant || cls !== 'int') return undefined;
      const sql = dialect.integerDivide(a.sql, b.sql);
      return sql === undefined ? undefined : result(sql, params, cls);
    }
    case StandardFunctionNames.modulus: {
      if (!b.nonZeroConstant || !numeric(cls)) return undefined;
      if (cls === 'decimal' && target.scale !== Math.max(a.scale, b.scale)) return undefined;
      const sql = dialect.modulus(a.sql, b.sql, cls);
      return sql === undefined ? undefined : result(sql, params, cls, target.scale);
    }
    default:
      return undefined;
  }
}

/** The WHERE conjuncts pushed for `constraints.expression`, and whether every conjunct was pushed. */
export interface ExpressionPushdown {
  readonly conjuncts: readonly SqlFragment[];
  readonly complete: boolean;
}

/**
 * Translates the expression list (ANDed, as Athena sends it). A top-level `$and` is split so each
 * of its parts is pushed or left on its own; every pushed conjunct is exact.
 */
export function translateExpressions<Column extends SqlColumn>(
  dialect: SqlDialect<Column>,
  expressions: readonly FederationExpression[],
  lookup: ColumnLookup<Column>,
): ExpressionPushdown {
  const context: Context<Column> = { dialect, lookup };
  const pending = [...expressions];
  const conjuncts: SqlFragment[] = [];
  let complete = true;
  while (pending.length > 0) {
    const expression = pending.shift() as FederationExpression;
    if (
      expression['@type'] === 'FunctionCallExpression' &&
      expression.functionName.functionName === StandardFunctionNames.and
    ) {
      pending.unshift(...expression.arguments);
      continue;
    }
    const translated = translate(expression, context);
    if (translated?.cls === 'bool') conjuncts.push({ sql: translated.sql, params: translated.params });
    else complete = false;
  }
  return { conjuncts, complete };
}
