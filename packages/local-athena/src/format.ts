/**
 * Prints query results the way a person reads them (an aligned table), or for other tools (CSV,
 * JSON lines). DuckDB values become plain text with their full precision, timestamps as Athena
 * prints them: with milliseconds, and a timestamp with time zone with its zone (its column's, see
 * athenaTextInZone; UTC otherwise).
 */
import { DuckDBListValue, DuckDBMapValue, DuckDBTimestampTZValue, DuckDBTimestampValue } from '@duckdb/node-api';
import { localMicros } from './dialect/zones.js';

/** Output formats of the CLI. */
export const OutputFormats = ['table', 'csv', 'json'] as const;
/** One of {@link OutputFormats}. */
export type OutputFormat = (typeof OutputFormats)[number];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `2024-01-02 03:04:05.678`, as Athena prints a timestamp(3); sub-millisecond digits, which
 * Athena's timestamp(3) would not have, are printed rather than dropped.
 */
export function formatTimestamp(micros: bigint, withZone: boolean | string): string {
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const rest = Number(micros - millis * 1000n);
  const date = new Date(Number(millis));
  const year = date.getUTCFullYear();
  const day = `${year < 0 ? '-' : ''}${pad(Math.abs(year), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const fraction = `${pad(date.getUTCMilliseconds(), 3)}${rest === 0 ? '' : pad(rest, 3)}`;
  const zone = withZone === true ? ' UTC' : withZone === false ? '' : ` ${withZone}`;
  return `${day} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${fraction}${zone}`;
}

/**
 * A timestamp with time zone that carries its own zone, as Athena's values do: a result value of a
 * column whose zone is known per value (a connector's Timestamp(MILLISECOND, tz) column,
 * `at_timezone(ts, zone_col)`). It is the instant, like any TIMESTAMPTZ value, and prints in its zone.
 */
export class TimestampWithZoneValue extends DuckDBTimestampTZValue {
  /** Athena's zone id: `UTC`, `+05:30`, `Europe/Berlin`. */
  readonly zone: string;

  constructor(micros: bigint, zone: string) {
    super(micros);
    this.zone = zone;
  }

  override toString(): string {
    return this.isFinite ? formatTimestamp(localMicros(this.micros, this.zone), this.zone) : super.toString();
  }
}

/** A result value as Athena prints it (a timestamp with time zone in its own zone or UTC; see {@link athenaTextInZone}). */
export function athenaText(value: unknown): string {
  if (value instanceof TimestampWithZoneValue) return value.toString();
  if (value instanceof DuckDBTimestampTZValue && value.isFinite) return formatTimestamp(value.micros, true);
  if (value instanceof DuckDBTimestampValue && value.isFinite) return formatTimestamp(value.micros, false);
  // Athena prints an array as [a, b] and a map as {k=v}, strings unquoted.
  if (value instanceof DuckDBListValue) return `[${value.items.map((v) => athenaText(v)).join(', ')}]`;
  if (value instanceof DuckDBMapValue)
    return `{${value.entries.map((e) => `${athenaText(e.key)}=${athenaText(e.value)}`).join(', ')}}`;
  return text(value);
}

/**
 * A value of a result column whose time zone is `zone` (`QueryResult.columnZones`) as Athena prints
 * it: a timestamp with time zone as its local date-time there, with the zone; UTC when undefined.
 */
export function athenaTextInZone(value: unknown, zone: string | undefined): string {
  if (
    zone !== undefined &&
    !(value instanceof TimestampWithZoneValue) &&
    value instanceof DuckDBTimestampTZValue &&
    value.isFinite
  )
    return formatTimestamp(localMicros(value.micros, zone), zone);
  return athenaText(value);
}

function text(value: unknown, zone?: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof DuckDBTimestampTZValue) return athenaTextInZone(value, zone);
  if (
    ((value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) && value.isFinite) ||
    value instanceof DuckDBListValue ||
    value instanceof DuckDBMapValue
  )
    return athenaText(value);
  if (
    typeof value === 'object' &&
    'toString' in value &&
    typeof value.toString === 'function' &&
    value.toString !== Object.prototype.toString
  )
    return value.toString();
  if (typeof value === 'object')
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

function csvCell(value: unknown, zone?: string): string {
  if (value === null || value === undefined) return '';
  const t = text(value, zone);
  return /[",\n\r]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
}

/** Renders `rows` under `columns` in `format`; `zones` are the columns' time zones (`QueryResult.columnZones`). */
export function formatRows(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  format: OutputFormat,
  zones: readonly (string | undefined)[] = [],
): string {
  if (format === 'json')
    return rows
      .map((row) =>
        JSON.stringify(
          Object.fromEntries(
            columns.map((c, i) => [
              c,
              row[i] === undefined || row[i] === null
                ? null
                : typeof row[i] === 'object' || typeof row[i] === 'bigint'
                  ? text(row[i], zones[i])
                  : row[i],
            ]),
          ),
        ),
      )
      .join('\n');
  if (format === 'csv')
    return [
      columns.map((c) => csvCell(c)).join(','),
      ...rows.map((row) => row.map((v, i) => csvCell(v, zones[i])).join(',')),
    ].join('\n');
  const cells = rows.map((row) => row.map((v, i) => text(v, zones[i])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (values: readonly string[]) => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ');
  return [
    line(columns),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...cells.map(line),
    `(${rows.length} row${rows.length === 1 ? '' : 's'})`,
  ].join('\n');
}
