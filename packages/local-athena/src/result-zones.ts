/**
 * Per-value zones in query results. The DuckDB SQL returns each value's zone in a companion column:
 * `"$zone<i>"` for the i-th select item (see the dialect's `zoneResultColumn`) or, through `*`, a
 * table's own `"name$zone"` right after `name` (see duckdb-tables.ts) or a CTE's or subquery's
 * after its columns. Here the companions are
 * folded into their columns' values, so a result has the columns Athena's has.
 */
import { DuckDBTimestampTZValue } from '@duckdb/node-api';
import { ZONE_COLUMN_SUFFIX } from './duckdb-tables.js';
import { TimestampWithZoneValue } from './format.js';

/** The result with each companion zone column folded into its column's values ({@link TimestampWithZoneValue}). */
export function foldZoneColumns(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): { columns: string[]; rows: unknown[][] } {
  // Companion index → the column whose values it zones.
  const zoned = new Map<number, number>();
  columns.forEach((name, i) => {
    const selected = /^\$zone(\d+)$/.exec(name);
    if (selected !== null) zoned.set(i, Number(selected[1]));
    else if (name.endsWith(ZONE_COLUMN_SUFFIX)) {
      // The nearest column before it of that name: a table's is right before it, a CTE's among its columns.
      const column = columns.slice(0, i).lastIndexOf(name.slice(0, -ZONE_COLUMN_SUFFIX.length));
      if (column >= 0) zoned.set(i, column);
    }
  });
  if (zoned.size === 0) return { columns: [...columns], rows: rows.map((row) => [...row]) };
  const kept = columns.flatMap((_, i) => (zoned.has(i) ? [] : [i]));
  return {
    columns: kept.map((i) => columns[i] ?? ''),
    rows: rows.map((row) => {
      const values = [...row];
      for (const [companion, column] of zoned) {
        const value = values[column];
        const zone = values[companion];
        if (value instanceof DuckDBTimestampTZValue && typeof zone === 'string')
          values[column] = new TimestampWithZoneValue(value.micros, zone);
      }
      return kept.map((i) => values[i]);
    }),
  };
}
