/**
 * V4 complex expressions as MySQL SQL: core's SQL kit translates them with the MySQL dialect
 * (aurora-dialect.ts), only where MySQL computes exactly what Athena computes; everything else is
 * left to Athena. This module keeps the names the connector and its tests use.
 */
import type { FederationExpression } from '@athena-federation/connector-core';
import { renderPlaceholders, translateExpressions as translateWithKit } from '@athena-federation/connector-core/sql';
import type { ColumnLookup as KitColumnLookup, ExpressionPushdown } from '@athena-federation/connector-core/sql';
import { mysqlDialect } from './aurora-dialect.js';
import type { MappedColumn } from './aurora-types.js';

export { PUSHED_FUNCTIONS } from '@athena-federation/connector-core/sql';
export type { ExpressionPushdown } from '@athena-federation/connector-core/sql';

/** Resolves a column of the table by the name Athena uses (case-insensitively), or undefined. */
export type ColumnLookup = KitColumnLookup<MappedColumn>;

/** The pushed conjuncts of `expressions` with `?` placeholders, and whether every conjunct was pushed. */
export function translateExpressions(
  expressions: readonly FederationExpression[],
  lookup: ColumnLookup,
): ExpressionPushdown {
  const pushed = translateWithKit(mysqlDialect, expressions, lookup);
  return {
    complete: pushed.complete,
    conjuncts: pushed.conjuncts.map((c) => ({ sql: renderPlaceholders(mysqlDialect, c.sql), params: c.params })),
  };
}
