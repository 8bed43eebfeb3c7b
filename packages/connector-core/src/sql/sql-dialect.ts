/**
 * The hooks a SQL engine gives the pushdown kit. The kit owns the translation (which summaries,
 * expressions, LIMIT and ORDER BY may be pushed, and how they compose); a dialect owns only what
 * differs between engines: quoting, placeholders, casts, and which columns compare exactly as Athena
 * does. Every hook is called while the kit builds a split's statement, in `readSplit` (or wherever
 * the plugin calls `buildSelect`), never at load time; hooks are pure and synchronous.
 */
import type { DataType } from 'apache-arrow';
import { ConnectorError } from '../errors.js';
import type { ValueSet } from '../protocol/types.js';

/** A value bound to a statement parameter. Drivers send strings as text, so engines cast them. */
export type SqlParam = string | number | Uint8Array | null;

/**
 * Marks where a bound parameter goes in a fragment's SQL. The kit renders each mark with
 * {@link SqlDialect.placeholder} once the whole statement is assembled, so fragments can be built
 * in any order and numbered placeholders (`$1`) still come out in the order of `params`. A NUL
 * never appears in a quoted identifier (the kit refuses it) nor in the kit's own SQL text.
 */
export const PARAMETER = '\u0000';

/** A piece of SQL and the values its {@link PARAMETER} marks bind, in order. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

/** A WHERE conjunct. `exact`: the engine keeps exactly Athena's rows, so a LIMIT may follow it. */
export interface SqlPredicate extends SqlFragment {
  readonly exact: boolean;
}

/** What the kit needs of a column: its name as the source spells it. A dialect adds the rest. */
export interface SqlColumn {
  readonly name: string;
}

/**
 * How a column's summary (value set) is written:
 * - `ordered`: points and ranges with `=`/`IN`/`<`/`>=` against {@link SqlDialect.bindLiteral}.
 * - `boolean`: points through {@link SqlDialect.booleanTest}; ranges are not pushed.
 * - `string`: IN lists through {@link SqlDialect.stringList}; ranges as for `ordered`.
 * - `millisecond-floor`: the source holds finer values than Athena sees (Athena reads them cut to
 *   milliseconds), so `= L` is written `L <= v < L + 1 ms` and every bound moves the same way.
 * - `none`: only NULL checks are pushed.
 */
export type SummaryForm = 'ordered' | 'boolean' | 'string' | 'millisecond-floor' | 'none';

/** How the kit may filter one column by its summary. */
export interface SummaryTraits {
  readonly form: SummaryForm;
  /**
   * Whether the engine's comparison keeps exactly Athena's rows for bound literals of this column
   * (no collation folding, padding, rounding or time zone). False still pushes the predicate, as a
   * superset: core re-checks every row, but no LIMIT is pushed after it.
   */
  readonly exact: boolean;
  /**
   * Whether the engine's `IS NULL` is Athena's NULL. False (MySQL's zero dates read as NULL) means
   * `IS NULL` is never pushed and `IS NOT NULL` is not exact.
   */
  readonly nullIsExact: boolean;
}

/**
 * The value classes whose engine and Athena semantics a dialect may declare equal in expressions.
 * `real` (32-bit float) is comparable only: Athena rounds every REAL operation to 32 bits.
 */
export type SqlValueClass = 'int' | 'decimal' | 'double' | 'real' | 'bool' | 'string' | 'date' | 'timestamp';

/** A column read as an expression operand of a class, or why not (undefined). */
export interface ExpressionOperandRequest {
  readonly cls: SqlValueClass;
  /** Decimal scale of the wire type (0 for the other classes). */
  readonly scale: number;
}

/**
 * The engine-specific half of the pushdown kit. `Column` is the plugin's own column description
 * (for example its mapped type and the source's column metadata); the kit only reads `name`.
 */
export interface SqlDialect<Column extends SqlColumn> {
  /** Quotes an identifier (schema, table, column, partition). Called for every name in a statement. */
  quoteIdentifier(name: string): string;
  /** The placeholder of the `index`-th bound value (1-based): `?` for MySQL, `$1` for PostgreSQL. Called once per parameter when a statement is rendered. */
  placeholder(index: number): string;

