/**
 * Aurora MySQL's SELECT of a split, built by core's SQL pushdown kit with the MySQL dialect
 * (aurora-dialect.ts). Every value from a request is a bound `?` with an explicit CAST; a predicate
 * is only pushed when MySQL keeps at least every row Athena's semantics keep (core re-checks each row).
 */
import type { ValueSet } from '@athena-federation/connector-core';
import {
  buildSelect as buildKitSelect,
  renderPlaceholders,
  valueSetPredicate as kitValueSetPredicate,
} from '@athena-federation/connector-core/sql';
import type {
  SelectSpec as KitSelectSpec,
  SelectStatement as KitSelectStatement,
  SqlPredicate,
} from '@athena-federation/connector-core/sql';
import type { Statement } from './aurora-client.js';
import { mysqlDialect, quoteIdentifier } from './aurora-dialect.js';
import type { MappedColumn } from './aurora-types.js';

export { quoteIdentifier } from './aurora-dialect.js';
export { columnLookup } from '@athena-federation/connector-core/sql';

/** One column's WHERE fragment. `exact`: MySQL keeps exactly Athena's rows, so a LIMIT may follow. */
export type Predicate = SqlPredicate;

/** The WHERE fragment for one column's value set with `?` placeholders, or undefined when nothing safe can be pushed. */
export function valueSetPredicate(column: MappedColumn, set: ValueSet): Predicate | undefined {
  const predicate = kitValueSetPredicate(mysqlDialect, column, set);
  return predicate === undefined ? undefined : { ...predicate, sql: renderPlaceholders(mysqlDialect, predicate.sql) };
}

/** The column expression in the select list (see the dialect's `selectExpression`). */
export function selectExpression(column: MappedColumn): string {
  return mysqlDialect.selectExpression(column, quoteIdentifier(column.name));
}

/** What one split reads; split predicates and partitions come from aurora-splits.ts. */
export type SelectSpec = KitSelectSpec<MappedColumn>;

/** A split's statement, and whether MySQL applies every expression and the order exactly. */
export interface SelectStatement extends Statement, KitSelectStatement {}

/** The statement for a split (core's `buildSelect` with the MySQL dialect). */
export function buildSelect(spec: SelectSpec): SelectStatement {
  return buildKitSelect(mysqlDialect, spec);
}
