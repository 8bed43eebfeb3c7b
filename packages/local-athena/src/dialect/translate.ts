/**
 * Athena SQL → DuckDB SQL. The parse tree is written back out token by token, keeping the user's
 * spacing and comments, except where Athena and DuckDB differ: function names and argument orders
 * (the table in `functions.ts`), operators whose answers differ (`/`, `%`, `||`), Trino's row
 * syntax (`VALUES 1, 2`), interval literals, casts and typed literals, `AT TIME ZONE`, implicit
 * column names (`_col0`), and `TABLE(system.query(…))`, which becomes a table the engine reads
 * through the connector's passthrough. What Athena refuses is refused here, before DuckDB sees it.
 */
import { type ParserRuleContext, type ParseTree, TerminalNode } from 'antlr4ng';
import {
  ArithmeticBinaryContext,
  AtTimeZoneContext,
  BackQuotedIdentifierContext,
  PredicatedContext,
  DateTimeTypeContext,
  QuerySpecificationContext,
  BinaryLiteralContext,
  CastContext,
  ConcatenationContext,
  DigitIdentifierContext,
  ExtractContext,
  FunctionCallContext,
  GenericTypeContext,
  InlineTableContext,
  IntervalContext,
  JsonArrayContext,
  JsonExistsContext,
  JsonObjectContext,
  JsonQueryContext,
  JsonTableContext,
  JsonValueContext,
  ListAggContext,
  MeasureContext,
  NormalizeContext,
  RowPatternContext,
  WithFunctionContext,
  ParameterContext,
  QueryNoWithContext,
  QuotedIdentifierContext,
  RowConstructorContext,
  SampledRelationContext,
  SelectItemContext,
  SingleStatementContext,
  StatementDefaultContext,
  TableFunctionInvocationContext,
  TableRefContext,
  TimeZoneStringContext,
  TypeConstructorContext,
  UnicodeStringLiteralContext,
  type IdentifierContext,
} from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import { AthenaSqlError, type SqlPosition, UnsupportedSqlError } from './errors.js';
import { type FunctionCall, athenaFunctions, duckdbOnlyFunctions } from './functions.js';
import { parseTrinoSql } from './trino-parse.js';
import { decimalTypeOf } from './operand-types.js';
import { type PassthroughTable, PassthroughTables } from './passthrough-tables.js';
import { type TypeCheck, TypeChecker } from './type-checks.js';
import { intervalSql, typedLiteralSql } from './typed-literals.js';
import { duckdbType } from './types.js';
import { athenaZone, localSql, zoneTextSql } from './zones.js';
import {
  type TranslateOptions,
  ZoneTranslator,
  intervalKind,
  isStar,
  sqlString,
  stringValue,
  zoneResultColumn,
} from './zone-translator.js';

export { sqlString, stringValue, zoneResultColumn, type TranslateOptions } from './zone-translator.js';

/** The user's Athena SQL, ready for DuckDB. */
export interface Translation {
  readonly duckdbSql: string;
  /**
   * The same query with Athena's type checks around its comparisons, IN lists, BETWEENs and
   * arithmetic: it computes the same, but binding it fails with Athena's error where Athena would
   * refuse operand types DuckDB converts implicitly (`date_col = '2024-01-01'`). It is only
   * prepared, never run (nor read for pushdown), so the checks cost nothing once bound.
   */
  readonly checkSql: string;
  /**
   * Per result column, the time zone of a timestamp with time zone the SQL states for it
   * (`at_timezone(x, 'Europe/Berlin')`), undefined for UTC or any other column (see zones.ts).
   */
  readonly columnZones: readonly (string | undefined)[];
  /**
   * Whether the result may have companion columns with each value's zone (`"$zone<i>"`, or a
   * table's `name$zone` through `*`), to be folded into the values (local-athena's result-zones.ts).
   */
  readonly zoneColumns: boolean;
  /** The checks in {@link checkSql}, by id: what a failed one reports. */
  readonly checks: readonly TypeCheck[];
  readonly passthrough: readonly PassthroughTable[];
}

