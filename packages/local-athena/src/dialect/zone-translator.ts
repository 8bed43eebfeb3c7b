/**
 * The zone side of the translation (see zones.ts): which zone a timestamp with time zone expression
 * has — stated by the SQL or read per value from a companion zone column — and the calls and result
 * columns that depend on it. The Translator (translate.ts) extends it.
 */
import { type ParserRuleContext, type ParseTree, TerminalNode } from 'antlr4ng';
import {
  ArithmeticBinaryContext,
  AtTimeZoneContext,
  CastContext,
  ColumnRefContext,
  ColumnReferenceContext,
  DateTimeTypeContext,
  DereferenceContext,
  FunctionCallContext,
  IntervalContext,
  ListAggContext,
  NamedQueryContext,
  ParenthesizedExpressionContext,
  QueryContext,
  QuerySpecificationContext,
  QueryStatementContext,
  type SelectItemContext,
  SetOperationContext,
  SubqueryRelationContext,
  TimeZoneStringContext,
  TypeConstructorContext,
} from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import type { SqlPosition } from './errors.js';
import { athenaFunctions } from './functions.js';
import { type Zone, athenaZone, instantSql, iso8601Zone, localSql, offsetSuffixSql, zoneTextSql } from './zones.js';

/** Functions that read a timestamp with time zone's local fields: given its local date-time in the value's zone. */
const localFieldFunctions = new Set([
  'year',
  'quarter',
  'month',
  'week',
  'week_of_year',
  'day',
  'day_of_month',
  'day_of_week',
  'dow',
  'day_of_year',
  'doy',
  'year_of_week',
  'yow',
  'hour',
  'minute',
  'second',
  'millisecond',
  'date',
  'last_day_of_month',
  'date_format',
]);

/** date_add units that Athena adds on a zoned value's local calendar. */
const calendarUnits = ['day', 'week', 'month', 'quarter', 'year'];

/** `TIMESTAMP '2024-01-01 10:00 Europe/Berlin'`: the local part and the zone. */
export const zonedTimestampLiteral = /^(.*\d)\s*([+-]\d{1,2}(?::?\d{2})?|[A-Za-z][\w/+-]*)$/s;

/** Options of {@link translateAthenaSql}. */
export interface TranslateOptions {
  /** The catalog a `TABLE(system.query(…))` without one means (Athena's query context). */
  readonly defaultCatalog?: string;
  /**
   * Lower-case names of the query's connector columns whose values each carry a zone (Arrow
   * Timestamp(MILLISECOND, tz)): their tables hold each value's zone id in a companion column
   * `name$zone`, which the translation reads wherever it needs the value's zone.
   */
  readonly zonedColumns?: ReadonlySet<string>;
}

/** The name of the result column holding the zones of result column `index`'s values. */
export function zoneResultColumn(index: number): string {
  return `$zone${index}`;
}

/** The value of a SQL string literal's text (`'it''s'` → `it's`). */
export function stringValue(literal: string): string {
  return literal.slice(1, -1).replaceAll("''", "'");
}

/** `value` as a SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Whether a SELECT is the body of a CTE or of a FROM subquery, not under a set operation. */
export function isDerivedTable(specification: QuerySpecificationContext): boolean {
  let node: ParseTree | null = specification.parent;
  while (node !== null && !(node instanceof QueryContext)) {
    if (node instanceof SetOperationContext) return false;
    node = node.parent;
  }
  return node !== null && (node.parent instanceof NamedQueryContext || node.parent instanceof SubqueryRelationContext);
}

/** Whether a select item is `*` or `t.*`. */
export const isStar = (item: SelectItemContext) =>
  item.tableAllColumns() !== null || item.selectAllWithoutTable() !== null;

/** A string literal's text, with its quotes (`'2024-01-01'`), or undefined. */
export function stringLiteral(node: ParseTree): string | undefined {
  const text = node.getText();
  return /^'(?:[^']|'')*'$/.test(text) ? text : undefined;
}

/**
 * Whether the node is an interval literal of days, months or years (added to a date, it gives a
 * date) or of hours, minutes or seconds (which Athena does not add to a date).
 */
export function intervalKind(node: ParseTree | null): 'calendar' | 'clock' | undefined {
  let current: ParseTree | null = node;
  while (current !== null && !(current instanceof IntervalContext) && current.getChildCount() === 1)
    current = current.getChild(0);
  if (!(current instanceof IntervalContext)) return undefined;
  return current.intervalField().every((f) => ['YEAR', 'MONTH', 'DAY'].includes(f.getText().toUpperCase()))
    ? 'calendar'
    : 'clock';
}

