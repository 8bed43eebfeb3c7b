// Athena (like Presto/Trino "timestamp with time zone") does not read the zone from the Arrow
// field of a Timestamp(MILLISECOND, tz) column: it expects every int64 to carry its own zone as a
// 12-bit key in the low bits, with the UTC instant in the upper 52 bits. The keys are a fixed
// wire contract shared with the Java SDK, so zone-id spellings must resolve to exactly the key
// Java would pick, and a value that cannot be packed losslessly must fail loudly, never wrap.

import { FIRST_NAMED_ZONE_KEY, NAMED_ZONES } from './zone-index.js';

const MILLIS_SHIFT = 12n;
const ZONE_KEY_MASK = 0xfffn;

/** Smallest and largest epoch millis whose value still fits an int64 after `<< 12`. */
const MIN_PACKABLE_MILLIS = -(1n << 51n);
const MAX_PACKABLE_MILLIS = (1n << 51n) - 1n;

const UTC_KEY = 0;
const UTC_ID = 'UTC';
/** Fixed offsets span ±14:00; negative offsets take keys 1–840, positive ones 841–1680. */
const MAX_OFFSET_MINUTES = 14 * 60;

const NAMED_ID_BY_KEY: ReadonlyMap<number, string> = new Map(NAMED_ZONES);
const NAMED_KEY_BY_LOWER_ID: ReadonlyMap<string, number> = new Map(
  NAMED_ZONES.map(([key, zoneId]) => [zoneId.toLowerCase(), key] as const),
);

/** Lower-cased spellings (after any `etc/` prefix is dropped) that all denote UTC. */
const UTC_ALIASES: ReadonlySet<string> = new Set([
  'utc',
  'uct',
  'ut',
  'z',
  'zulu',
  'gmt',
  'gmt0',
  'greenwich',
  'universal',
]);

const OFFSET_ID = /^([+-])(\d\d):(\d\d)$/;
const HOUR_OFFSET = /^([+-])(\d\d?)$/;

/**
 * Resolves a zone id to its Athena zone key, case-insensitively.
 *
 * Accepts canonical ids (`"UTC"`, `"+05:30"`, `"America/New_York"`) plus the aliases Java's
 * `TimeZoneKey` normalises: UTC spellings (`Z`, `GMT`, `Etc/UTC`, `Zulu`, `+00:00`, …), offsets
 * prefixed by `UTC`/`GMT`/`UT` (`GMT-08:00`, `UTC+3`), whole-hour offsets (`+3`, `-11`), and POSIX
 * `Etc/GMT±H` whose sign is inverted (`Etc/GMT-3` is `+03:00`).
 *
 * @throws {RangeError} if the id names no zone in the index.
 */
export function zoneKeyOf(zoneId: string): number {
  const lower = zoneId.toLowerCase();
  const key = keyOfCanonical(lower) ?? keyOfNormalised(lower);
  if (key === undefined) {
    throw new RangeError(`Unsupported time zone ${JSON.stringify(zoneId)}`);
  }
  return key;
}

/**
 * Returns the canonical zone id for an Athena zone key: `"UTC"` for 0, `"±HH:MM"` for fixed
 * offsets (1–1680) and the IANA-style name for named zones (1681 and up).
 *
 * @throws {RangeError} if the key is not an integer assigned in the zone index.
 */
export function zoneIdOf(zoneKey: number): string {
  if (zoneKey === UTC_KEY) {
    return UTC_ID;
  }
  if (Number.isInteger(zoneKey) && zoneKey > 0 && zoneKey < FIRST_NAMED_ZONE_KEY) {
    const isNegative = zoneKey <= MAX_OFFSET_MINUTES;
    return formatOffset(zoneKey - MAX_OFFSET_MINUTES - (isNegative ? 1 : 0));
  }
  const named = NAMED_ID_BY_KEY.get(zoneKey);
  if (named === undefined) {
    throw new RangeError(`Unknown time zone key ${String(zoneKey)}`);
  }
  return named;
}

/**
 * Packs a UTC instant and a zone into the int64 Athena expects in a
 * Timestamp(MILLISECOND, tz) vector: `(epochMillis << 12) | zoneKey`.
 *
 * @param epochMillis - milliseconds since 1970-01-01T00:00:00Z; must lie in [-2^51, 2^51 - 1].
 * @param zone - a zone id (anything {@link zoneKeyOf} accepts) or a zone key.
 * @throws {RangeError} if `epochMillis` would not survive the shift, or the zone is unknown.
 */