/** EXTRACT fields as Athena's convenience functions. */
const extractFields: Readonly<Record<string, string>> = {
  YEAR: 'year',
  QUARTER: 'quarter',
  MONTH: 'month',
  WEEK: 'week',
  DAY: 'day',
  DAY_OF_MONTH: 'day',
  DAY_OF_WEEK: 'day_of_week',
  DOW: 'day_of_week',
  DAY_OF_YEAR: 'day_of_year',
  DOY: 'day_of_year',
  YEAR_OF_WEEK: 'year_of_week',
  YOW: 'year_of_week',
  HOUR: 'hour',
  MINUTE: 'minute',
  SECOND: 'second',
};

/** The translation a checking one reads operand types from, and the query's list of checks it adds to. */
interface Checking {
  readonly plain: Translator;
  readonly checks: TypeCheck[];
}

class Translator extends ZoneTranslator {
  readonly #sql: string;
  readonly #passthrough: PassthroughTables;
  /** When set, this translation adds type checks, and writes operands for typeof() with this one. */
  readonly #plain: Translator | undefined;
  readonly #checker: TypeChecker | undefined;

  constructor(sql: string, options: TranslateOptions, passthrough: PassthroughTables, checking?: Checking) {
    super(options);
    this.#sql = sql;
    this.#passthrough = passthrough;
    this.#plain = checking?.plain;
    this.#checker = checking === undefined ? undefined : new TypeChecker(this, checking.plain, checking.checks);
  }

  protected get plainTranslator(): ZoneTranslator {
    return this.#plain ?? this;
  }

  get passthrough(): readonly PassthroughTable[] {
    return this.#passthrough.tables;
  }

  override position(node: ParseTree): SqlPosition {
    const token = node instanceof TerminalNode ? node.symbol : (node as ParserRuleContext).start;
    return { line: token?.line ?? 1, column: (token?.column ?? 0) + 1 };
  }

  /** The node's text as the user wrote it. */
  override original(node: ParseTree): string {
    const [start, stop] = this.#span(node);
    return start === undefined ? '' : this.#sql.slice(start, stop + 1);
  }

