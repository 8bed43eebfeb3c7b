/**
 * V4 expression pushdown: the WHERE conjuncts a Constraints summary cannot say (LIKE, arithmetic,
 * OR/NOT across columns, comparisons between columns) as the `FunctionCallExpression`s Athena sends
 * to connectors that advertise `supports_complex_expression_pushdown`. A conjunct is sent only when
 * every function it needs is advertised and the expression means exactly what DuckDB computes —
 * same operand types, no rounding casts, no integer division — because the connector may apply it
 * before DuckDB sees the rows. DuckDB evaluates the whole query again anyway.
 */
import { Bool, DataType, Field, type Int, type Schema } from 'apache-arrow';
import {
  type ArrowTypeJson,
  type ConstantExpression,
  type FederationExpression,
  type FunctionCallExpression,
  ComparisonOperators,
  StandardFunctionNames,
  arrowTypeToJson,
  makeValueBlock,
  readValue,
} from '@athena-federation/connector-core';
import {
  type QueryAnalysis,
  type SqlNode,
  type TableReference,
  columnOf,
  constantValue,
  isNode,
  literalFits,
} from './pushdown.js';

const boolType: ArrowTypeJson = { '@type': 'Bool' };

/** An operand before its type is settled: an expression, or a constant waiting to take the other side's type. */
type Operand =
  | { readonly kind: 'expression'; readonly expression: FederationExpression; readonly type: DataType }
  | { readonly kind: 'constant'; readonly value: unknown; readonly literal: string };

const comparisonFunctions: Readonly<Record<string, string>> = {
  COMPARE_EQUAL: StandardFunctionNames.equal,
  COMPARE_NOTEQUAL: StandardFunctionNames.notEqual,
  COMPARE_LESSTHAN: StandardFunctionNames.lessThan,
  COMPARE_LESSTHANOREQUALTO: StandardFunctionNames.lessThanOrEqual,
  COMPARE_GREATERTHAN: StandardFunctionNames.greaterThan,
  COMPARE_GREATERTHANOREQUALTO: StandardFunctionNames.greaterThanOrEqual,
  COMPARE_DISTINCT_FROM: StandardFunctionNames.isDistinctFrom,
};

const arithmeticFunctions: Readonly<Record<string, string>> = {
  '+': StandardFunctionNames.add,
  '-': StandardFunctionNames.subtract,
  '*': StandardFunctionNames.multiply,
  '/': StandardFunctionNames.divide,
  '%': StandardFunctionNames.modulus,
};

/** The dialect layer's macros for Athena's `/` and `%` (see dialect/duckdb-macros.ts). */
const athenaOperators: Readonly<Record<string, string>> = { athena_divide: '/', athena_modulus: '%' };

/** Literal types DuckDB gives an integer constant without widening an operand of this bit width. */
const integerLiteralsFor: Readonly<Record<number, readonly string[]>> = {
  32: ['TINYINT', 'SMALLINT', 'INTEGER'],
  64: ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT'],
};

const sameType = (a: DataType, b: DataType) =>
  JSON.stringify(arrowTypeToJson(a)) === JSON.stringify(arrowTypeToJson(b));

/** Column types whose comparison semantics agree between DuckDB, Athena and the connectors. */
function comparable(type: DataType): boolean {
  return (
    DataType.isInt(type) ||
    (DataType.isFloat(type) && type.precision === 2) ||
    DataType.isDecimal(type) ||
    DataType.isUtf8(type) ||
    DataType.isBool(type) ||
    (DataType.isDate(type) && type.unit === 0)
  );
}

/** Int32, Int64 and Float64: the types whose arithmetic DuckDB does in the operand's own type. */
function arithmeticType(type: DataType): 'integer' | 'float' | undefined {
  if (DataType.isInt(type) && type.isSigned && (type.bitWidth === 32 || type.bitWidth === 64)) return 'integer';
  if (DataType.isFloat(type) && type.precision === 2) return 'float';
  return undefined;
}

/** What translating one table's conjuncts needs to know. */
interface Scope {
  /** The table's field a column reference means, or undefined when it is not (certainly) this table's. */
  readonly field: (alias: string | undefined, column: string) => Field | undefined;
  /** Function names the connector advertised. */
  readonly functions: ReadonlySet<string>;
}

