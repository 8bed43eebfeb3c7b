/**
 * A split's SELECT: projected columns, pushed summary predicates and expressions ANDed with the
 * split's own, `ORDER BY` for a top-N, and `LIMIT` only when the engine's rows are exactly
 * Athena's. Every value from a request is a bound parameter; nothing from a request is SQL text.
 */
import type { Constraints, OrderByField } from '../protocol/types.js';
import { ConnectorError } from '../errors.js';
import {
  PARAMETER,
  quoteName,
  type SqlColumn,
  type SqlDialect,
  type SqlFragment,
  type SqlParam,
  type SqlPredicate,
} from './sql-dialect.js';
import { type ColumnLookup, translateExpressions } from './sql-expressions.js';
import { valueSetPredicate } from './sql-summary.js';

/** The table column Athena means by `name`: the exact name, else the one case-insensitive match. */
export function columnLookup<Column extends SqlColumn>(columns: readonly Column[]): ColumnLookup<Column> {
  return (name) => {
    const exact = columns.find((c) => c.name === name);
    if (exact !== undefined) return exact;
    const matches = columns.filter((c) => c.name.toLowerCase() === name.toLowerCase());
    return matches.length === 1 ? matches[0] : undefined;
  };
}

/** `ORDER BY` terms for Athena's order, or undefined when some field has no exact sort key. */
export function orderByTerms<Column extends SqlColumn>(
  dialect: SqlDialect<Column>,
  fields: readonly OrderByField[],
  lookup: ColumnLookup<Column>,
): string[] | undefined {
  const terms: string[] = [];
  for (const field of fields) {
    const column = lookup(field.columnName);
    const key = column === undefined ? undefined : dialect.sortKey(column, quoteName(dialect, column.name));
    if (key === undefined) return undefined;
    terms.push(...dialect.orderTerms(key, field.direction.startsWith('DESC'), field.direction.endsWith('NULLS_FIRST')));
  }
  return terms;
}

/**
 * Replaces each {@link PARAMETER} mark with the dialect's placeholder, numbered from `first`.
 * Fragments keep marks until the statement is whole, so numbering follows `params` order.
 */
export function renderPlaceholders<Column extends SqlColumn>(
  dialect: SqlDialect<Column>,
  sql: string,
  first = 1,
): string {
  let index = first - 1;
  return sql.replaceAll(PARAMETER, () => dialect.placeholder(++index));
}

/**
 * A statement's budget: a predicate that would cross the engine's placeholder or size limit (a
 * dynamic filter from a large table) is not pushed, and Athena (and core's re-check) filter instead.
 */
function statementBudget<Column extends SqlColumn>(dialect: SqlDialect<Column>) {
  let placeholders = 0;
  let bytes = 0;
  const cost = (p: SqlFragment) =>
    Buffer.byteLength(p.sql) +
    p.params.reduce<number>(
      (n, v) => n + (typeof v === 'string' ? Buffer.byteLength(v) : v instanceof Uint8Array ? v.byteLength : 8),
      0,
    );
  const take = (p: SqlFragment) => {
    placeholders += p.params.length;
    bytes += cost(p);
  };
  return {
    take,
    /** Takes `p` into the statement if it fits. */
    admits(p: SqlFragment): boolean {
      if (placeholders + p.params.length > dialect.maxParameters || bytes + cost(p) > dialect.maxStatementBytes)
        return false;
      take(p);
      return true;
    },
  };
}

/** What one split reads. */
export interface SelectSpec<Column extends SqlColumn> {
  readonly schemaName: string;
  readonly tableName: string;
  /** Projected columns, in the order rows are yielded. */
  readonly columns: readonly Column[];
  /** Every column of the table, to find constrained columns that are not projected. */
  readonly tableColumns: readonly Column[];
  readonly constraints: Constraints;
  /** Extra WHERE conjuncts from the split (key ranges), with {@link PARAMETER} marks for their values. */
  readonly splitPredicates: readonly SqlFragment[];
  /** A named partition to read, through {@link SqlDialect.partitionClause}. */
  readonly partition?: string;
}

