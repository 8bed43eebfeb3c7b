/**
 * Time zones of timestamps with time zone, carried by the translation. In DuckDB a `timestamp with
 * time zone` stays a TIMESTAMPTZ — the instant — so comparisons, ordering, joins, aggregates and
 * pushdown work on instants natively; the zone Athena keeps with each value is known to the
 * translation wherever the SQL states it (`TIMESTAMP '… Europe/Berlin'`, `at_timezone(x, 'zone')`,
 * `with_timezone`, `AT TIME ZONE`, `from_iso8601_timestamp('…+02:00')`), and the functions that read
 * local fields (hour(), day(), date(), date_format, CAST AS timestamp …) are given the local
 * date-time in that zone. Top-level result columns carry their zone, so values print as Athena prints
 * them (`2024-01-01 10:00:00.000 Europe/Berlin`).
 */
import { AthenaSqlError, type SqlPosition } from './errors.js';

/**
 * A zone known per value, not from the SQL: SQL for a VARCHAR zone id (a connector column's
 * companion `"ts$zone"`, the zone argument of `at_timezone(ts, zone_col)`). Those rows' zones are
 * Athena's ids (`UTC`, `+05:30`, `Europe/Berlin`), which the `athena_local`/`athena_instant` macros read.
 */
export interface ValueZone {
  readonly sql: string;
  /** Whether `sql` is an aggregate (the zone of `max(ts)`), so it is not aggregated again. */
  readonly aggregate?: boolean;
}

/** A zone the SQL states (its id) or one known per value. */
export type Zone = string | ValueZone;

/** SQL for the zone's id, a VARCHAR. */
export function zoneTextSql(zone: Zone): string {
  return typeof zone === 'string' ? sqlString(zone) : zone.sql;
}

/** `+02:00`, `-05:30`: a fixed offset as Athena prints it. */
const offsetZone = /^([+-])(\d{2}):(\d{2})$/;

/** The zone id Athena prints for `text` (an IANA id, UTC, or an offset `+hh:mm`), or an error naming it. */
export function athenaZone(text: string, position?: SqlPosition): string {
  const trimmed = text.trim();
  if (/^(z|utc|gmt|ut|\+00:00|-00:00|\+00|\+0)$/i.test(trimmed)) return 'UTC';
  const offset = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(trimmed);
  if (offset !== null) {
    const hours = Number(offset[2]);
    const minutes = Number(offset[3] ?? '0');
    if (hours > 14 || minutes > 59) throw new AthenaSqlError(`Time zone not supported: ${trimmed}`, position);
    if (hours === 0 && minutes === 0) return 'UTC';
    return `${offset[1]}${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  }
  try {
    return canonicalCase(trimmed);
  } catch {
    throw new AthenaSqlError(`Time zone not supported: ${trimmed}`, position);
  }
}

/** `europe/berlin` as `Europe/Berlin`, when Intl knows the zone under that spelling. */
function canonicalCase(zone: string): string {
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
}

/** Minutes east of UTC of an offset zone, or undefined for a named zone. */
function offsetMinutes(zone: string): number | undefined {
  const match = offsetZone.exec(zone);
  if (match === null) return zone === 'UTC' ? 0 : undefined;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

const sqlString = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** SQL for the local date-time (TIMESTAMP) in `zone` of the instant `instantSql` (TIMESTAMPTZ, or a TIMESTAMP read as UTC). */
export function localSql(instantSql: string, zone: Zone): string {
  if (typeof zone !== 'string') return `athena_local(${instantSql}, ${zone.sql})`;
  const minutes = offsetMinutes(zone);
  if (minutes === undefined) return `timezone(${sqlString(zone)}, CAST(${instantSql} AS TIMESTAMPTZ))`;
  const utc = `CAST(CAST(${instantSql} AS TIMESTAMPTZ) AS TIMESTAMP)`;
  return minutes === 0 ? utc : `(${utc} + to_minutes(${minutes}))`;
}

/** SQL for the instant (TIMESTAMPTZ) whose local date-time in `zone` is `localTimestampSql` (a TIMESTAMP). */
export function instantSql(localTimestampSql: string, zone: Zone): string {
  if (typeof zone !== 'string') return `athena_instant(${localTimestampSql}, ${zone.sql})`;
  const minutes = offsetMinutes(zone);
  if (minutes === undefined) return `timezone(${sqlString(zone)}, CAST(${localTimestampSql} AS TIMESTAMP))`;
  const local = `CAST(${localTimestampSql} AS TIMESTAMP)`;
  return `CAST(${minutes === 0 ? local : `(${local} - to_minutes(${minutes}))`} AS TIMESTAMPTZ)`;
}

/** SQL for the ISO 8601 offset suffix (`Z`, `+01:00`) of `zone` at the instant `instantSql`. */
export function offsetSuffixSql(instantSql: string, zone: Zone): string {
  const minutes = typeof zone === 'string' ? offsetMinutes(zone) : undefined;
  if (minutes === 0) return `'Z'`;
  if (minutes !== undefined) return zoneTextSql(zone);
  const diff = `CAST(date_diff('minute', CAST(CAST(${instantSql} AS TIMESTAMPTZ) AS TIMESTAMP), ${localSql(instantSql, zone)}) AS INTEGER)`;
  return `(CASE WHEN ${diff} < 0 THEN '-' ELSE '+' END || lpad(CAST(abs(${diff}) // 60 AS VARCHAR), 2, '0') || ':' || lpad(CAST(abs(${diff}) % 60 AS VARCHAR), 2, '0'))`;
}

/** The zone of an ISO 8601 timestamp text's offset (`…Z`, `…+02:00`), UTC when it has none. */
export function iso8601Zone(text: string): string {
  const match = /(Z|[+-]\d{2}(?::?\d{2})?)$/i.exec(text.trim());
  if (match === null || !/T|\d{2}:\d{2}/.test(text)) return 'UTC';
  return athenaZone(match[1] ?? 'UTC');
}

const parts = new Map<string, Intl.DateTimeFormat>();

/**
 * The local date-time in `zone` of `epochMicros`, as microseconds since 1970 on a UTC clock (so
 * it prints with the UTC formatter).
 */
export function localMicros(epochMicros: bigint, zone: string): bigint {
  const minutes = offsetMinutes(zone);
  if (minutes !== undefined) return epochMicros + BigInt(minutes) * 60_000_000n;
  let format = parts.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    parts.set(zone, format);
  }
  const millis = epochMicros / 1000n - (epochMicros % 1000n < 0n ? 1n : 0n);
  const fields = Object.fromEntries(format.formatToParts(new Date(Number(millis))).map((p) => [p.type, p.value]));
  const year =
    Number(fields['year']) * (fields['era'] === 'BC' || fields['era'] === 'B' ? -1 : 1) +
    (fields['era'] === 'BC' || fields['era'] === 'B' ? 1 : 0);
  const local = Date.UTC(
    year,
    Number(fields['month']) - 1,
    Number(fields['day']),
    Number(fields['hour']),
    Number(fields['minute']),
    Number(fields['second']),
  );
  const wholeSeconds = BigInt(Math.floor(Number(millis) / 1000)) * 1000n;
  return BigInt(local) * 1000n + (epochMicros - wholeSeconds * 1000n);
}