function call(
  scope: Scope,
  name: string,
  type: ArrowTypeJson,
  args: readonly FederationExpression[],
): FunctionCallExpression | undefined {
  return scope.functions.has(name)
    ? { '@type': 'FunctionCallExpression', type, functionName: { functionName: name }, arguments: args }
    : undefined;
}

function constant(type: DataType, values: readonly unknown[]): ConstantExpression | undefined {
  try {
    return {
      '@type': 'ConstantExpression',
      valueBlock: makeValueBlock(new Field('col1', type, true), values),
      type: arrowTypeToJson(type),
    };
  } catch {
    return undefined;
  }
}

/** The operand as an expression of `type`: constants must fit it exactly, expressions must already have it. */
function bind(operand: Operand, type: DataType): FederationExpression | undefined {
  if (operand.kind === 'expression') return sameType(operand.type, type) ? operand.expression : undefined;
  if (!comparable(type) || !literalFits(new Field('col1', type), operand.literal)) return undefined;
  return constant(type, [operand.value]);
}

/** A value-producing node: a column of the table, a constant, or arithmetic over them. */
function operand(node: unknown, scope: Scope): Operand | undefined {
  const constantNode = constantValue(node);
  if (constantNode !== undefined) return { kind: 'constant', ...constantNode };
  const column = columnOf(node);
  if (column !== undefined) {
    const field = scope.field(column.alias, column.column);
    if (field === undefined || !comparable(field.type)) return undefined;
    return {
      kind: 'expression',
      expression: { '@type': 'VariableExpression', columnName: field.name, type: arrowTypeToJson(field.type) },
      type: field.type,
    };
  }
  if (!isNode(node) || node['class'] !== 'FUNCTION' || !Array.isArray(node['children'])) return undefined;
  const name = athenaOperators[String(node['function_name'])] ?? String(node['function_name']);
  const children = (node['children'] as unknown[]).map((child) => operand(child, scope));
  if (children.some((c) => c === undefined)) return undefined;
  const args = children as Operand[];
  const typed = args.find((a) => a.kind === 'expression');
  if (typed === undefined || typed.kind !== 'expression') return undefined;
  const kind = arithmeticType(typed.type);
  if (kind === undefined) return undefined;
  // A wider literal makes DuckDB compute in the wider type; the connector would not.
  const literalsFit = args.every(
    (a) =>
      a.kind === 'expression' ||
      (kind === 'float'
        ? a.literal !== 'HUGEINT'
        : (integerLiteralsFor[(typed.type as Int).bitWidth] ?? []).includes(a.literal)),
  );
  if (!literalsFit) return undefined;
  const bound = args.map((a) => bind(a, typed.type));
  if (bound.some((b) => b === undefined)) return undefined;
  const expressions = bound as FederationExpression[];
  const type = arrowTypeToJson(typed.type);
  if (name === '-' && expressions.length === 1) {
    const negated = call(scope, StandardFunctionNames.negate, type, expressions);
    return negated === undefined ? undefined : { kind: 'expression', expression: negated, type: typed.type };
  }
  const fn = arithmeticFunctions[name];
  // Integer `/` truncates in Athena (and here) but not in every source a connector translates it
  // for (MySQL's is a fraction); `%` on floats differs between sources.
  if (
    fn === undefined ||
    expressions.length !== 2 ||
    (name === '/' && kind === 'integer') ||
    (name === '%' && kind === 'float')
  )
    return undefined;
  const result = call(scope, fn, type, expressions);
  return result === undefined ? undefined : { kind: 'expression', expression: result, type: typed.type };
}

/** Two operands of a comparison, with a constant taking the other side's type. */
function pair(left: Operand, right: Operand): [FederationExpression, FederationExpression] | undefined {
  const type = left.kind === 'expression' ? left.type : right.kind === 'expression' ? right.type : undefined;
  if (type === undefined) return undefined;
  const a = bind(left, type);
  const b = bind(right, type);
  return a === undefined || b === undefined ? undefined : [a, b];
}

