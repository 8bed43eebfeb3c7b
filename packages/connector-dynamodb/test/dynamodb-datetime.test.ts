// Java DateTimeFormatter patterns for datetimeFormatMapping, offsets and defaultTimeZone.
import { describe, expect, it } from 'vitest';
import { compileDateTimePattern, instantOf, parseFormatMapping, wallTimeOf } from '../src/dynamodb-datetime.js';

describe('compileDateTimePattern', () => {
  it.each([
    ['yyyy-MM-dd', '2026-11-27', Date.UTC(2026, 10, 27), undefined],
    ['dd/MM/yyyy', '27/11/2026', Date.UTC(2026, 10, 27), undefined],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS", '2026-11-27T10:15:30.250', Date.UTC(2026, 10, 27, 10, 15, 30, 250), undefined],
    ['yyyyMMddHHmmss', '20261127101530', Date.UTC(2026, 10, 27, 10, 15, 30), undefined],
    ['d MMM yyyy h:mm a', '7 Nov 2026 3:05 PM', Date.UTC(2026, 10, 7, 15, 5), undefined],
    ["yyyy-MM-dd'T'HH:mm:ssXXX", '2026-11-27T10:15:00+02:00', Date.UTC(2026, 10, 27, 10, 15), 120],
    ['yyyy-MM-dd HH:mm:ssZ', '2026-11-27 10:15:00-0530', Date.UTC(2026, 10, 27, 10, 15), -330],
    ["yyyy-MM-dd'T'HH:mm:ssX", '2026-11-27T10:15:00Z', Date.UTC(2026, 10, 27, 10, 15), 0],
  ])('%s reads %s', (pattern, text, wallMillis, offsetMinutes) => {
    expect(compileDateTimePattern(pattern)(text)).toEqual({ wallMillis, offsetMinutes });
  });

  it('refuses text that does not match or is not a real date, and unsupported letters', () => {
    const parse = compileDateTimePattern('yyyy-MM-dd');
    expect(parse('2026-02-30')).toBeUndefined();
    expect(parse('27/11/2026')).toBeUndefined();
    expect(() => compileDateTimePattern('yyyy-ww')).toThrow(/"w"/);
  });

  it('reads years 1–99 as written and refuses out-of-range times instead of rolling them over', () => {
    // Date.UTC reads years 0–99 as 1900–1999 and turns 10:75 into 11:15.
    expect(compileDateTimePattern('yyyy-MM-dd')('0050-03-01')).toEqual({
      wallMillis: Date.parse('0050-03-01T00:00:00Z'),
      offsetMinutes: undefined,
    });
    const parse = compileDateTimePattern('yyyy-MM-dd HH:mm:ss');
    expect(parse('2026-11-27 10:75:00')).toBeUndefined();
    expect(parse('2026-11-27 10:15:60')).toBeUndefined();
    expect(parse('2026-11-27 24:00:00')).toBeUndefined();
    expect(parse('2026-13-01 10:00:00')).toBeUndefined();
    expect(parse('2026-11-27 23:59:59')).toEqual({
      wallMillis: Date.UTC(2026, 10, 27, 23, 59, 59),
      offsetMinutes: undefined,
    });
  });
});

describe('zones', () => {
  it('places zone-less values in the default zone, and shows offset values in it', () => {
    // 10:15 in New York in November is EST (UTC-5); in July EDT (UTC-4).
    expect(
      instantOf({ wallMillis: Date.UTC(2026, 10, 27, 10, 15), offsetMinutes: undefined }, 'America/New_York'),
    ).toBe(Date.UTC(2026, 10, 27, 15, 15));
    expect(instantOf({ wallMillis: Date.UTC(2026, 6, 1, 10, 15), offsetMinutes: undefined }, 'America/New_York')).toBe(
      Date.UTC(2026, 6, 1, 14, 15),
    );
    expect(wallTimeOf({ wallMillis: Date.UTC(2026, 10, 27, 10, 15), offsetMinutes: 120 }, 'America/New_York')).toBe(
      Date.UTC(2026, 10, 27, 3, 15),
    );
    expect(wallTimeOf({ wallMillis: Date.UTC(2026, 10, 27, 10, 15), offsetMinutes: undefined }, 'Asia/Tokyo')).toBe(
      Date.UTC(2026, 10, 27, 10, 15),
    );
  });

  it('parses the mapping property', () => {
    expect([...parseFormatMapping("Day=dd/MM/yyyy, at=yyyy-MM-dd'T'HH:mm , bad")]).toEqual([
      ['day', 'dd/MM/yyyy'],
      ['at', "yyyy-MM-dd'T'HH:mm"],
    ]);
  });
});
