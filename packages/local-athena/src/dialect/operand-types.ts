/**
 * The DuckDB types of operands whose type the SQL shows (literals, typed literals, CASTs, arithmetic
 * with a number), which Athena's type checks decide while translating, before any table is known.
 */
import { type ParseTree, TerminalNode } from 'antlr4ng';
import {
  ArithmeticBinaryContext,
  FunctionCallContext,
  ArithmeticUnaryContext,
  BooleanLiteralContext,
  CastContext,
  DateTimeTypeContext,
  DecimalLiteralContext,
  DoubleLiteralContext,
  IntegerLiteralContext,
  NullLiteralContext,
  ParenthesizedExpressionContext,
  StringLiteralContext,
  TypeConstructorContext,
} from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import { typeClass } from './errors.js';
import { stringValue, zonedTimestampLiteral } from './zone-translator.js';

/** The DuckDB type of an operand when the SQL shows it: a literal, a typed literal, a CAST. */
export function staticType(node: ParseTree): string | undefined {
  let current: ParseTree | null = node;
  while (current !== null) {
    if (current instanceof IntegerLiteralContext) return BigInt(current.getText()) > 2147483647n ? 'BIGINT' : 'INTEGER';
    if (current instanceof DecimalLiteralContext) {
      const [whole = '', fraction = ''] = current.getText().split('.');
      return `DECIMAL(${Math.max(whole.replace(/^0+/, '').length + fraction.length, 1)},${fraction.length})`;
    }
    if (current instanceof DoubleLiteralContext) return 'DOUBLE';
    if (current instanceof StringLiteralContext) return 'VARCHAR';
    if (current instanceof BooleanLiteralContext) return 'BOOLEAN';
    if (current instanceof NullLiteralContext) return '"NULL"';
    if (current instanceof ParenthesizedExpressionContext) return staticType(current.expression());
    if (current instanceof ArithmeticUnaryContext) return staticType(current.valueExpression());
    // Arithmetic with a number is a number (or refused by its own check): its exact type is DuckDB's.
    if (current instanceof ArithmeticBinaryContext) {
      const types = [
        staticType(current.valueExpression(0) as ParseTree),
        staticType(current.valueExpression(1) as ParseTree),
      ];
      return types.some((t) => t !== undefined && typeClass(t) === 'number')
        ? (types.find((t) => t !== undefined && typeClass(t) === 'number') as string)
        : undefined;
    }
    if (current instanceof TypeConstructorContext) {
      const name = (current.identifier()?.getText() ?? 'double').toLowerCase();
      if (name === 'timestamp')
        return zonedTimestampLiteral.test(stringValue(current.string().getText()).trim())
          ? 'TIMESTAMP WITH TIME ZONE'
          : 'TIMESTAMP';
      return (
        {
          date: 'DATE',
          time: 'TIME',
          double: 'DOUBLE',
          real: 'FLOAT',
          bigint: 'BIGINT',
          integer: 'INTEGER',
          smallint: 'SMALLINT',
          tinyint: 'TINYINT',
          varchar: 'VARCHAR',
          char: 'VARCHAR',
          decimal: 'DECIMAL(38,0)',
        } as Record<string, string>
      )[name];
    }
    if (current instanceof CastContext) {
      const type = current.type();
      if (type instanceof DateTimeTypeContext)
        return type.KW_WITH() === null ? 'TIMESTAMP' : 'TIMESTAMP WITH TIME ZONE';
      const name = type.getText().toLowerCase().replace(/\(.*$/, '');
      return (
        {
          date: 'DATE',
          double: 'DOUBLE',
          real: 'FLOAT',
          bigint: 'BIGINT',
          integer: 'INTEGER',
          int: 'INTEGER',
          smallint: 'SMALLINT',
          tinyint: 'TINYINT',
          varchar: 'VARCHAR',
          char: 'VARCHAR',
          boolean: 'BOOLEAN',
          decimal: 'DECIMAL(38,0)',
        } as Record<string, string>
      )[name];
    }
    if (current.getChildCount() !== 1 || current instanceof TerminalNode) return undefined;
    current = current.getChild(0);
  }
  return undefined;
}

/**
 * typeof() of a quotient or an average of decimals: DuckDB's type has precision 38, Athena's is
 * computed from the operands' types (the macros in duckdb-macros.ts, folded while binding).
 */
export function decimalTypeOf(
  argument: ParseTree,
  argumentSql: string,
  translator: { emit(node: ParseTree): string; original(node: ParseTree): string },
): string | undefined {
  let current: ParseTree | null = argument;
  while (current !== null && current.getChildCount() === 1 && !(current instanceof TerminalNode))
    current = current.getChild(0);
  if (current instanceof ParenthesizedExpressionContext)
    return decimalTypeOf(current.expression(), argumentSql, translator);
  const fallback = `athena_type_name(typeof(${argumentSql}))`;
  if (current instanceof ArithmeticBinaryContext && current.SLASH() !== null) {
    const [a, b] = [0, 1].map((i) => `typeof(${translator.emit(current.valueExpression(i) as ParseTree)})`);
    return `athena_quotient_type(${a}, ${b}, ${fallback})`;
  }
  if (
    current instanceof FunctionCallContext &&
    translator.original(current.functionName()).toLowerCase() === 'avg' &&
    current.over() === null &&
    current.expression().length === 1
  ) {
    // The input's type, read through an aggregate so the binder accepts it where avg() stands.
    return `athena_average_type(typeof(any_value(${translator.emit(current.expression(0) as ParseTree)})), ${fallback})`;
  }
  return undefined;
}
