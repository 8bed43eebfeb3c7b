// Proleptic Gregorian date arithmetic in plain integers, shared by the block writer and by plugins
// that turn their source's date text into what the writer stores. `Date` is not used: `Date.UTC`
// reads years 0–99 as 1900–1999 and silently rolls invalid dates over (Feb 30 → Mar 2), and
// `Date.parse` reads offset-less date-times in the host's zone.

export const MILLIS_PER_DAY = 86_400_000;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1–12) of `year`; 0 for a month outside 1–12. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** Whether `year-month-day` names a real day (month 1–12, day within the month). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Days since 1970-01-01 (negative before) of a proleptic Gregorian date, by H. Hinnant's
 * days_from_civil. It does not check the date: pass only what {@link isCalendarDate} accepts.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** An ISO-8601 date or date-time as {@link parseIsoDateTime} read it. */
export interface IsoDateTime {
  /** Days since 1970-01-01 of the calendar date as written (before any offset). */
  readonly days: number;
  /** Seconds since the epoch: the wall clock read as UTC, minus the offset if there is one. */
  readonly epochSeconds: number;
  /** Fraction of the second, in nanoseconds. */
  readonly nanos: number;
  /** Digits written after the decimal point of the seconds (0–9). */
  readonly fractionDigits: number;
  readonly hasTime: boolean;
  readonly hasOffset: boolean;
}

const ISO_DATE_TIME =
  /^([+-]\d{6}|\d{4})-(\d\d)-(\d\d)(?:[Tt ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d\d(?::?\d\d)?)?)?$/;

/**
 * Parses `YYYY-MM-DD`, optionally followed by `THH:MM[:SS[.fffffffff]]` and `Z`/`±HH[:MM]`, with
 * strict calendar checks; undefined for anything else. A space may replace the `T`, as SQL
 * databases print it; years beyond 9999 or before 0 take a sign and six digits (`+010000`).
 */
export function parseIsoDateTime(text: string): IsoDateTime | undefined {
  const match = ISO_DATE_TIME.exec(text);
  if (match === null) return undefined;
  const [, yearText = '', monthText = '', dayText = '', hourText, minuteText, secondText, fractionText, offsetText] =
    match;
  if (yearText === '-000000') return undefined;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  if (!isCalendarDate(year, month, day)) return undefined;
  const days = daysFromCivil(year, month, day);
  if (hourText === undefined) {
    return { days, epochSeconds: days * 86_400, nanos: 0, fractionDigits: 0, hasTime: false, hasOffset: false };
  }
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText ?? '0');
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const nanos = fractionText === undefined ? 0 : Number(fractionText.padEnd(9, '0'));
  let offsetSeconds = 0;
  if (offsetText !== undefined && offsetText !== 'Z' && offsetText !== 'z') {
    const offsetHours = Number(offsetText.slice(1, 3));
    const offsetMinutes = Number(offsetText.slice(offsetText.length - 2));
    const minutes = offsetText.length > 3 ? offsetMinutes : 0;
    if (minutes > 59 || offsetHours * 60 + minutes > 18 * 60) return undefined;
    offsetSeconds = (offsetText.startsWith('-') ? -1 : 1) * (offsetHours * 3600 + minutes * 60);
  }
  const epochSeconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds;
  return {
    days,
    epochSeconds,
    nanos,
    fractionDigits: fractionText?.length ?? 0,
    hasTime: true,
    hasOffset: offsetText !== undefined,
  };
}
