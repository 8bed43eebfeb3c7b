/**
 * Prints query results the way a person reads them (an aligned table), or for other tools (CSV,
 * JSON lines). DuckDB values become plain text with their full precision.
 */

/** Output formats of the CLI. */
export const OutputFormats = ['table', 'csv', 'json'] as const;
/** One of {@link OutputFormats}. */
export type OutputFormat = (typeof OutputFormats)[number];

function text(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object' && 'toString' in value && typeof value.toString === 'function' && value.toString !== Object.prototype.toString) return value.toString();
  if (typeof value === 'object') return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const t = text(value);
  return /[",\n\r]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
}

/** Renders `rows` under `columns` in `format`. */
export function formatRows(columns: readonly string[], rows: readonly (readonly unknown[])[], format: OutputFormat): string {
  if (format === 'json') return rows.map((row) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, row[i] === undefined || row[i] === null ? null : typeof row[i] === 'object' || typeof row[i] === 'bigint' ? text(row[i]) : row[i]]))))
    .join('\n');
  if (format === 'csv') return [columns.map(csvCell).join(','), ...rows.map((row) => row.map(csvCell).join(','))].join('\n');
  const cells = rows.map((row) => row.map(text));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (values: readonly string[]) => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ');
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n');
}