  #span(node: ParseTree): [number | undefined, number] {
    if (node instanceof TerminalNode)
      return node.symbol.type === -1 ? [undefined, 0] : [node.symbol.start, node.symbol.stop];
    const ctx = node as ParserRuleContext;
    if (ctx.start === null || ctx.stop === null || ctx.stop.tokenIndex < ctx.start.tokenIndex) return [undefined, 0];
    return [ctx.start.start, ctx.stop.stop];
  }

  /** The node's children written out, with the user's spacing between them. */
  children(ctx: ParserRuleContext, replace: (child: ParseTree) => string | undefined = () => undefined): string {
    let out = '';
    let previousStop: number | undefined;
    for (const child of ctx.children ?? []) {
      const [start, stop] = this.#span(child);
      if (start === undefined) continue;
      if (previousStop !== undefined) out += this.#sql.slice(previousStop + 1, start);
      out += replace(child) ?? this.emit(child);
      previousStop = stop;
    }
    return out;
  }

  override emit(node: ParseTree): string {
    if (node instanceof TerminalNode) return node.symbol.type === -1 ? '' : node.getText();
    const ctx = node as ParserRuleContext;
    if (ctx instanceof SingleStatementContext) return this.#statement(ctx);
    if (ctx instanceof FunctionCallContext) return this.#functionCall(ctx);
    if (ctx instanceof ListAggContext) return this.#listagg(ctx);
    if (ctx instanceof IntervalContext) return intervalSql(ctx, this);
    if (ctx instanceof ArithmeticBinaryContext) return this.#arithmetic(ctx);
    if (ctx instanceof PredicatedContext && this.#checker !== undefined) return this.#checker.predicate(ctx);
    if (ctx instanceof ConcatenationContext)
      return `athena_concat(${this.emit(ctx.valueExpression(0) as ParserRuleContext)}, ${this.emit(ctx.valueExpression(1) as ParserRuleContext)})`;
    if (ctx instanceof CastContext) return this.#cast(ctx);
    if (ctx instanceof TypeConstructorContext) return typedLiteralSql(ctx, this);
    if (ctx instanceof InlineTableContext) return this.#values(ctx);
    if (ctx instanceof SelectItemContext) return this.#selectItem(ctx);
    if (ctx instanceof TableRefContext)
      return ctx
        .identifier()
        .map((i) => this.identifier(i))
        .join('.');
    if (ctx instanceof TableFunctionInvocationContext)
      return this.#passthrough.tableSql(ctx, this.options.defaultCatalog, (n) => this.position(n));
    if (ctx instanceof AtTimeZoneContext) return this.#atTimeZone(ctx);
    if (ctx instanceof ExtractContext) return this.#extract(ctx);
    if (ctx instanceof QueryNoWithContext) return this.#queryNoWith(ctx);
    if (ctx instanceof SampledRelationContext && ctx.sampleType() !== null)
      throw new UnsupportedSqlError('TABLESAMPLE is not supported by local-athena', this.position(ctx));
    if (ctx instanceof BackQuotedIdentifierContext)
      throw new AthenaSqlError(
        `backquoted identifiers are not supported; use double quotes to quote identifiers`,
        this.position(ctx),
      );
    if (ctx instanceof DigitIdentifierContext)
      throw new AthenaSqlError(
        `identifiers must not start with a digit; surround the identifier with double quotes`,
        this.position(ctx),
      );
    if (ctx instanceof UnicodeStringLiteralContext)
      throw new UnsupportedSqlError(
        'Unicode string literals (U&…) are not supported by local-athena',
        this.position(ctx),
      );
    if (ctx instanceof ParameterContext)
      throw new UnsupportedSqlError('query parameters (?) are not supported by local-athena', this.position(ctx));
    if (ctx instanceof BinaryLiteralContext) return `from_hex(${sqlString(ctx.getText().slice(2, -1))})`;
    if (ctx instanceof RowConstructorContext && ctx.getChild(0)?.getText().toUpperCase() === 'ROW')
      return `row(${ctx
        .expression()
        .map((e) => this.emit(e))
        .join(', ')})`;
    const unsupported = unsupportedConstructs.find(([type]) => ctx instanceof type);
    if (unsupported !== undefined)
      throw new UnsupportedSqlError(`${unsupported[1]} is not supported by local-athena`, this.position(ctx));
    return this.children(ctx);
  }

  /** An identifier as DuckDB reads it: Athena's are case-insensitive, so unquoted ones are lower-cased. */
  identifier(ctx: IdentifierContext): string {
    if (ctx instanceof QuotedIdentifierContext) return ctx.getText().toLowerCase();
    return this.emit(ctx).toLowerCase();
  }

  #statement(ctx: SingleStatementContext): string {
    const statement = ctx.statement();
    if (!(statement instanceof StatementDefaultContext)) {
      const words = this.original(statement).trim().split(/\s+/).slice(0, 2).join(' ').toUpperCase();
      throw new UnsupportedSqlError(
        `local-athena runs queries (SELECT, WITH, VALUES), not ${words} statements`,
        this.position(statement),
      );
    }
    return this.emit(statement);
  }

  #functionCall(ctx: FunctionCallContext): string {
    const nameText = this.original(ctx.functionName());
    const name = nameText.toLowerCase();
    const position = this.position(ctx);
    const entry = Object.hasOwn(athenaFunctions, name) ? athenaFunctions[name] : undefined;
    if (entry === undefined) {
      const hint = duckdbOnlyFunctions[name];
      if (hint !== undefined)
        throw new AthenaSqlError(`Function '${name}' not registered (it is DuckDB's, not Athena's): ${hint}`, position);
      throw new UnsupportedSqlError(
        `function ${name} is not supported by local-athena (see the function table in packages/local-athena/README.md)`,
        position,
      );
    }
    const expressions = ctx.expression();
    const star = ctx.ASTERISK() !== null;
    const count = star ? 0 : expressions.length;
    if (!entry.arity.includes(count) && !(entry.arity.includes(-1) && count >= 1)) {
      const expected = entry.arity.filter((n) => n >= 0).join(' or ');
      throw new AthenaSqlError(
        `Unexpected parameters for function ${name}: it takes ${expected === '' ? 'one or more' : expected} argument${expected === '1' ? '' : 's'}, got ${count}`,
        position,
      );
    }
    const modifiers =
      entry.kind === 'scalar' &&
      (ctx.setQuantifier() !== null || ctx.sortItem().length > 0 || ctx.filter() !== null || ctx.over() !== null);
    if (modifiers)
      throw new AthenaSqlError(
        `${name} is not an aggregate function; DISTINCT, ORDER BY, FILTER and OVER need one`,
        position,
      );
    const args = star ? ['*'] : expressions.map((e) => this.emit(e));
    if (name === 'typeof' && expressions[0] !== undefined) {
      const decimal = decimalTypeOf(expressions[0], args[0] ?? '', this);
      if (decimal !== undefined) return decimal;
    }
    const zoned = this.zonedCall(name, expressions, args);
    if (zoned !== undefined) return zoned;
    const distinct = ctx.setQuantifier()?.getText().toUpperCase() === 'DISTINCT' ? 'DISTINCT ' : '';
    const orderBy =
      ctx.sortItem().length === 0
        ? ''
        : ` ORDER BY ${ctx
            .sortItem()
            .map((s) => this.emit(s))
            .join(', ')}`;
    const filter = ctx.filter() === null ? '' : ` ${this.emit(ctx.filter() as ParserRuleContext)}`;
    const over = ctx.over() === null ? '' : ` ${this.emit(ctx.over() as ParserRuleContext)}`;
    // Trino writes IGNORE NULLS after the call's parentheses, DuckDB inside them.
    const nulls =
      ctx.nullTreatment() === null ? '' : ` ${this.original(ctx.nullTreatment() as ParserRuleContext).toUpperCase()}`;
    const call: FunctionCall = {
      name,
      args,
      position,
      literal: (i) => {
        const text = expressions[i]?.getText();
        return text !== undefined && /^'(?:[^']|'')*'$/.test(text) ? stringValue(text) : undefined;
      },
      render: (fn, list = args) => `${fn}(${distinct}${list.join(', ')}${orderBy}${nulls})${filter}${over}`,
    };
    return entry.emit(call);
  }

  #listagg(ctx: ListAggContext): string {
    if (ctx.getText().toUpperCase().includes('ONOVERFLOWTRUNCATE'))
      throw new UnsupportedSqlError(
        'listagg … ON OVERFLOW TRUNCATE is not supported by local-athena',
        this.position(ctx),
      );
    const separator = ctx.string();
    const distinct = ctx.setQuantifier()?.getText().toUpperCase() === 'DISTINCT' ? 'DISTINCT ' : '';
    const order = ctx
      .sortItem()
      .map((s) => this.emit(s))
      .join(', ');
    const filter = ctx.filter() === null ? '' : ` ${this.emit(ctx.filter() as ParserRuleContext)}`;
    return `string_agg(${distinct}${this.emit(ctx.expression())}, ${separator === null ? "''" : this.emit(separator)} ORDER BY ${order})${filter}`;
  }

  #arithmetic(ctx: ArithmeticBinaryContext): string {
    const left = this.emit(ctx.valueExpression(0) as ParserRuleContext);
    const right = this.emit(ctx.valueExpression(1) as ParserRuleContext);
    const [leftUnit, rightUnit] = [0, 1].map((i) => intervalKind(ctx.valueExpression(i)));
    const shift = (kind: 'calendar' | 'clock') => (kind === 'calendar' ? 'athena_date_shift' : 'athena_time_shift');
    // Interval literals are checked by the shift macros themselves.
    // On a timestamp with time zone, Trino adds a day-to-second interval to the instant and a
    // year-to-month one on the UTC calendar (TimestampWithTimeZoneOperators), as DuckDB does in UTC.
    if (rightUnit !== undefined) return `${shift(rightUnit)}(${left}, ${ctx.MINUS() === null ? '' : '-'}${right})`;
    if (leftUnit !== undefined && ctx.PLUS() !== null) return `${shift(leftUnit)}(${right}, ${left})`;
    const value =
      ctx.SLASH() !== null
        ? `athena_divide(${left}, ${right})`
        : ctx.PERCENT() !== null
          ? `athena_modulus(${left}, ${right})`
          : this.children(ctx);
    return this.#checker === undefined ? value : this.#checker.arithmetic(ctx, value);
  }

  #cast(ctx: CastContext): string {
    const type = ctx.type();
    let value = this.emit(ctx.expression());
    // A timestamp with time zone cast to a local type reads its local date-time in its zone; to
    // varchar it prints as Athena prints it.
    const zone = this.zoneOf(ctx.expression());
    if (zone !== undefined && !(type instanceof DateTimeTypeContext && type.KW_WITH() !== null)) {
      if (type instanceof GenericTypeContext && /^(varchar|char)$/i.test(type.identifier().getText()))
        value = `(strftime(${localSql(value, zone)}, '%Y-%m-%d %H:%M:%S.%g') || ' ' || ${zoneTextSql(zone)})`;
      else value = localSql(value, zone);
    }
    const fn = ctx.KW_TRY_CAST() === null ? 'CAST' : 'TRY_CAST';
    const target = duckdbType(
      type,
      (n) => this.position(n),
      (n) => this.identifier(n as IdentifierContext),
    );
    // varchar(n) truncates in Athena; DuckDB ignores the length.
    const length =
      type instanceof GenericTypeContext && /^(varchar|char)$/i.test(type.identifier().getText())
        ? type.typeParameter(0)?.INTEGER_VALUE()?.getText()
        : undefined;
    const cast = `${fn}(${value} AS ${target})`;
    return length === undefined ? cast : `left(${cast}, ${length})`;
  }

  /** Trino's `VALUES 1, 2` (each expression a row) as DuckDB's `VALUES (1), (2)`. */
  #values(ctx: InlineTableContext): string {
    const rows = ctx.expression().map((row) => {
      const text = this.emit(row);
      const isRow = row.getText().startsWith('(') && this.#isRowConstructor(row);
      return isRow ? text : `(${text})`;
    });
    return `VALUES ${rows.join(', ')}`;
  }

  #isRowConstructor(node: ParseTree): boolean {
    let current: ParseTree | null = node;
    while (current !== null && current.getChildCount() === 1 && !(current instanceof RowConstructorContext))
      current = current.getChild(0);
    return current instanceof RowConstructorContext;
  }

  /** Athena names an unaliased select item that is not a column `_colN` (N its 0-based position). */
  #selectItem(ctx: SelectItemContext): string {
    const items = (ctx.parent?.children ?? []).filter((c): c is SelectItemContext => c instanceof SelectItemContext);
    const specification = ctx.parent?.parent;
    const last = items.at(-1) === ctx && !items.some(isStar) && specification instanceof QuerySpecificationContext;
    let zones = '';
    if (last && specification === this.top)
      zones = this.zoneColumnsFor(items, specification, (i) => `"${zoneResultColumn(i)}"`, false);
    else if (last && this.isDerived(specification))
      zones = this.zoneColumnsFor(
        items,
        specification,
        (i) => `"${`${this.outputName(items[i] as SelectItemContext, i)}$zone`.replaceAll('"', '""')}"`,
        true,
      );
    return this.#namedSelectItem(ctx) + zones;
  }

  #namedSelectItem(ctx: SelectItemContext): string {
    const text = this.children(ctx);
    const expression = ctx.selectExpressionColumnName();
    if (expression === null || ctx.identifier() !== null) return text;
    const index = (ctx.parent?.children ?? []).filter((c) => c instanceof SelectItemContext).indexOf(ctx);
    return this.#isColumn(expression) ? text : `${text} AS _col${index}`;
  }

  #isColumn(node: ParseTree): boolean {
    let current: ParseTree | null = node;
    while (current !== null && current.getChildCount() === 1) current = current.getChild(0);
    const name = current?.constructor.name;
    return (
      name === 'DereferenceContext' ||
      name === 'UnquotedIdentifierContext' ||
      name === 'QuotedIdentifierContext' ||
      (current !== null && current.parent?.constructor.name === 'QualifiedNameContext')
    );
  }

  #queryNoWith(ctx: QueryNoWithContext): string {
    // FETCH FIRST n ROWS ONLY is LIMIT n; WITH TIES has no DuckDB counterpart.
    if (ctx.KW_FETCH() === null) return this.children(ctx);
    if (ctx.getText().toUpperCase().includes('WITHTIES'))
      throw new UnsupportedSqlError('FETCH FIRST … WITH TIES is not supported by local-athena', this.position(ctx));
    let out = '';
    let fetching = false;
    for (const child of ctx.children ?? []) {
      if (child instanceof TerminalNode && child.getText().toUpperCase() === 'FETCH') fetching = true;
      if (!fetching) out += `${this.emit(child)} `;
    }
    const count = ctx._fetchFirst === undefined ? '1' : ctx._fetchFirst.getText();
    return `${out}LIMIT ${count}`;
  }

  #atTimeZone(ctx: AtTimeZoneContext): string {
    const zone = ctx.timeZoneSpecifier();
    if (!(zone instanceof TimeZoneStringContext))
      throw new UnsupportedSqlError(
        'AT TIME ZONE with an interval is not supported by local-athena',
        this.position(ctx),
      );
    // The same instant, shown in the zone (the translation keeps the zone: see zones.ts).
    athenaZone(stringValue(zone.string().getText()), this.position(zone));
    return `CAST(${this.emit(ctx.valueExpression())} AS TIMESTAMPTZ)`;
  }

  #extract(ctx: ExtractContext): string {
    const field = ctx.identifier().getText().toUpperCase();
    const fn = extractFields[field];
    if (fn === undefined) throw new AthenaSqlError(`Invalid EXTRACT field: ${field}`, this.position(ctx));
    const entry = athenaFunctions[fn];
    const zone = this.zoneOf(ctx.valueExpression());
    const value =
      zone === undefined ? this.emit(ctx.valueExpression()) : localSql(this.emit(ctx.valueExpression()), zone);
    return entry === undefined
      ? `${fn}(${value})`
      : entry.emit({
          name: fn,
          args: [value],
          position: this.position(ctx),
          literal: () => undefined,
          render: (name, list = [value]) => `${name}(${list.join(', ')})`,
        });
  }
}

