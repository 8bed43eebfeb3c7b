/**
 * The SQL pushdown kit (`@athena-federation/connector-core/sql`): summaries, V4 expressions, LIMIT
 * and ORDER BY … LIMIT as parameterised SQL that keeps at least every row Athena keeps, with a
 * {@link SqlDialect} for what differs between engines. CONTRIBUTING.md, "A SQL plugin", walks
 * through it.
 */
export { PARAMETER, quoteName } from './sql-dialect.js';
export type {
  ExpressionOperandRequest,
  SqlColumn,
  SqlDialect,
  SqlFragment,
  SqlParam,
  SqlPredicate,
  SqlValueClass,
  SummaryForm,
  SummaryTraits,
} from './sql-dialect.js';
export { valueSetPredicate } from './sql-summary.js';
export { PUSHED_FUNCTIONS, rewriteLikePattern, translateExpressions } from './sql-expressions.js';
export type { ColumnLookup, ExpressionPushdown } from './sql-expressions.js';
export { buildSelect, columnLookup, orderByTerms, renderPlaceholders } from './sql-select.js';
export type { SelectSpec, SelectStatement } from './sql-select.js';
export { integerIntervals } from './sql-intervals.js';
export type { IntegerInterval } from './sql-intervals.js';
