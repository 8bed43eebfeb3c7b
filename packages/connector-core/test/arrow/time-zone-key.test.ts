import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { packTimestampWithZone, unpackTimestampWithZone, zoneIdOf, zoneKeyOf } from '../../src/arrow/time-zone-key.js';
import { FIRST_NAMED_ZONE_KEY, NAMED_ZONES } from '../../src/arrow/zone-index.js';

const MIN_MILLIS = -(2n ** 51n);
const MAX_MILLIS = 2n ** 51n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

describe('zone keys from the spec', () => {
  it.each([
    [0, 'UTC'],
    [1, '-14:00'],
    [840, '-00:01'],
    [841, '+00:01'],
    [1680, '+14:00'],
    [1681, 'Africa/Abidjan'],
    [1825, 'America/Los_Angeles'],
    [1847, 'America/New_York'],
    [1989, 'Asia/Tokyo'],
    [2072, 'Europe/London'],
    [2228, 'Europe/Saratov'],
  ])('key %i is %s', (key, zoneId) => {
    expect(zoneKeyOf(zoneId)).toBe(key);
    expect(zoneIdOf(key)).toBe(zoneId);
  });

  it('maps fixed offsets with offset + 841 (negative) and offset + 840 (positive)', () => {
    expect(zoneKeyOf('-08:00')).toBe(-480 + 841);
    expect(zoneKeyOf('+05:30')).toBe(330 + 840);
    expect(zoneKeyOf('+05:45')).toBe(345 + 840);
    expect(zoneIdOf(330 + 840)).toBe('+05:30');
    expect(zoneIdOf(-570 + 841)).toBe('-09:30');
  });

  it('round-trips every fixed offset key', () => {
    for (let key = 1; key < FIRST_NAMED_ZONE_KEY; key++) {
      const zoneId = zoneIdOf(key);
      expect(zoneId).toMatch(/^[+-](0\d|1[0-4]):[0-5]\d$/);
      expect(zoneKeyOf(zoneId)).toBe(key);
    }
  });
});

describe('named zone table', () => {
  it('holds 544 zones from 1681 to 2228 with keys 2040, 2180, 2186 and 2196 retired', () => {
    expect(NAMED_ZONES).toHaveLength(544);
    expect(NAMED_ZONES[0]).toEqual([1681, 'Africa/Abidjan']);
    expect(NAMED_ZONES.at(-1)).toEqual([2228, 'Europe/Saratov']);
    const keys = new Set(NAMED_ZONES.map(([key]) => key));
    const missing: number[] = [];
    for (let key = 1681; key <= 2228; key++) {
      if (!keys.has(key)) missing.push(key);
    }
    expect(missing).toEqual([2040, 2180, 2186, 2196]);
  });

  it('is ascending by key and its ids are unique ignoring case', () => {
    const keys = NAMED_ZONES.map(([key]) => key);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    const lowerIds = new Set(NAMED_ZONES.map(([, zoneId]) => zoneId.toLowerCase()));
    expect(lowerIds.size).toBe(NAMED_ZONES.length);
  });

  it('round-trips every entry: zoneKeyOf(zoneIdOf(k)) === k', () => {
    for (const [key, zoneId] of NAMED_ZONES) {
      expect(zoneIdOf(key)).toBe(zoneId);
      expect(zoneKeyOf(zoneIdOf(key))).toBe(key);
      expect(zoneKeyOf(zoneId.toUpperCase())).toBe(key);
    }
  });

  it('rejects every 12-bit key the index does not assign', () => {
    const assigned = new Set([0, ...NAMED_ZONES.map(([key]) => key)]);
    for (let key = 1; key < FIRST_NAMED_ZONE_KEY; key++) assigned.add(key);
    for (let key = 0; key <= 0xfff; key++) {
      if (assigned.has(key)) {
        expect(zoneKeyOf(zoneIdOf(key))).toBe(key);
      } else {
        expect(() => zoneIdOf(key)).toThrow(RangeError);
      }
    }
  });
});