/** Grammar constructs Athena accepts that local-athena does not translate. */
const unsupportedConstructs: readonly (readonly [abstract new (...args: never[]) => ParserRuleContext, string])[] = [
  [WithFunctionContext, 'WITH FUNCTION'],
  [JsonTableContext, 'JSON_TABLE'],
  [JsonQueryContext, 'JSON_QUERY'],
  [JsonValueContext, 'JSON_VALUE'],
  [JsonExistsContext, 'JSON_EXISTS'],
  [JsonObjectContext, 'JSON_OBJECT'],
  [JsonArrayContext, 'JSON_ARRAY'],
  [NormalizeContext, 'normalize()'],
  [MeasureContext, 'MEASURES'],
  [RowPatternContext, 'MATCH_RECOGNIZE'],
];

/**
 * Translates one Athena (Trino) statement to DuckDB SQL.
 *
 * @throws {AthenaSqlError} for SQL Athena would refuse.
 * @throws {UnsupportedSqlError} for Athena SQL local-athena cannot run.
 */
export function translateAthenaSql(sql: string, options: TranslateOptions = {}): Translation {
  const parsed = parseTrinoSql(sql);
  const statements = parsed.tree.statements();
  if (statements.length !== 1)
    throw new AthenaSqlError(statements.length === 0 ? 'No statement to run' : 'Run one statement at a time');
  const passthrough = new PassthroughTables();
  const checks: TypeCheck[] = [];
  const translator = new Translator(sql, options, passthrough);
  const statement = statements[0] as ParserRuleContext;
  translator.top = translator.topSpecification(statement);
  if ((options.zonedColumns?.size ?? 0) > 0) translator.prepareDerivedZones(statement);
  const duckdbSql = translator.emit(statement).replace(/;\s*$/, '');
  const checker = new Translator(sql, options, passthrough, { plain: translator, checks });
  checker.top = translator.top;
  if ((options.zonedColumns?.size ?? 0) > 0) checker.prepareDerivedZones(statement);
  const checkSql = checker.emit(statement).replace(/;\s*$/, '');
  const zoneColumns = translator.zoneColumns || (options.zonedColumns?.size ?? 0) > 0;
  return {
    duckdbSql,
    checkSql,
    checks,
    passthrough: passthrough.tables,
    columnZones: translator.columnZones(statement),
    zoneColumns,
  };
}
