/**
 * Everything Athena would push into one table scan, decided from the connector's capabilities: the
 * Constraints summary, V4 expressions, and LIMIT or top-N (ORDER BY … LIMIT). A limit reaches the
 * connector only when nothing is left for DuckDB to filter before it: the SELECT reads this one
 * table, keeps its rows (no aggregation, DISTINCT or window) and its whole WHERE clause is in the
 * summary, which core applies to every row before counting towards the limit. Expressions do not
 * qualify: a connector may use them to narrow its read, but nothing makes it apply them exactly.
 */
import { DataType, type Schema } from 'apache-arrow';
import {
  type Constraints,
  type DataSourceCapabilities,
  DataSourceOptimizations,
  type FederationExpression,
  OptimizationSubTypes,
  type OrderByField,
  type ValueSet,
} from '@athena-federation/connector-core';
import { advertisedFunctions, describeExpression, expressionsFor } from './expressions.js';
import { summaryFor, valueSetFor } from './constraint-summary.js';
import type { ColumnPredicate, QueryAnalysis, TableReference } from './pushdown.js';

/** What was pushed into one scan, for `--explain`. */
export interface PushedDown {
  /** Column → value set of the Constraints summary. */
  readonly summary: Readonly<Record<string, ValueSet>>;
  /** The V4 expressions sent. */
  readonly expression: readonly FederationExpression[];
  /** The limit sent (per split, as Athena sends it), if any. */
  readonly limit: bigint | undefined;
  /** The top-N order sent with the limit, if any. */
  readonly orderBy: readonly OrderByField[];
  /** Columns whose summary came from the other side of a join (dynamic filtering). */
  readonly dynamicFilters: readonly string[];
}

/** One scan's constraints and the account of them. */
export interface ScanPlan {
  readonly constraints: Partial<Constraints>;
  readonly pushed: PushedDown;
}

const alias = (p: ColumnPredicate, table: TableReference, alone: boolean) =>
  p.alias === undefined ? alone : p.alias.toLowerCase() === table.alias.toLowerCase();

/**
 * True when `summary` says exactly what the WHERE clause of `table`'s SELECT says: every conjunct
 * is a predicate on one of this table's columns, one per column, and its value set is not the
 * looser "not null" that {@link valueSetFor} falls back to.
 */
export function summaryIsExact(
  table: TableReference,
  schema: Schema,
  analysis: QueryAnalysis,
  summary: Readonly<Record<string, ValueSet>>,
): boolean {
  const alone = analysis.tables.filter((t) => t.scope === table.scope).length === 1;
  const inScope = analysis.predicates.filter((p) => p.scope === table.scope);
  return analysis.conjuncts.every((conjunct, index) => {
    if (conjunct.scope !== table.scope) return true;
    const predicate = inScope.find((p) => p.conjunct === index);
    if (predicate === undefined || !alias(predicate, table, alone)) return false;
    const field = schema.fields.find((f) => f.name.toLowerCase() === predicate.column.toLowerCase());
    if (field === undefined || inScope.filter((p) => p.column.toLowerCase() === field.name.toLowerCase()).length !== 1)
      return false;
    const set = summary[field.name];
    if (set === undefined) return false;
    return predicate.op === 'is_not_null' || !(set['@type'] === 'AllOrNoneValueSet' && set.all);
  });
}

const has = (capabilities: DataSourceCapabilities, name: string, subType: string) =>
  (capabilities[name] ?? []).some((s) => s.subType === subType);