/** What the zone side needs of the translator that extends it. */
export abstract class ZoneTranslator {
  protected readonly options: TranslateOptions;

  constructor(options: TranslateOptions) {
    this.options = options;
  }

  abstract emit(node: ParseTree): string;
  abstract position(node: ParseTree): SqlPosition;
  /** The node's text as the user wrote it. */
  abstract original(node: ParseTree): string;
  /** The translation without type checks (itself when it adds none): zone SQL registers no checks. */
  protected abstract get plainTranslator(): ZoneTranslator;

  /**
   * The time zone the SQL states for a timestamp with time zone value, or undefined (UTC, or not
   * known before the query binds: a column, a zone that is not a literal). See zones.ts.
   */
  zoneOf(node: ParseTree | null | undefined): Zone | undefined {
    let current: ParseTree | null | undefined = node;
    while (
      current !== null &&
      current !== undefined &&
      current.getChildCount() === 1 &&
      !(current instanceof TerminalNode) &&
      !(current instanceof ColumnReferenceContext) &&
      !(current instanceof ColumnRefContext)
    )
      current = current.getChild(0);
    if (current === null || current === undefined) return undefined;
    if (
      current instanceof ColumnReferenceContext ||
      current instanceof DereferenceContext ||
      current instanceof ColumnRefContext
    )
      return this.#columnZone(current);
    if (current instanceof ParenthesizedExpressionContext) return this.zoneOf(current.expression());
    if (current instanceof TypeConstructorContext) {
      if ((current.identifier()?.getText() ?? '').toLowerCase() !== 'timestamp') return undefined;
      const zone = zonedTimestampLiteral.exec(stringValue(current.string().getText()).trim())?.[2];
      return zone === undefined ? undefined : this.#zone(athenaZone(zone, this.position(current)));
    }
    if (current instanceof AtTimeZoneContext) {
      const zone = current.timeZoneSpecifier();
      const literal = zone instanceof TimeZoneStringContext ? stringLiteral(zone.string()) : undefined;
      return literal === undefined ? undefined : this.#zone(athenaZone(stringValue(literal), this.position(zone)));
    }
    if (current instanceof CastContext) {
      const type = current.type();
      return type instanceof DateTimeTypeContext && type.KW_WITH() !== null
        ? this.zoneOf(current.expression())
        : undefined;
    }
    if (current instanceof ArithmeticBinaryContext && (current.PLUS() !== null || current.MINUS() !== null)) {
      const [left, right] = [current.valueExpression(0), current.valueExpression(1)];
      if (intervalKind(right) !== undefined) return this.zoneOf(left);
      if (intervalKind(left) !== undefined) return this.zoneOf(right);
      return undefined;
    }
    if (current instanceof FunctionCallContext) {
      const name = this.original(current.functionName()).toLowerCase();
      const args = current.expression();
      const literal = (i: number) => {
        const text = args[i] === undefined ? undefined : stringLiteral(args[i] as ParseTree);
        return text === undefined ? undefined : stringValue(text);
      };
      if (name === 'at_timezone' || name === 'with_timezone') {
        const zone = literal(1);
        if (zone === undefined) return args[1] === undefined ? undefined : { sql: this.plainTranslator.emit(args[1]) };
        return this.#zone(athenaZone(zone, this.position(current)));
      }
      if (name === 'from_iso8601_timestamp') {
        const text = literal(0);
        // Each text's own offset, when it is not a literal.
        if (text === undefined)
          return args[0] === undefined
            ? undefined
            : { sql: `athena_iso8601_zone(${(this.plainTranslator).emit(args[0])})` };
        return this.#zone(iso8601Zone(text));
      }
      if (name === 'date_trunc') return this.zoneOf(args[1]);
      // The extreme value keeps its own zone (ties by instant: one of theirs, as on Athena).
      if (
        (name === 'max' || name === 'min') &&
        args.length === 1 &&
        current.over() === null &&
        current.setQuantifier() === null &&
        current.filter() === null
      ) {
        const zone = this.zoneOf(args[0]);
        if (zone === undefined || typeof zone === 'string' || zone.aggregate === true) return zone;
        return {
          sql: `arg_${name}(${zone.sql}, ${(this.plainTranslator).emit(args[0] as ParseTree)})`,
          aggregate: true,
        };
      }
      if (name === 'date_add') return this.zoneOf(args[2]);
    }
    return undefined;
  }