describe('zoneKeyOf normalisation', () => {
  it.each([
    // UTC spellings
    ['UTC', 0],
    ['utc', 0],
    ['Z', 0],
    ['z', 0],
    ['UT', 0],
    ['UCT', 0],
    ['GMT', 0],
    ['GMT0', 0],
    ['Greenwich', 0],
    ['Universal', 0],
    ['Zulu', 0],
    ['Etc/UTC', 0],
    ['etc/utc', 0],
    ['Etc/GMT', 0],
    ['Etc/GMT0', 0],
    ['Etc/UCT', 0],
    ['Etc/Universal', 0],
    ['Etc/Zulu', 0],
    ['Etc/Greenwich', 0],
    ['+00:00', 0],
    ['-00:00', 0],
    ['UTC+00:00', 0],
    ['GMT-00:00', 0],
    ['UT+00:00', 0],
    ['+0', 0],
    ['-00', 0],
    ['UTC+0', 0],
    ['GMT-0', 0],
    ['Etc/GMT+0', 0],
    ['Etc/GMT-0', 0],
    // prefixed and bare offsets
    ['UTC+05:30', zoneKeyOf('+05:30')],
    ['GMT-08:00', zoneKeyOf('-08:00')],
    ['UT+09:00', zoneKeyOf('+09:00')],
    ['UTC+3', zoneKeyOf('+03:00')],
    ['utc-11', zoneKeyOf('-11:00')],
    ['GMT+3', zoneKeyOf('+03:00')],
    ['GMT-10', zoneKeyOf('-10:00')],
    ['UT-7', zoneKeyOf('-07:00')],
    ['+3', zoneKeyOf('+03:00')],
    ['-8', zoneKeyOf('-08:00')],
    ['+14', 1680],
    ['-14', 1],
    ['Etc/+05:30', zoneKeyOf('+05:30')],
    // POSIX Etc/GMT zones invert the sign
    ['Etc/GMT-3', zoneKeyOf('+03:00')],
    ['Etc/GMT+3', zoneKeyOf('-03:00')],
    ['etc/gmt+10', zoneKeyOf('-10:00')],
    ['Etc/GMT-14', 1680],
    ['Etc/GMT+12', zoneKeyOf('-12:00')],
    // Only Etc/GMT flips, as in Java; Etc/UTC±H keeps its sign
    ['Etc/UTC+5', zoneKeyOf('+05:00')],
    // case-insensitive named zones
    ['america/new_york', 1847],
    ['AMERICA/LOS_ANGELES', 1825],
    ['asia/TOKYO', 1989],
    ['eUrOpE/lOnDoN', 2072],
  ])('%s → %i', (zoneId, key) => {
    expect(zoneKeyOf(zoneId)).toBe(key);
  });

  it.each([
    '',
    ' UTC',
    'UTC ',
    'Mars/Olympus_Mons',
    'America/NewYork',
    'Etc/America/New_York',
    'EST',
    'HST',
    'MST',
    'Canada/East-Saskatchewan',
    '+14:01',
    '-14:01',
    '+15',
    'GMT+15',
    'Etc/GMT+15',
    '+05:60',
    '+5:30',
    'GMT+5:30',
    '+0530',
    '05:30',
    '+',
    'UTC+',
    'GMT+a',
    '+123',
    'UTC5',
    'Etc/GMT+05:30',
    'Etc/GMT-08:00',
  ])('rejects %j with a RangeError naming it', (zoneId) => {
    expect(() => zoneKeyOf(zoneId)).toThrow(RangeError);
    expect(() => zoneKeyOf(zoneId)).toThrow(JSON.stringify(zoneId));
  });
});

describe('zoneIdOf', () => {
  it.each([-1, 2040, 2180, 2186, 2196, 2229, 0xfff, 0x1000, 1.5, Number.NaN, Infinity])('rejects key %s', (key) => {
    expect(() => zoneIdOf(key)).toThrow(RangeError);
    expect(() => zoneIdOf(key)).toThrow(String(key));
  });
});