/** LIMIT or top-N for the scan, when advertised and safe (see the file comment). */
function limitFor(
  table: TableReference,
  schema: Schema,
  analysis: QueryAnalysis,
  summary: Readonly<Record<string, ValueSet>>,
  capabilities: DataSourceCapabilities,
): { limit: bigint; orderByClause: OrderByField[] } | undefined {
  const shape = analysis.selects[table.scope];
  if (
    shape?.limit === undefined ||
    !table.pushable ||
    !shape.singleTable ||
    !shape.rowPreserving ||
    shape.orderBy === undefined
  )
    return undefined;
  if (!summaryIsExact(table, schema, analysis, summary)) return undefined;
  if (shape.orderBy.length === 0)
    return has(capabilities, DataSourceOptimizations.limitPushdown, OptimizationSubTypes.integerConstant)
      ? { limit: shape.limit, orderByClause: [] }
      : undefined;
  if (!has(capabilities, DataSourceOptimizations.topNPushdown, OptimizationSubTypes.supportsOrderBy)) return undefined;
  // A source that sorts strings by its own collation would pick a different top N.
  const collates = has(capabilities, DataSourceOptimizations.dataSourceHints, OptimizationSubTypes.nonDefaultCollate);
  const orderByClause: OrderByField[] = [];
  for (const item of shape.orderBy) {
    if (item.alias !== undefined && item.alias.toLowerCase() !== table.alias.toLowerCase()) return undefined;
    // `ORDER BY x` means the select list's `… AS x` when there is one.
    if (item.alias === undefined && shape.computedAliases.has(item.column.toLowerCase())) return undefined;
    const field = schema.fields.find((f) => f.name.toLowerCase() === item.column.toLowerCase());
    if (field === undefined || (collates && DataType.isUtf8(field.type))) return undefined;
    orderByClause.push({
      columnName: field.name,
      direction: `${item.descending ? 'DESC' : 'ASC'}_NULLS_${item.nullsFirst ? 'FIRST' : 'LAST'}`,
    });
  }
  return { limit: shape.limit, orderByClause };
}

/**
 * The constraints for scanning `table` (whose schema GetTable returned) given what the connector
 * advertises, with `joinKeys` (column → distinct values read from the other side of an inner
 * equi-join) added to the summary where the WHERE clause left the column free.
 */
export function planScan(
  table: TableReference,
  schema: Schema,
  analysis: QueryAnalysis,
  capabilities: DataSourceCapabilities,
  joinKeys: ReadonlyMap<string, readonly unknown[]> = new Map(),
): ScanPlan {
  const summary = summaryFor(table, schema, analysis);
  const dynamicFilters: string[] = [];
  for (const [column, values] of joinKeys) {
    const field = schema.fields.find((f) => f.name.toLowerCase() === column.toLowerCase());
    if (field === undefined || summary[field.name] !== undefined) continue;
    const set = valueSetFor(field, [{ scope: table.scope, alias: table.alias, column: field.name, op: 'in', values }]);
    if (set !== undefined) {
      summary[field.name] = set;
      dynamicFilters.push(field.name);
    }
  }
  const expression = expressionsFor(table, schema, analysis, advertisedFunctions(capabilities));
  const limit = dynamicFilters.length === 0 ? limitFor(table, schema, analysis, summary, capabilities) : undefined;
  return {
    constraints: {
      summary,
      expression,
      ...(limit === undefined ? {} : { limit: limit.limit, orderByClause: limit.orderByClause }),
    },
    pushed: { summary, expression, limit: limit?.limit, orderBy: limit?.orderByClause ?? [], dynamicFilters },
  };
}

/** One line per pushed part, e.g. `summary region, score; expression (name LIKE 'A%'); top-N 5 by id ASC_NULLS_LAST`. */
export function describePushdown(pushed: PushedDown): string {
  const parts: string[] = [];
  const summary = Object.keys(pushed.summary);
  if (summary.length > 0)
    parts.push(
      `summary ${summary.join(', ')}${pushed.dynamicFilters.length === 0 ? '' : ` (join keys: ${pushed.dynamicFilters.join(', ')})`}`,
    );
  if (pushed.expression.length > 0) parts.push(`expression ${pushed.expression.map(describeExpression).join(' AND ')}`);
  if (pushed.limit !== undefined)
    parts.push(
      pushed.orderBy.length === 0
        ? `limit ${pushed.limit}`
        : `top-N ${pushed.limit} by ${pushed.orderBy.map((o) => `${o.columnName} ${o.direction}`).join(', ')}`,
    );
  return parts.length === 0 ? 'nothing' : parts.join('; ');
}