export function packTimestampWithZone(epochMillis: bigint, zone: string | number): bigint {
  if (epochMillis < MIN_PACKABLE_MILLIS || epochMillis > MAX_PACKABLE_MILLIS) {
    throw new RangeError(
      `epochMillis ${epochMillis} is outside the packable range ` + `[${MIN_PACKABLE_MILLIS}, ${MAX_PACKABLE_MILLIS}]`,
    );
  }
  const zoneKey = typeof zone === 'number' ? checkedZoneKey(zone) : zoneKeyOf(zone);
  return (epochMillis << MILLIS_SHIFT) | BigInt(zoneKey);
}

/**
 * Splits a packed int64 back into its UTC instant and zone. The shift is arithmetic, so
 * instants before 1970 come back negative.
 *
 * @throws {RangeError} if `packed` is not a signed 64-bit value or carries an unassigned zone key.
 */
export function unpackTimestampWithZone(packed: bigint): {
  epochMillis: bigint;
  zoneKey: number;
  zoneId: string;
} {
  if (BigInt.asIntN(64, packed) !== packed) {
    throw new RangeError(`Packed timestamp ${packed} is not a signed 64-bit integer`);
  }
  const zoneKey = Number(packed & ZONE_KEY_MASK);
  return { epochMillis: packed >> MILLIS_SHIFT, zoneKey, zoneId: zoneIdOf(zoneKey) };
}

function checkedZoneKey(zoneKey: number): number {
  zoneIdOf(zoneKey);
  return zoneKey;
}

/** Looks up an already lower-cased id that is spelled exactly as the index spells it. */
function keyOfCanonical(lower: string): number | undefined {
  if (lower === 'utc') {
    return UTC_KEY;
  }
  const offset = OFFSET_ID.exec(lower);
  if (offset === null) {
    return NAMED_KEY_BY_LOWER_ID.get(lower);
  }
  const [, sign, hours = '', minutes = ''] = offset;
  const magnitude = Number(hours) * 60 + Number(minutes);
  if (Number(minutes) >= 60 || magnitude === 0 || magnitude > MAX_OFFSET_MINUTES) {
    return undefined;
  }
  return sign === '-' ? MAX_OFFSET_MINUTES + 1 - magnitude : MAX_OFFSET_MINUTES + magnitude;
}

/**
 * Rewrites the aliases Java accepts onto a canonical lower-case id, then looks that up.
 * Only strips one `etc/` prefix and one `utc`/`gmt`/`ut` prefix, as Java does.
 */
function keyOfNormalised(lower: string): number | undefined {
  const hasEtc = lower.startsWith('etc/');
  let rest = hasEtc ? lower.slice(4) : lower;
  if (UTC_ALIASES.has(rest)) {
    return UTC_KEY;
  }

  // POSIX Etc/GMT zones count hours west of Greenwich, so their sign is the opposite of ISO's.
  let invertSign = false;
  if (rest.length > 3 && (rest.startsWith('utc') || rest.startsWith('gmt'))) {
    invertSign = hasEtc && rest.startsWith('gmt');
    rest = rest.slice(3);
  } else if (rest.length > 2 && rest.startsWith('ut')) {
    rest = rest.slice(2);
  }

  if (rest === '+00:00' || rest === '-00:00') {
    return UTC_KEY;
  }
  if (OFFSET_ID.test(rest)) {
    // Java keeps the sign of "Etc/GMT+05:30", contradicting its own Etc/GMT+5 rule; no tz
    // database has such a zone, so refusing it beats guessing which sign was meant.
    return invertSign ? undefined : keyOfCanonical(rest);
  }

  const hourOffset = HOUR_OFFSET.exec(rest);
  if (hourOffset === null) {
    return undefined;
  }
  const [, sign, hours = ''] = hourOffset;
  if (Number(hours) === 0) {
    return UTC_KEY;
  }
  const isoSign = invertSign ? (sign === '-' ? '+' : '-') : sign;
  return keyOfCanonical(`${isoSign}${hours.padStart(2, '0')}:00`);
}

function formatOffset(offsetMinutes: number): string {
  const magnitude = Math.abs(offsetMinutes);
  const hours = String(Math.floor(magnitude / 60)).padStart(2, '0');
  const minutes = String(magnitude % 60).padStart(2, '0');
  return `${offsetMinutes < 0 ? '-' : '+'}${hours}:${minutes}`;
}
