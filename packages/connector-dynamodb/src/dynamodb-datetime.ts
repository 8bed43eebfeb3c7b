/**
 * Date/time strings read with Glue's `datetimeFormatMapping` (Java `DateTimeFormatter` patterns)
 * and `defaultTimeZone`. Only the pattern letters DynamoDB data commonly uses are supported; a
 * pattern with others is refused when the table is read, naming the column.
 */
import { MILLIS_PER_DAY, daysFromCivil, isCalendarDate } from '@athena-federation/connector-core';

/** Wall-clock fields of a parsed value, plus its UTC offset when the text carried one. */
export interface ParsedDateTime {
  /** The wall-clock time as if it were UTC, in milliseconds. */
  readonly wallMillis: number;
  /** Minutes east of UTC, when the pattern has an offset (X, x, Z). */
  readonly offsetMinutes: number | undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

type Setter = (fields: Fields, text: string) => void;
interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
  pm: boolean | undefined;
  offset: number | undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function offsetMinutes(text: string): number {
  if (text === 'Z' || text === 'z') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (match === null) return Number.NaN;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? '0');
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * Compiles a Java DateTimeFormatter pattern (`yyyy-MM-dd'T'HH:mm:ss.SSSXXX`, `dd/MM/yyyy`, …)
 * into a parser. Supported letters: y, M (number or 3-letter name), d, H, h with a, m, s, S
 * (fraction), X/x/Z (offset); quoted text and punctuation are literals.
 *
 * @throws {Error} naming the first unsupported letter.
 */
export function compileDateTimePattern(pattern: string): (text: string) => ParsedDateTime | undefined {
  let regex = '';
  const setters: Setter[] = [];
  for (let i = 0; i < pattern.length; ) {
    const char = pattern[i] ?? '';
    if (char === "'") {
      const end = pattern.indexOf("'", i + 1);
      const literal = end === -1 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      regex += literal === '' ? "'" : escapeRegExp(literal);
      i = end === -1 ? pattern.length : end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(char)) {
      regex += escapeRegExp(char);
      i++;
      continue;
    }
    let run = 1;
    while (pattern[i + run] === char) run++;
    i += run;
    const number = (min: number, max: number, set: (f: Fields, n: number) => void) => {
      regex += `(\\d{${min},${max}})`;
      setters.push((f, t) => set(f, Number(t)));
    };
    switch (char) {
      case 'y':
      case 'u':
        if (run === 2) number(2, 2, (f, n) => (f.year = 2000 + n));
        else number(4, 9, (f, n) => (f.year = n));
        break;
      case 'M':
        if (run >= 3) {
          regex += '([A-Za-z]{3,9})';
          setters.push((f, t) => (f.month = MONTHS.indexOf(t.slice(0, 3).toLowerCase()) + 1 || Number.NaN));
        } else number(run, 2, (f, n) => (f.month = n));
        break;
      case 'd':
        number(run, 2, (f, n) => (f.day = n));
        break;
      case 'H':
      case 'h':
        number(run, 2, (f, n) => (f.hour = n));
        break;
      case 'm':
        number(run, 2, (f, n) => (f.minute = n));
        break;
      case 's':
        number(run, 2, (f, n) => (f.second = n));
        break;
      case 'S':
        regex += `(\\d{${run}})`;
        setters.push((f, t) => (f.millis = Math.floor(Number(`0.${t}`) * 1000)));
        break;
      case 'a':
        regex += '([AaPp][Mm])';
        setters.push((f, t) => (f.pm = t.toLowerCase() === 'pm'));
        break;
      case 'X':
      case 'x':
      case 'Z':
        regex += '(Z|z|[+-]\\d{2}:?(?:\\d{2})?)';
        setters.push((f, t) => (f.offset = offsetMinutes(t)));
        break;
      default:
        throw new Error(`pattern letter "${char}" is not supported`);
    }
  }
  const matcher = new RegExp(`^${regex}$`);
  return (text) => {
    const match = matcher.exec(text.trim());
    if (match === null) return undefined;
    const fields: Fields = {
      year: 1970,
      month: 1,
      day: 1,
      hour: 0,
      minute: 0,
      second: 0,
      millis: 0,
      pm: undefined,
      offset: undefined,
    };
    setters.forEach((set, index) => {
      set(fields, match[index + 1] ?? '');
    });
    if (fields.pm !== undefined) fields.hour = (fields.hour % 12) + (fields.pm ? 12 : 0);
    const { year, month, day, hour, minute, second } = fields;
    // Out-of-range fields (Feb 30, 10:75) make the text no real date-time; Date.UTC would roll them over.
    if (
      !isCalendarDate(year, month, day) ||
      hour > 23 ||
      minute > 59 ||
      second > 59 ||
      Number.isNaN(fields.offset ?? 0)
    )
      return undefined;
    const wallMillis =
      daysFromCivil(year, month, day) * MILLIS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + fields.millis;
    return { wallMillis, offsetMinutes: fields.offset };
  };
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** Offset of `zone` from UTC at instant `utcMillis`, in milliseconds. */
export function zoneOffsetMillis(zone: string, utcMillis: number): number {
  let format = zoneFormats.get(zone);
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
    });
    zoneFormats.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(utcMillis)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(
    Number(parts['year']),
    Number(parts['month']) - 1,
    Number(parts['day']),
    Number(parts['hour']),
    Number(parts['minute']),
    Number(parts['second']),
  );
  return wall - (utcMillis - (((utcMillis % 1000) + 1000) % 1000));
}

/** The instant a parsed value denotes: its own offset, else its wall time in `zone`. */
export function instantOf(value: ParsedDateTime, zone: string): number {
  if (value.offsetMinutes !== undefined) return value.wallMillis - value.offsetMinutes * 60_000;
  const guess = value.wallMillis - zoneOffsetMillis(zone, value.wallMillis);
  return value.wallMillis - zoneOffsetMillis(zone, guess);
}

/** The wall time in `zone` of a parsed value (zone-less values are already wall times), as UTC-based millis. */
export function wallTimeOf(value: ParsedDateTime, zone: string): number {
  if (value.offsetMinutes === undefined) return value.wallMillis;
  const instant = instantOf(value, zone);
  return instant + zoneOffsetMillis(zone, instant);
}

/** `col=pattern,…` (Glue's datetimeFormatMapping) → lower-case column → pattern. */
export function parseFormatMapping(text: string | undefined): Map<string, string> {
  const mapping = new Map<string, string>();
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const column = pair.slice(0, at).trim().toLowerCase();
    const pattern = pair.slice(at + 1).trim();
    if (column !== '' && pattern !== '') mapping.set(column, pattern);
  }
  return mapping;
}