  #zone(zone: string): string | undefined {
    return zone === 'UTC' ? undefined : zone;
  }

  /** A connector column whose values each carry a zone: its companion column `name$zone` (see duckdb-tables.ts). */
  #columnZone(ctx: ColumnReferenceContext | DereferenceContext | ColumnRefContext): Zone | undefined {
    // The qualifier (`e.`, `log.events.`) and the column name, as the translation writes them.
    const parts = this.plainTranslator.emit(ctx).split(/\.(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    const column = (parts.pop() ?? '').replace(/^"|"$/g, '').replaceAll('""', '"').toLowerCase();
    if (this.options.zonedColumns?.has(column) !== true && !this.#derivedZoned.has(column)) return undefined;
    return { sql: [...parts, `"${`${column}$zone`.replaceAll('"', '""')}"`].join('.') };
  }

  /** Each result column's zone (see {@link Translation.columnZones}): the first SELECT's items, unless one is `*`. */
  columnZones(statement: ParserRuleContext): (string | undefined)[] {
    let query: ParseTree | null = statement;
    while (query !== null && !(query instanceof QueryStatementContext) && query.getChildCount() > 0)
      query = query.getChild(0);
    if (!(query instanceof QueryStatementContext)) return [];
    const stack: ParseTree[] = [query.queryNoWith()];
    let specification: QuerySpecificationContext | undefined;
    while (stack.length > 0 && specification === undefined) {
      const node = stack.shift() as ParseTree;
      if (node instanceof QuerySpecificationContext) specification = node;
      else for (let i = 0; i < node.getChildCount(); i++) stack.push(node.getChild(i) as ParseTree);
    }
    const items = specification?.selectList().selectItem() ?? [];
    if (items.some(isStar)) return [];
    return items.map((item) => {
      const zone = this.zoneOf(item.selectExpressionColumnName() ?? item.selectLiteralColumnName());
      return typeof zone === 'string' ? zone : undefined;
    });
  }

  /**
   * The top-level SELECT whose items get a companion result column with each value's zone when
   * it is known per value (`$zone<i>`, see {@link zoneResultColumn}); none under a set operation,
   * whose sides must keep the same columns.
   */
  topSpecification(statement: ParserRuleContext): QuerySpecificationContext | undefined {
    let query: ParseTree | null = statement;
    while (query !== null && !(query instanceof QueryStatementContext) && query.getChildCount() > 0)
      query = query.getChild(0);
    if (!(query instanceof QueryStatementContext)) return undefined;
    const stack: ParseTree[] = [query.queryNoWith()];
    while (stack.length > 0) {
      const node = stack.shift() as ParseTree;
      if (node instanceof SetOperationContext) return undefined;
      if (node instanceof QuerySpecificationContext) return node;
      for (let i = 0; i < node.getChildCount(); i++) stack.push(node.getChild(i) as ParseTree);
    }
    return undefined;
  }

  /** Set before emitting: the SELECT whose items' per-value zones become result columns. */
  top: QuerySpecificationContext | undefined;
  /** Whether the emitted SQL has companion zone columns (see {@link Translation.zoneColumns}). */
  zoneColumns = false;
  /** SELECTs of CTEs and FROM subqueries whose zoned items get companion zone columns (`"name$zone"`). */
  readonly #derived = new Set<QuerySpecificationContext>();
  /** Whether a SELECT's zoned items get companion zone columns (see {@link prepareDerivedZones}). */
  protected isDerived(specification: QuerySpecificationContext): boolean {
    return this.#derived.has(specification);
  }

  /** Output names of those items: a reference to one reads its companion. */
  readonly #derivedZoned = new Set<string>();

  /**
   * Before emitting, when the query has zoned connector columns: finds the SELECTs of CTEs and FROM
   * subqueries (not under a set operation, whose sides must keep their columns), innermost first,
   * and the names of their items that carry a zone, so that outer references to them read it.
   */
  prepareDerivedZones(statement: ParserRuleContext): void {
    const specifications: QuerySpecificationContext[] = [];
    const visit = (node: ParseTree) => {
      for (let i = 0; i < node.getChildCount(); i++) visit(node.getChild(i) as ParseTree);
      if (node instanceof QuerySpecificationContext && node !== this.top && isDerivedTable(node))
        specifications.push(node);
    };
    visit(statement);
    for (const specification of specifications) {
      this.#derived.add(specification);
      const items = specification.selectList().selectItem();
      if (items.some(isStar)) continue;
      items.forEach((item, i) => {
        if (this.zoneOf(item.selectExpressionColumnName() ?? item.selectLiteralColumnName()) !== undefined)
          this.#derivedZoned.add(this.outputName(item, i));
      });
    }
  }

  /** The name a select item's column has outside its SELECT: its alias, its column's name, or `_colN`. */
  protected outputName(item: SelectItemContext, index: number): string {
    const alias = item.identifier();
    const text =
      alias !== null
        ? alias.getText()
        : (item
            .selectLiteralColumnName()
            ?.getText()
            .split(/\.(?=(?:[^"]*"[^"]*")*[^"]*$)/)
            .pop() ?? `_col${index}`);
    return text.replace(/^"|"$/g, '').replaceAll('""', '"').toLowerCase();
  }

  /**
   * `, zone AS name` for each item whose zone is known per value (and, with `stated`, also for those
   * whose zone the SQL states, so it reaches outer references).
   */
  protected zoneColumnsFor(
    items: readonly SelectItemContext[],
    specification: QuerySpecificationContext,
    name: (index: number) => string,
    stated: boolean,
  ): string {
    const grouped = specification.groupBy() !== null || items.some((item) => this.#hasAggregate(item));
    return items
      .map((item, i) => {
        const zone = this.zoneOf(item.selectExpressionColumnName() ?? item.selectLiteralColumnName());
        if (zone === undefined || (typeof zone === 'string' && !stated)) return '';
        const sql = zoneTextSql(zone);
        // Grouped rows share one instant, and Athena shows one of its values' zones.
        this.zoneColumns = true;
        return `, ${grouped && typeof zone !== 'string' && zone.aggregate !== true ? `any_value(${sql})` : sql} AS ${name(i)}`;
      })
      .join('');
  }

  #hasAggregate(node: ParseTree): boolean {
    if (
      node instanceof FunctionCallContext &&
      node.over() === null &&
      athenaFunctions[this.original(node.functionName()).toLowerCase()]?.kind === 'aggregate'
    )
      return true;
    if (node instanceof ListAggContext) return true;
    for (let i = 0; i < node.getChildCount(); i++) if (this.#hasAggregate(node.getChild(i) as ParseTree)) return true;
    return false;
  }

  /**
   * A call whose answer depends on the zone of a timestamp with time zone argument: its local
   * fields read in that zone, `at_timezone`/`with_timezone` with a literal zone, date_trunc in the
   * zone, to_iso8601 with the zone's offset. Args are modified in place for the local-field functions.
   */
  protected zonedCall(name: string, expressions: readonly ParserRuleContext[], args: string[]): string | undefined {
    const literalZone = () => {
      const text = expressions[1] === undefined ? undefined : stringLiteral(expressions[1]);
      return text === undefined ? undefined : athenaZone(stringValue(text), this.position(expressions[1] as ParseTree));
    };
    // The zone is the translation's (see zones.ts): stated, or read per value from the zone argument.
    const zoneArgument = () => literalZone() ?? { sql: args[1] ?? "'UTC'" };
    // The same instant, now shown in the zone.
    if (name === 'at_timezone') return `CAST(${args[0] ?? ''} AS TIMESTAMPTZ)`;
    if (name === 'with_timezone') return instantSql(args[0] ?? '', zoneArgument());
    if (!localFieldFunctions.has(name) && name !== 'date_trunc' && name !== 'to_iso8601' && name !== 'date_add')
      return undefined;
    const zone = this.zoneOf(expressions[name === 'date_trunc' ? 1 : name === 'date_add' ? 2 : 0]);
    if (zone === undefined) return undefined;
    if (name === 'date_add') {
      // Days, weeks, months and years are added on the zone's calendar (across a DST change the
      // instant moves by 23 or 25 hours); smaller units on the instant.
      const unit = stringLiteral(expressions[0] as ParseTree);
      if (unit === undefined || !calendarUnits.includes(stringValue(unit).toLowerCase())) return undefined;
      return instantSql(`athena_date_add(${args[0] ?? ''}, ${args[1] ?? ''}, ${localSql(args[2] ?? '', zone)})`, zone);
    }
    if (localFieldFunctions.has(name)) {
      args[0] = localSql(args[0] ?? '', zone);
      return undefined;
    }
    if (name === 'date_trunc')
      return instantSql(`athena_date_trunc(${args[0] ?? ''}, ${localSql(args[1] ?? '', zone)})`, zone);
    if (name === 'to_iso8601')
      return `(strftime(${localSql(args[0] ?? '', zone)}, '%Y-%m-%dT%H:%M:%S.%g') || ${offsetSuffixSql(args[0] ?? '', zone)})`;
    return undefined;
  }
}