/** A split's statement, and whether the engine applies every expression and the order exactly. */
export interface SelectStatement {
  /** The SQL with the dialect's placeholders. */
  readonly sql: string;
  readonly params: readonly SqlParam[];
  /**
   * Every expression translated, and the ORDER BY too when there is one: then the rows the engine
   * returns are the ones Athena keeps, in Athena's order, and core may stop at the limit
   * (`confirmExactPushdown`). Otherwise the split is read whole and Athena filters and sorts.
   */
  readonly exactPushdown: boolean;
}

/** The WHERE conjuncts of a split and whether they keep exactly Athena's rows. */
function whereClause<Column extends SqlColumn>(
  dialect: SqlDialect<Column>,
  spec: SelectSpec<Column>,
  lookup: ColumnLookup<Column>,
) {
  const byName = new Map(spec.tableColumns.map((c) => [c.name, c]));
  const where: SqlFragment[] = [...spec.splitPredicates];
  const budget = statementBudget(dialect);
  for (const predicate of spec.splitPredicates) budget.take(predicate);
  const pushed = translateExpressions(dialect, spec.constraints.expression, lookup);
  let expressionsExact = pushed.complete;
  for (const conjunct of pushed.conjuncts) {
    if (budget.admits(conjunct)) where.push(conjunct);
    else expressionsExact = false;
  }
  let summaryExact = true;
  for (const [name, set] of Object.entries(spec.constraints.summary)) {
    const column = byName.get(name);
    if (column === undefined) {
      summaryExact = false;
      continue;
    }
    const predicate: SqlPredicate | undefined = valueSetPredicate(dialect, column, set);
    if (predicate === undefined || !budget.admits(predicate)) {
      if (!(set['@type'] === 'AllOrNoneValueSet' && set.all && set.nullAllowed)) summaryExact = false;
      continue;
    }
    where.push(predicate);
    summaryExact &&= predicate.exact;
  }
  return { where, expressionsExact, summaryExact };
}

/**
 * The statement for a split. LIMIT and top-N apply to this split only; Athena applies its own
 * LIMIT / top-N to all splits. An expression or sort key the engine cannot evaluate as Athena does
 * is left to Athena: no LIMIT then, and `exactPushdown` false, so core reads on instead of stopping
 * at rows Athena would drop.
 */
export function buildSelect<Column extends SqlColumn>(
  dialect: SqlDialect<Column>,
  spec: SelectSpec<Column>,
): SelectStatement {
  const lookup = columnLookup(spec.tableColumns);
  const { where, expressionsExact, summaryExact } = whereClause(dialect, spec, lookup);
  let exactPushdown = expressionsExact;
  const limit = spec.constraints.limit;
  const select =
    spec.columns.length === 0
      ? 'NULL'
      : spec.columns.map((c) => dialect.selectExpression(c, quoteName(dialect, c.name))).join(', ');
  let sql = `SELECT ${select} FROM ${quoteName(dialect, spec.schemaName)}.${quoteName(dialect, spec.tableName)}`;
  if (spec.partition !== undefined) {
    if (dialect.partitionClause === undefined)
      throw new ConnectorError(
        'InvalidInput',
        `The split names partition ${JSON.stringify(spec.partition)}, but this SQL dialect reads no partitions`,
      );
    sql += ` ${dialect.partitionClause(quoteName(dialect, spec.partition))}`;
  }
  if (where.length > 0) sql += ` WHERE ${where.map((p) => p.sql).join(' AND ')}`;
  const params: SqlParam[] = where.flatMap((p) => p.params);
  if (limit >= 0n && spec.constraints.orderByClause.length > 0) {
    const terms = orderByTerms(dialect, spec.constraints.orderByClause, lookup);
    // Even when LIMIT stays out of the SQL (a loosened summary filter), the order lets core's own
    // limit keep the right rows: it drops the extras and stops at the limit in this order.
    if (terms !== undefined) sql += ` ORDER BY ${terms.join(', ')}`;
    else exactPushdown = false;
  } else if (spec.constraints.orderByClause.length > 0) {
    // An ordering without a limit needs no sort here; Athena sorts, and core has no limit to apply.
    exactPushdown = false;
  }
  if (summaryExact && exactPushdown && limit >= 0n) {
    // A decimal string, as for every parameter: MySQL 8.0.22+ refuses a DOUBLE for LIMIT.
    sql += ` ${dialect.limitClause(PARAMETER)}`;
    params.push(String(limit));
  }
  return { sql: renderPlaceholders(dialect, sql), params, exactPushdown };
}
