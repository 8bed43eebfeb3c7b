/**
 * Names as both engines' catalogs match them: the casing mode a request asks for, and a request's
 * summary keyed by the source's own column names (core's `columnLookup`: the exact name, else the
 * one case-insensitive match, since Athena may lower-case names).
 */
import type { CasingMode, ConnectorContext, ValueSet } from '@athena-federation/connector-core';
import { columnLookup } from '@athena-federation/connector-core/sql';

/** Java's default for JDBC sources is CASE_INSENSITIVE_SEARCH; LOWER/UPPER transform the name instead. */
export function casingOf(ctx: ConnectorContext): CasingMode {
  return ctx.config.casingMode ?? 'CASE_INSENSITIVE_SEARCH';
}

/** The request's summary keyed by the source's column names (a name no column has is kept as sent). */
export function summaryByColumn(
  columns: readonly { readonly name: string }[],
  summary: Readonly<Record<string, ValueSet>>,
): Record<string, ValueSet> {
  const lookup = columnLookup(columns);
  return Object.fromEntries(Object.entries(summary).map(([name, set]) => [lookup(name)?.name ?? name, set]));
}