describe('packTimestampWithZone / unpackTimestampWithZone', () => {
  it('places millis above the 12-bit zone key', () => {
    expect(packTimestampWithZone(0n, 'UTC')).toBe(0n);
    expect(packTimestampWithZone(1n, 'UTC')).toBe(4096n);
    expect(packTimestampWithZone(0n, 'America/New_York')).toBe(1847n);
    expect(packTimestampWithZone(1_700_000_000_000n, 'Asia/Tokyo')).toBe((1_700_000_000_000n << 12n) | 1989n);
    expect(packTimestampWithZone(1_700_000_000_000n, 1989)).toBe(
      packTimestampWithZone(1_700_000_000_000n, 'asia/tokyo'),
    );
  });

  it('keeps negative epochs negative (arithmetic shift)', () => {
    const packed = packTimestampWithZone(-1n, 'America/New_York');
    expect(packed).toBe(-4096n + 1847n);
    expect(unpackTimestampWithZone(packed)).toEqual({
      epochMillis: -1n,
      zoneKey: 1847,
      zoneId: 'America/New_York',
    });
    const beforeEpoch = -86_400_000n * 365n * 100n;
    expect(unpackTimestampWithZone(packTimestampWithZone(beforeEpoch, '-08:00'))).toEqual({
      epochMillis: beforeEpoch,
      zoneKey: 361,
      zoneId: '-08:00',
    });
  });

  it('normalises the zone id on the way in and returns the canonical id', () => {
    expect(unpackTimestampWithZone(packTimestampWithZone(42n, 'Etc/GMT-3'))).toEqual({
      epochMillis: 42n,
      zoneKey: 1020,
      zoneId: '+03:00',
    });
    expect(unpackTimestampWithZone(packTimestampWithZone(42n, 'Z')).zoneId).toBe('UTC');
  });

  it('packs the extremes into the full int64 range', () => {
    expect(packTimestampWithZone(MIN_MILLIS, 'UTC')).toBe(INT64_MIN);
    expect(packTimestampWithZone(MAX_MILLIS, 2228)).toBe(INT64_MAX - 4095n + 2228n);
    expect(unpackTimestampWithZone(INT64_MIN)).toEqual({
      epochMillis: MIN_MILLIS,
      zoneKey: 0,
      zoneId: 'UTC',
    });
    expect(unpackTimestampWithZone(packTimestampWithZone(MAX_MILLIS, 'Europe/Saratov'))).toEqual({
      epochMillis: MAX_MILLIS,
      zoneKey: 2228,
      zoneId: 'Europe/Saratov',
    });
    expect(unpackTimestampWithZone(packTimestampWithZone(MIN_MILLIS, 'Africa/Abidjan'))).toEqual({
      epochMillis: MIN_MILLIS,
      zoneKey: 1681,
      zoneId: 'Africa/Abidjan',
    });
  });

  it.each([MAX_MILLIS + 1n, MIN_MILLIS - 1n, 2n ** 63n, -(2n ** 64n)])(
    'rejects epochMillis %s instead of wrapping',
    (millis) => {
      expect(() => packTimestampWithZone(millis, 'UTC')).toThrow(RangeError);
      expect(() => packTimestampWithZone(millis, 'UTC')).toThrow(String(millis));
    },
  );

  it('rejects unknown zones and zone keys', () => {
    expect(() => packTimestampWithZone(0n, 'Mars/Olympus_Mons')).toThrow(/Mars\/Olympus_Mons/);
    expect(() => packTimestampWithZone(0n, 2040)).toThrow(RangeError);
    expect(() => packTimestampWithZone(0n, 4096)).toThrow(RangeError);
    expect(() => packTimestampWithZone(0n, -1)).toThrow(RangeError);
  });

  it('rejects packed values carrying an unassigned zone key or outside int64', () => {
    expect(() => unpackTimestampWithZone((5n << 12n) | 2040n)).toThrow(/2040/);
    expect(() => unpackTimestampWithZone(-1n)).toThrow(/4095/);
    expect(() => unpackTimestampWithZone(INT64_MAX + 1n)).toThrow(RangeError);
    expect(() => unpackTimestampWithZone(INT64_MIN - 1n)).toThrow(RangeError);
  });

  it('round-trips any packable instant with any assigned zone', () => {
    const assignedKeys = [
      0,
      ...Array.from({ length: FIRST_NAMED_ZONE_KEY - 1 }, (_, i) => i + 1),
      ...NAMED_ZONES.map(([key]) => key),
    ];
    fc.assert(
      fc.property(fc.bigInt({ min: MIN_MILLIS, max: MAX_MILLIS }), fc.constantFrom(...assignedKeys), (millis, key) => {
        const packed = packTimestampWithZone(millis, zoneIdOf(key));
        expect(BigInt.asIntN(64, packed)).toBe(packed);
        expect(packed >> 12n).toBe(millis);
        expect(Number(packed & 0xfffn)).toBe(key);
        expect(unpackTimestampWithZone(packed)).toEqual({
          epochMillis: millis,
          zoneKey: key,
          zoneId: zoneIdOf(key),
        });
      }),
      { numRuns: 2000 },
    );
  });
});