/** A boolean node as a Bool expression, or undefined when any part of it cannot be sent exactly. */
function predicate(node: unknown, scope: Scope): FederationExpression | undefined {
  if (!isNode(node)) return undefined;
  const type = String(node['type']);
  const children = Array.isArray(node['children']) ? (node['children'] as unknown[]) : [];
  if (node['class'] === 'CONJUNCTION') {
    const parts = children.map((child) => predicate(child, scope));
    if (parts.some((p) => p === undefined)) return undefined;
    return call(
      scope,
      type === 'CONJUNCTION_AND' ? StandardFunctionNames.and : StandardFunctionNames.or,
      boolType,
      parts as FederationExpression[],
    );
  }
  const not = (inner: FederationExpression | undefined) =>
    inner === undefined ? undefined : call(scope, StandardFunctionNames.not, boolType, [inner]);
  if (node['class'] === 'COMPARISON') {
    const fn = comparisonFunctions[type];
    const left = operand(node['left'], scope);
    const right = operand(node['right'], scope);
    const args = fn === undefined || left === undefined || right === undefined ? undefined : pair(left, right);
    return fn === undefined || args === undefined ? undefined : call(scope, fn, boolType, args);
  }
  if (node['class'] === 'BETWEEN') {
    const input = operand(node['input'], scope);
    const lower = operand(node['lower'], scope);
    const upper = operand(node['upper'], scope);
    const low = input === undefined || lower === undefined ? undefined : pair(input, lower);
    const high = input === undefined || upper === undefined ? undefined : pair(input, upper);
    if (low === undefined || high === undefined) return undefined;
    const ge = call(scope, StandardFunctionNames.greaterThanOrEqual, boolType, low);
    const le = call(scope, StandardFunctionNames.lessThanOrEqual, boolType, high);
    return ge === undefined || le === undefined
      ? undefined
      : call(scope, StandardFunctionNames.and, boolType, [ge, le]);
  }
  if (node['class'] === 'OPERATOR') {
    if (type === 'OPERATOR_NOT') return not(predicate(children[0], scope));
    if (type === 'OPERATOR_IS_NULL' || type === 'OPERATOR_IS_NOT_NULL') {
      const value = operand(children[0], scope);
      if (value?.kind !== 'expression') return undefined;
      const isNull = call(scope, StandardFunctionNames.isNull, boolType, [value.expression]);
      return type === 'OPERATOR_IS_NULL' ? isNull : not(isNull);
    }
    if (type === 'COMPARE_IN' || type === 'COMPARE_NOT_IN') {
      const [first, ...rest] = children;
      const value = operand(first, scope);
      const values = rest.map(constantValue);
      if (value?.kind !== 'expression' || values.some((v) => v === undefined)) return undefined;
      if (
        !values.every(
          (v) => bind({ kind: 'constant', value: v?.value, literal: v?.literal ?? '' }, value.type) !== undefined,
        )
      )
        return undefined;
      const list = constant(
        value.type,
        values.map((v) => v?.value),
      );
      // Athena wraps the list in `$array` (the JDBC connectors render it as `(?, ?, …)`).
      const array =
        list === undefined ? undefined : call(scope, StandardFunctionNames.array, { '@type': 'List' }, [list]);
      const inList =
        array === undefined ? undefined : call(scope, StandardFunctionNames.in, boolType, [value.expression, array]);
      return type === 'COMPARE_IN' ? inList : not(inList);
    }
    return undefined;
  }
  if (
    node['class'] === 'FUNCTION' &&
    (node['function_name'] === '~~' || node['function_name'] === '!~~') &&
    children.length === 2
  ) {
    // LIKE without ESCAPE: `%` and `_` only, the same in DuckDB and Athena.
    const value = operand(children[0], scope);
    const pattern = constantValue(children[1]);
    if (value?.kind !== 'expression' || !DataType.isUtf8(value.type) || pattern?.literal !== 'VARCHAR')
      return undefined;
    const patternConstant = constant(value.type, [pattern.value]);
    const like =
      patternConstant === undefined
        ? undefined
        : call(scope, StandardFunctionNames.likePattern, boolType, [value.expression, patternConstant]);
    return node['function_name'] === '~~' ? like : not(like);
  }
  const bare = columnOf(node);
  if (bare !== undefined) {
    // `WHERE flag` on its own: the column is true.
    const value = operand(node, scope);
    const yes = constant(new Bool(), [true]);
    return value?.kind === 'expression' && DataType.isBool(value.type) && yes !== undefined
      ? call(scope, StandardFunctionNames.equal, boolType, [value.expression, yes])
      : undefined;
  }
  return undefined;
}

