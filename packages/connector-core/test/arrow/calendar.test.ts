import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  MILLIS_PER_DAY,
  daysFromCivil,
  daysInMonth,
  isCalendarDate,
  parseIsoDateTime,
} from '../../src/arrow/calendar.js';

describe('calendar', () => {
  it('counts days from 1970-01-01 as Date does for years Date reads as written', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0100-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
        (date) => {
          const days = daysFromCivil(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
          expect(days).toBe(Math.floor(date.getTime() / MILLIS_PER_DAY));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads years below 100 as written, where Date.UTC would add 1900', () => {
    expect(daysFromCivil(1, 1, 1)).toBe(-719_162);
    expect(daysFromCivil(50, 3, 1) * MILLIS_PER_DAY).toBe(Date.parse('0050-03-01T00:00:00Z'));
  });

  it('knows leap years and month lengths', () => {
    expect([2000, 2024, 1900, 2023].map((year) => daysInMonth(year, 2))).toEqual([29, 29, 28, 28]);
    expect(isCalendarDate(2024, 2, 29)).toBe(true);
    expect(isCalendarDate(2023, 2, 29)).toBe(false);
    expect(isCalendarDate(2024, 4, 31)).toBe(false);
    expect(isCalendarDate(2024, 13, 1)).toBe(false);
    expect(isCalendarDate(2024, 0, 1)).toBe(false);
    expect(isCalendarDate(2024, 1, 0)).toBe(false);
  });

  it('parses ISO dates and date-times strictly, counting fraction digits', () => {
    expect(parseIsoDateTime('2020-01-01T00:00:01.123456789+01:00')).toEqual({
      days: 18_262,
      epochSeconds: 18_262 * 86_400 + 1 - 3600,
      nanos: 123_456_789,
      fractionDigits: 9,
      hasTime: true,
      hasOffset: true,
    });
    expect(parseIsoDateTime('1969-12-31')).toEqual({
      days: -1,
      epochSeconds: -86_400,
      nanos: 0,
      fractionDigits: 0,
      hasTime: false,
      hasOffset: false,
    });
    for (const text of ['2020-02-30', '2020-01-01T24:00', '2020-01-01T00:00+18:01', '2020-1-01', '-000000-01-01'])
      expect(parseIsoDateTime(text), text).toBeUndefined();
  });
});