  /** How a column's summary may be pushed. Called once per constrained column per statement. */
  summaryTraits(column: Column): SummaryTraits;
  /**
   * A bound literal with the engine's cast, read from a summary's block of Arrow `type`, compared
   * with `column`: `CAST(${PARAMETER} AS SIGNED)` and `'42'`. Undefined when the value cannot be
   * compared exactly (then the kit writes a weaker filter). Called for every bound of a range and
   * every point of an IN list on `ordered` and `millisecond-floor` columns.
   */
  bindLiteral(
    column: Column,
    type: DataType,
    value: unknown,
  ): { readonly sql: string; readonly param: SqlParam } | undefined;
  /** SQL that is true for rows whose `quoted` column Athena reads as `value`. Called for points on `boolean` columns. */
  booleanTest(column: Column, quoted: string, value: boolean): string;
  /**
   * The operand and literals of a string IN list: the literals some stored value could equal
   * (others dropped, for instance characters the column's charset cannot hold) and the column as
   * compared. Called for points on `string` columns; an empty list becomes `1 = 0`.
   */
  stringList(
    column: Column,
    quoted: string,
    literals: readonly string[],
  ): { readonly operand: string; readonly values: readonly string[] };
  /**
   * A predicate of the dialect's own for a column's summary, tried before the kit's (MySQL YEAR
   * moves bounds into its domain). Undefined lets the kit translate. Optional.
   */
  customSummary?(column: Column, quoted: string, set: ValueSet): SqlPredicate | undefined;

  /** The select-list expression of a projected column (`CAST(g AS BINARY)` for MySQL GEOMETRY). Called per projected column. */
  selectExpression(column: Column, quoted: string): string;
  /** The key the engine sorts a column by in Athena's order, or undefined when none is exact. Called per ORDER BY field of a top-N. */
  sortKey(column: Column, quoted: string): string | undefined;
  /** ORDER BY terms for one key, NULLs placed as asked (`ISNULL(k) ASC, k DESC` or `k DESC NULLS LAST`). Called per ORDER BY field. */
  orderTerms(key: string, descending: boolean, nullsFirst: boolean): readonly string[];
  /** The LIMIT clause with `placeholder` binding the row count as a decimal string. Called once when a LIMIT is pushed. */
  limitClause(placeholder: string): string;
  /** The FROM suffix reading one named partition (`PARTITION (p)`), for dialects whose splits are partitions. Optional. */
  partitionClause?(quotedPartition: string): string;
  /** Most placeholders one statement may carry (65,535 for MySQL's prepared statements, 65,535 for PostgreSQL). */
  readonly maxParameters: number;
  /** Most bytes of SQL text plus bound values per statement (below MySQL's `max_allowed_packet`). */
  readonly maxStatementBytes: number;

  /** The largest decimal scale the engine's casts and arithmetic keep (MySQL 30). */
  readonly maxDecimalScale: number;
  /**
   * A column as an operand of class `request.cls` in an expression, or undefined when the engine
   * does not read it as that class exactly (then the expression is not pushed). Called for every
   * column reference of a V4 expression.
   */
  expressionOperand(column: Column, quoted: string, request: ExpressionOperandRequest): string | undefined;
  /**
   * A bound constant of a class (NULL included), or undefined when it cannot be bound exactly.
   * Called for every constant of a V4 expression.
   */
  bindConstant(
    value: unknown,
    cls: SqlValueClass,
    scale: number,
  ): { readonly sql: string; readonly param: SqlParam } | undefined;
  /** An operand as compared by `=`, `<`, IN: strings in code point order (`CAST(x AS BINARY)`, `x COLLATE "C"`). Called per compared operand. */
  comparable(sql: string, cls: SqlValueClass): string;
  /** `a IS DISTINCT FROM b` in the engine's spelling, operands already {@link comparable}. */
  isDistinctFrom(a: string, b: string): string;
  /**
   * `value LIKE pattern` with `!` as the escape character, case-sensitive and one code point per
   * `_`; `pattern` is the bound pattern's placeholder mark. Undefined when the engine cannot.
   */
  like(value: string, pattern: string): string | undefined;
  /** Integer division truncating toward zero as Athena does (`a DIV b`), divisor a non-zero constant; undefined to not push. */
  integerDivide(a: string, b: string): string | undefined;
  /** The remainder with the dividend's sign (`MOD(a, b)`), divisor a non-zero constant; undefined to not push. */
  modulus(a: string, b: string, cls: SqlValueClass): string | undefined;
}

/**
 * Quotes `name` with the dialect, refusing NUL: no engine's identifier holds one, and NUL is the
 * kit's {@link PARAMETER} mark.
 *
 * @throws {ConnectorError} `InvalidInput` for a name with NUL.
 */
export function quoteName<Column extends SqlColumn>(dialect: SqlDialect<Column>, name: string): string {
  if (name.includes('\u0000')) throw new ConnectorError('InvalidInput', 'Identifiers cannot contain NUL characters');
  return dialect.quoteIdentifier(name);
}