/** Function names a capabilities response allows in expressions (empty when complex pushdown is not advertised). */
export function advertisedFunctions(
  capabilities: Readonly<Record<string, readonly { subType: string; properties: readonly string[] }[]>>,
): Set<string> {
  const subtypes = capabilities['supports_complex_expression_pushdown'] ?? [];
  return new Set(
    subtypes.filter((s) => s.subType === 'supported_function_expression_types').flatMap((s) => s.properties),
  );
}

/**
 * The expressions to send for `table`: each WHERE conjunct of its SELECT that the summary does not
 * carry, reads only this table's columns and translates exactly with the advertised functions.
 */
export function expressionsFor(
  table: TableReference,
  schema: Schema,
  analysis: QueryAnalysis,
  functions: ReadonlySet<string>,
): FederationExpression[] {
  // Whether an expression rejects all-NULL rows is not worth proving: outer joins' NULL side gets none.
  if (!table.pushable || table.nullSupplying === true || functions.size === 0) return [];
  const alone = analysis.tables.filter((t) => t.scope === table.scope).length === 1;
  const scope: Scope = {
    functions,
    field: (alias, column) => {
      if (alias === undefined ? !alone : alias.toLowerCase() !== table.alias.toLowerCase()) return undefined;
      return schema.fields.find((f) => f.name.toLowerCase() === column.toLowerCase());
    },
  };
  const summarised = new Set(analysis.predicates.map((p) => p.conjunct));
  const out: FederationExpression[] = [];
  analysis.conjuncts.forEach((conjunct, index) => {
    if (conjunct.scope !== table.scope || summarised.has(index)) return;
    const expression = predicate(conjunct.node as SqlNode, scope);
    if (expression !== undefined) out.push(expression);
  });
  return out;
}

function constantText(expression: ConstantExpression): string {
  const column = expression.valueBlock.records.getChildAt(0);
  const values = Array.from({ length: expression.valueBlock.records.numRows }, (_, i) =>
    column === null ? null : readValue(column, i),
  );
  return values.map((v) => (typeof v === 'string' ? `'${v.replaceAll("'", "''")}'` : String(v))).join(', ');
}

const infix: Readonly<Record<string, string>> = {
  ...ComparisonOperators,
  [StandardFunctionNames.isDistinctFrom]: 'IS DISTINCT FROM',
  [StandardFunctionNames.add]: '+',
  [StandardFunctionNames.subtract]: '-',
  [StandardFunctionNames.multiply]: '*',
  [StandardFunctionNames.divide]: '/',
  [StandardFunctionNames.modulus]: '%',
  [StandardFunctionNames.likePattern]: 'LIKE',
  [StandardFunctionNames.in]: 'IN',
  [StandardFunctionNames.and]: 'AND',
  [StandardFunctionNames.or]: 'OR',
};

/** An expression as SQL-like text, for `--explain`. */
export function describeExpression(expression: FederationExpression): string {
  if (expression['@type'] === 'VariableExpression') return expression.columnName;
  if (expression['@type'] === 'ConstantExpression') return constantText(expression);
  const name = expression.functionName.functionName;
  const args = expression.arguments.map(describeExpression);
  if (name === StandardFunctionNames.not) return `NOT ${args[0] ?? ''}`;
  if (name === StandardFunctionNames.negate) return `-${args[0] ?? ''}`;
  if (name === StandardFunctionNames.isNull) return `${args[0] ?? ''} IS NULL`;
  if (name === StandardFunctionNames.array) return `(${args.join(', ')})`;
  const operator = infix[name];
  return operator === undefined ? `${name}(${args.join(', ')})` : `(${args.join(` ${operator} `)})`;
}
